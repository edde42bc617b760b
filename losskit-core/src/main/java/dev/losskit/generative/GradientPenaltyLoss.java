package dev.losskit.generative;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.Shapes;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Samples;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Gradient penalty of a GAN critic: a penalty on the norm of the critic's gradient with respect to
 * its input, per sample, that keeps the critic Lipschitz (WGAN-GP) or smooth near the data (R1).
 *
 * <pre>{@code
 * g_n = gradient of the critic at sample n (all of its elements),  ||.|| = Euclidean norm
 * wgan-gp:  l_n = lambda (||g_n|| - 1)^2     dl_n/dg_n = 2 lambda (||g_n|| - 1) g_n / ||g_n||
 * r1:       l_n = lambda / 2 ||g_n||^2        dl_n/dg_n = lambda g_n
 * }</pre>
 *
 * <p>Input: {@code pred}, the per-sample gradients of the critic {@code (N, ...)}, finite (in
 * WGAN-GP taken at random interpolates of real and fake samples, in R1 at real samples); the norm
 * runs over every element of a sample. The unreduced loss has one value per sample; {@code mean}
 * divides by N, giving lambda mean((||g|| - 1)^2) and lambda / 2 mean(||g||^2).
 *
 * <p>Numerical notes: norms are accumulated in double, so float32 gradients of any size give a
 * finite norm. At ||g_n|| = 0 the WGAN-GP penalty has a cone-shaped peak with no gradient; the
 * subgradient 0 is returned there, as PyTorch's norm backward does.
 *
 * <p>Equals {@code lambda * ((g.flatten(1).norm(2, dim=1) - 1) ** 2).mean()} (wgan-gp) and {@code
 * lambda / 2 * g.flatten(1).pow(2).sum(1).mean()} (r1) in PyTorch, the critic's gradient g coming
 * from {@code torch.autograd.grad(..., create_graph=True)}; no peer library has it as a loss.
 *
 * @see <a href="https://arxiv.org/abs/1704.00028">Gulrajani et al. (2017), WGAN-GP</a>
 * @see <a href="https://arxiv.org/abs/1801.04406">Mescheder, Geiger, Nowozin (2018), R1</a>
 */
public final class GradientPenaltyLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("gradient-penalty", Family.GENERATIVE)
          .input(
              "pred",
              "(N, ...)",
              InputDomain.REAL,
              true,
              "per-sample gradients of the critic with respect to its input")
          .name("Gradient penalty")
          .summary(
              "A penalty on the norm of the critic's per-sample input gradient: WGAN-GP's"
                  + " (||g|| - 1)^2 or R1's ||g||^2 / 2, times lambda.")
          .formula("wgan-gp: l_n = lambda (||g_n|| - 1)^2; r1: l_n = lambda / 2 ||g_n||^2")
          .gradient(
              "wgan-gp: dl_n/dg_n = 2 lambda (||g_n|| - 1) g_n / ||g_n|| (0 at g_n = 0);"
                  + " r1: dl_n/dg_n = lambda g_n")
          .param(
              ParamSpec.choice(
                  "kind",
                  "wgan-gp",
                  List.of("wgan-gp", "r1"),
                  "two-sided penalty towards norm 1 (wgan-gp) or zero-centred penalty (r1)"))
          .param(ParamSpec.real("lambda", 10, Range.NONNEGATIVE, "weight of the penalty"))
          .traits(Trait.NONNEGATIVE)
          .equivalent(
              "lambda * ((g.flatten(1).norm(2, dim=1) - 1) ** 2).mean() (wgan-gp),"
                  + " lambda / 2 * g.flatten(1).pow(2).sum(1).mean() (r1)",
              "")
          .whenToUse(
              "Regularising GAN critics: wgan-gp enforces the 1-Lipschitz constraint of Wasserstein"
                  + " GANs softly, r1 stabilises other GANs at the data. Both need the critic's input"
                  + " gradient with a graph (double backpropagation), which costs about one more pass.")
          .reference(
              "Gulrajani et al. (2017), Improved training of Wasserstein GANs, NeurIPS",
              "https://arxiv.org/abs/1704.00028")
          .reference(
              "Mescheder, Geiger, Nowozin (2018), Which training methods for GANs do actually"
                  + " converge?, ICML",
              "https://arxiv.org/abs/1801.04406")
          .sampler(GradientPenaltyLoss::sample)
          .tasks(Task.IMAGE_TO_IMAGE, Task.TEXT_TO_IMAGE, Task.AUDIO_TO_IMAGE)
          .build(GradientPenaltyLoss::new);

  private final boolean r1;
  private final double lambda;

  private GradientPenaltyLoss(Params p) {
    super(SPEC, p);
    this.r1 = p.text("kind").equals("r1");
    this.lambda = p.real("lambda");
  }

  /**
   * Odd n: {@code (n, 2, 3)}; even n: {@code (n, 4)}; normal entries whose sample norms are about
   * 0.6 to 1.6, away from 0.
   */
  private static Tensor[] sample(Params p, SplittableRandom r, int n) {
    int[] shape = n % 2 == 1 ? new int[] {n, 2, 3} : new int[] {n, 4};
    float[] g = Samples.normal(r, 0.5, shape).data();
    int per = g.length / n;
    for (int s = 0; s < n; s++) {
      double ss = 0;
      for (int j = s * per; j < (s + 1) * per; j++) {
        ss += (double) g[j] * g[j];
      }
      double target = 0.6 + r.nextDouble();
      double f = ss > 0 ? target / Math.sqrt(ss) : 0;
      for (int j = s * per; j < (s + 1) * per; j++) {
        g[j] = ss > 0 ? (float) (g[j] * f) : (float) target;
      }
    }
    return new Tensor[] {Tensor.of(g, shape)};
  }

  @Override
  public int[] check(Tensor[] in) {
    Shapes.requireMinRank("pred", in[0], 1, "(N, ...)");
    return new int[] {in[0].dim(0)};
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] x = in[0].data();
    float[] g = grads == null ? null : grads[0];
    int n = in[0].dim(0);
    int per = n == 0 ? 0 : x.length / n;
    double sum = 0;
    for (int s = 0; s < n; s++) {
      int base = s * per;
      double ss = 0;
      for (int j = base; j < base + per; j++) {
        ss += (double) x[j] * x[j];
      }
      double l;
      double f;
      if (r1) {
        l = 0.5 * lambda * ss;
        f = lambda;
      } else {
        double norm = Math.sqrt(ss);
        l = lambda * (norm - 1) * (norm - 1);
        f = norm > 0 ? 2 * lambda * (norm - 1) / norm : 0;
      }
      sum += l;
      if (values != null) {
        values[s] = (float) l;
      }
      if (g != null) {
        double fs = f * scale;
        for (int j = base; j < base + per; j++) {
          g[j] = (float) (fs * x[j]);
        }
      }
    }
    return sum;
  }
}

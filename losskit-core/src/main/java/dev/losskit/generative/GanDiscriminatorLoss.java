package dev.losskit.generative;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Shapes;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Numerics;
import dev.losskit.internal.Samples;
import java.util.List;
import java.util.SplittableRandom;

/**
 * GAN discriminator (critic) loss: how well the discriminator's logits separate real from generated
 * samples, in the four common formulations; the discriminator's half of adversarial training.
 *
 * <pre>{@code
 * r = real logits (N_r of them), f = fake logits (N_f of them); means over all elements
 * minimax:        L = mean softplus(-r) + mean softplus(f)
 * least-squares:  L = (mean (r - 1)^2 + mean f^2) / 2
 * wasserstein:    L = mean f - mean r
 * hinge:          L = mean relu(1 - r) + mean relu(1 + f)
 * dL/dr_i = -sigmoid(-r_i) / N_r,   (r_i - 1) / N_r,   -1 / N_r,   -[r_i < 1] / N_r
 * dL/df_i =  sigmoid(f_i) / N_f,     f_i / N_f,          1 / N_f,    [f_i > -1] / N_f
 * }</pre>
 *
 * <p>Inputs: {@code real} and {@code fake}, the discriminator's logits (scores) on real and on
 * generated samples, finite, any shapes with at least one element each: the two batches may differ
 * in size and layout ({@code (N)}, {@code (N, 1)}, PatchGAN maps {@code (N, 1, H, W)}). Gradients
 * are given with respect to both. Because the loss is a sum of two means over different tensors,
 * its unreduced value is one scalar (shape {@code ()}) and {@code mean} is the only reduction.
 *
 * <p>Numerical notes: softplus is computed as max(x, 0) + log1p(exp(-|x|)), so logits of +/-1000
 * give finite values and gradients. At the hinge's kinks (r = 1, f = -1) the subgradient 0 is used,
 * as PyTorch's relu does. {@code cgan} (a conditional GAN) is the same loss on the scores of a
 * discriminator that also sees the condition.
 *
 * <p>Equals {@code F.binary_cross_entropy_with_logits(real, ones) +
 * F.binary_cross_entropy_with_logits(fake, zeros)} (minimax), {@code (F.mse_loss(real, ones) +
 * F.mse_loss(fake, zeros)) / 2} (least-squares), {@code fake.mean() - real.mean()} (wasserstein)
 * and {@code F.relu(1 - real).mean() + F.relu(1 + fake).mean()} (hinge); no peer library has it as
 * one loss.
 *
 * @see <a href="https://arxiv.org/abs/1406.2661">Goodfellow et al. (2014)</a>
 * @see <a href="https://arxiv.org/abs/1611.04076">Mao et al. (2017), least squares</a>
 * @see <a href="https://arxiv.org/abs/1701.07875">Arjovsky et al. (2017), Wasserstein</a>
 * @see <a href="https://arxiv.org/abs/1705.02894">Lim and Ye (2017), hinge</a>
 */
public final class GanDiscriminatorLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("gan-discriminator", Family.GENERATIVE)
          .input("real", "(*)", InputDomain.REAL, true, "discriminator logits on real samples")
          .input(
              "fake",
              "(*), any size",
              InputDomain.REAL,
              true,
              "discriminator logits on generated samples")
          .name("GAN discriminator")
          .summary(
              "The discriminator's (critic's) adversarial loss on real and generated logits:"
                  + " minimax, least-squares, Wasserstein or hinge.")
          .formula(
              "minimax: mean softplus(-r) + mean softplus(f); least-squares: (mean (r-1)^2 + mean"
                  + " f^2) / 2; wasserstein: mean f - mean r; hinge: mean relu(1 - r) + mean"
                  + " relu(1 + f)")
          .gradient(
              "dL/dr_i = -sigmoid(-r_i), r_i - 1, -1, -[r_i < 1]; dL/df_i = sigmoid(f_i), f_i, 1,"
                  + " [f_i > -1]; each divided by the size of its own input")
          .param(
              ParamSpec.choice(
                  "kind",
                  "minimax",
                  List.of("minimax", "least-squares", "wasserstein", "hinge"),
                  "formulation of the adversarial loss"))
          .traits(Trait.CONVEX)
          .equivalent(
              "torch.nn.functional.binary_cross_entropy_with_logits(real, ones)"
                  + " + torch.nn.functional.binary_cross_entropy_with_logits(fake, zeros) (minimax)",
              "")
          .aliases("cgan")
          .whenToUse(
              "Training the discriminator or critic of a GAN (image synthesis, translation,"
                  + " super-resolution; conditional GANs on conditional scores). Minimax is the"
                  + " original and saturates; least-squares and hinge train more stably; wasserstein"
                  + " needs a Lipschitz critic (gradient-penalty).")
          .reference(
              "Goodfellow et al. (2014), Generative adversarial nets, NeurIPS",
              "https://arxiv.org/abs/1406.2661")
          .reference(
              "Mao et al. (2017), Least squares generative adversarial networks, ICCV",
              "https://arxiv.org/abs/1611.04076")
          .reference(
              "Arjovsky, Chintala, Bottou (2017), Wasserstein GAN, ICML",
              "https://arxiv.org/abs/1701.07875")
          .reference("Lim, Ye (2017), Geometric GAN", "https://arxiv.org/abs/1705.02894")
          .onlyReductions(Reduction.MEAN)
          .sampler(GanDiscriminatorLoss::sample)
          .tasks(
              Task.IMAGE_TO_IMAGE,
              Task.TEXT_TO_IMAGE,
              Task.AUDIO_TO_IMAGE,
              Task.INPAINTING,
              Task.DEHAZING)
          .build(GanDiscriminatorLoss::new);

  private static final int MINIMAX = 0;
  private static final int LEAST_SQUARES = 1;
  private static final int WASSERSTEIN = 2;
  private static final int HINGE = 3;

  private final int kind;

  private GanDiscriminatorLoss(Params p) {
    super(SPEC, p);
    this.kind = List.of("minimax", "least-squares", "wasserstein", "hinge").indexOf(p.text("kind"));
  }

  /**
   * real {@code (n, 1)} and fake {@code (n/2 + 1, 1)}: logits around 0 with spread 2, at least 0.05
   * away from the hinge's kinks at +1 and -1.
   */
  private static Tensor[] sample(Params p, SplittableRandom r, int n) {
    return new Tensor[] {logits(r, n), logits(r, n / 2 + 1)};
  }

  private static Tensor logits(SplittableRandom r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      double v;
      do {
        v = 2 * Samples.gaussian(r);
      } while (Math.abs(Math.abs(v) - 1) < 0.05);
      x[i] = (float) v;
    }
    return Tensor.of(x, n, 1);
  }

  @Override
  public int[] check(Tensor[] in) {
    requireNonEmpty("real", in[0]);
    requireNonEmpty("fake", in[1]);
    return new int[0];
  }

  private static void requireNonEmpty(String name, Tensor t) {
    if (t.size() == 0) {
      throw new IllegalArgumentException(
          name + ": expected at least one logit, found shape " + Shapes.toString(t.shape()));
    }
  }

  /** The one unreduced value is already a mean. */
  @Override
  public double meanDenominator(Tensor[] inputs, int unreducedSize) {
    return 1;
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] real = in[0].data();
    float[] fake = in[1].data();
    double sr = scale / real.length;
    double sf = scale / fake.length;
    float[] gr = grads == null ? null : grads[0];
    float[] gf = grads == null ? null : grads[1];
    double lossReal = 0;
    for (int i = 0; i < real.length; i++) {
      double x = real[i];
      double l;
      double d;
      switch (kind) {
        case MINIMAX:
          l = Numerics.softplus(-x);
          d = -Numerics.sigmoid(-x);
          break;
        case LEAST_SQUARES:
          l = 0.5 * (x - 1) * (x - 1);
          d = x - 1;
          break;
        case WASSERSTEIN:
          l = -x;
          d = -1;
          break;
        default:
          l = Math.max(0, 1 - x);
          d = x < 1 ? -1 : 0;
      }
      lossReal += l;
      if (gr != null) {
        gr[i] = (float) (d * sr);
      }
    }
    double lossFake = 0;
    for (int i = 0; i < fake.length; i++) {
      double x = fake[i];
      double l;
      double d;
      switch (kind) {
        case MINIMAX:
          l = Numerics.softplus(x);
          d = Numerics.sigmoid(x);
          break;
        case LEAST_SQUARES:
          l = 0.5 * x * x;
          d = x;
          break;
        case WASSERSTEIN:
          l = x;
          d = 1;
          break;
        default:
          l = Math.max(0, 1 + x);
          d = x > -1 ? 1 : 0;
      }
      lossFake += l;
      if (gf != null) {
        gf[i] = (float) (d * sf);
      }
    }
    double value = lossReal / real.length + lossFake / fake.length;
    if (values != null) {
      values[0] = (float) value;
    }
    return value;
  }
}

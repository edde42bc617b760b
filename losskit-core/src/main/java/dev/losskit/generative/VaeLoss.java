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
import dev.losskit.internal.Numerics;
import dev.losskit.internal.Samples;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Variational autoencoder loss (negative evidence lower bound, beta-VAE): per sample, the
 * reconstruction error summed over the sample plus beta times the KL divergence of the Gaussian
 * posterior N(mu, exp(logvar)) from the prior N(0, I).
 *
 * <pre>{@code
 * x = reconstruction, y = input (sample n, elements j);  mu, v = logvar (sample n, latents k)
 * rec_n = sum_j (x - y)^2                                                    (kind = mse)
 *         sum_j -(y max(log x, -100) + (1 - y) max(log(1 - x), -100))         (kind = bce)
 * kl_n  = -1/2 sum_k (1 + v - mu^2 - exp(v))
 * l_n   = rec_n + beta kl_n
 * dl_n/dx  = 2 (x - y)  or  (x - y) / max(x (1 - x), 1e-12)
 * dl_n/dmu = beta mu,   dl_n/dv = beta (exp(v) - 1) / 2
 * }</pre>
 *
 * <p>Inputs: {@code reconstruction} and {@code input}, {@code (N, ...)} of equal shape, finite, and
 * probabilities in [0, 1] when {@code kind = bce} (the input is the target of the binary
 * cross-entropy); {@code mu} and {@code logvar}, the encoder's posterior {@code (N, ...)} of equal
 * shape with the same N. Gradients are given with respect to reconstruction, mu and logvar. The
 * unreduced loss has one value per sample; {@code mean} divides by N, {@code sum} gives the
 * batch-summed loss of the original VAE code.
 *
 * <p>Numerical notes: the bce logarithms are clamped at -100 and its gradient denominator floored
 * at 1e-12, as PyTorch's binary_cross_entropy does, so reconstructions of exactly 0 and 1 give
 * finite values and gradients. exp(logvar) is exact up to logvar = c = log(Float.MAX_VALUE) -
 * log(max(1, beta / 2)), about 88.72 for beta &lt;= 2: beyond c PyTorch's float32 value or gradient
 * overflows. Beyond c, exp is continued by its tangent line exp(c) (1 + logvar - c), so that value
 * and gradients stay finite for any finite logvar: dl/dlogvar is then beta (exp(c) - 1) / 2, at
 * most Float.MAX_VALUE. Very negative logvar is exact: exp underflows to 0 and kl grows like
 * -logvar / 2.
 *
 * <p>Equals {@code (rec + beta * kl).mean()} with {@code rec = F.mse_loss(x, y,
 * reduction='none').flatten(1).sum(1)} or {@code F.binary_cross_entropy(x, y,
 * reduction='none').flatten(1).sum(1)} and {@code kl = -0.5 * (1 + v - mu**2 -
 * v.exp()).flatten(1).sum(1)}, wherever PyTorch's value is finite; no peer library has it as one
 * loss.
 *
 * @see <a href="https://arxiv.org/abs/1312.6114">Kingma and Welling (2014)</a>
 * @see <a href="https://openreview.net/forum?id=Sy2fzU9gl">Higgins et al. (2017), beta-VAE</a>
 */
public final class VaeLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("vae", Family.GENERATIVE)
          .input(
              "reconstruction",
              "(N, ...)",
              InputDomain.REAL,
              true,
              "decoder output (probabilities for kind = bce)")
          .input(
              "input",
              "(N, ...), as reconstruction",
              InputDomain.REAL,
              false,
              "the data (in [0, 1] for kind = bce)")
          .input("mu", "(N, ...)", InputDomain.REAL, true, "posterior means")
          .input("logvar", "(N, ...), as mu", InputDomain.REAL, true, "posterior log-variances")
          .name("Variational autoencoder (negative ELBO)")
          .summary(
              "Per-sample reconstruction error plus beta times the KL divergence of the posterior"
                  + " N(mu, exp(logvar)) from N(0, I).")
          .formula(
              "l_n = sum_j e(reconstruction, input) - beta / 2 sum_k (1 + logvar - mu^2 -"
                  + " exp(logvar)), e = squared error (mse) or binary cross-entropy with logs"
                  + " clamped at -100 (bce)")
          .gradient(
              "dl/dreconstruction = 2 (x - y) (mse) or (x - y) / max(x (1 - x), 1e-12) (bce);"
                  + " dl/dmu = beta mu; dl/dlogvar = beta (exp(logvar) - 1) / 2")
          .param(
              ParamSpec.choice(
                  "kind",
                  "mse",
                  List.of("mse", "bce"),
                  "reconstruction error: squared error, or binary cross-entropy on probabilities"))
          .param(ParamSpec.real("beta", 1.0, Range.NONNEGATIVE, "weight of the KL term"))
          .traits(Trait.CONVEX, Trait.SMOOTH, Trait.NONNEGATIVE)
          .equivalent(
              "(rec + beta * kl).mean(), rec = torch.nn.functional.mse_loss(reconstruction, input,"
                  + " reduction='none').flatten(1).sum(1) (or binary_cross_entropy), kl = -0.5 * (1 +"
                  + " logvar - mu ** 2 - logvar.exp()).flatten(1).sum(1)",
              "")
          .whenToUse(
              "Training variational autoencoders and beta-VAEs (beta > 1 for disentangling, < 1 or"
                  + " annealed against posterior collapse). bce suits data in [0, 1] such as binarised"
                  + " images; mse matches a Gaussian decoder of fixed variance and tends to blur.")
          .reference(
              "Kingma, Welling (2014), Auto-encoding variational Bayes, ICLR",
              "https://arxiv.org/abs/1312.6114")
          .reference(
              "Higgins et al. (2017), beta-VAE: learning basic visual concepts with a constrained"
                  + " variational framework, ICLR",
              "https://openreview.net/forum?id=Sy2fzU9gl")
          .sampler(VaeLoss::sample)
          .tasks(Task.IMAGE_TO_IMAGE, Task.TEXT_TO_IMAGE, Task.REPRESENTATION)
          .build(VaeLoss::new);

  private static final double LOG_FLOOR = -100;
  private static final double EPSILON = 1e-12;

  private final boolean bce;
  private final double beta;

  /** Where exp(logvar) turns into its tangent line: beta exp(cap) / 2 &lt;= Float.MAX_VALUE. */
  private final double cap;

  private VaeLoss(Params p) {
    super(SPEC, p);
    this.bce = p.text("kind").equals("bce");
    this.beta = p.real("beta");
    this.cap = Numerics.LOG_FLOAT_MAX - Math.log(Math.max(1, beta / 2));
  }

  @Override
  public InputDomain inputDomain(int k) {
    return bce && k < 2 ? InputDomain.PROBABILITY : super.inputDomain(k);
  }

  /**
   * Odd n: data {@code (n, 2, 3)}; even n: {@code (n, 5)}; latents {@code (n, 3)}. mse: normal data
   * and reconstructions; bce: data uniform in [0, 1] and reconstructions in [0.02, 0.98]. Means
   * normal, log-variances normal with spread 1.
   */
  private static Tensor[] sample(Params p, SplittableRandom r, int n) {
    int[] shape = n % 2 == 1 ? new int[] {n, 2, 3} : new int[] {n, 5};
    Tensor x;
    Tensor y;
    if (p.text("kind").equals("bce")) {
      x = Samples.probabilities(r, shape);
      y = Samples.uniform(r, 0, 1, shape);
    } else {
      x = Samples.normal(r, 1, shape);
      y = Samples.normal(r, 1, shape);
    }
    return new Tensor[] {x, y, Samples.normal(r, 1, n, 3), Samples.normal(r, 1, n, 3)};
  }

  @Override
  public int[] check(Tensor[] in) {
    Shapes.requireMinRank("reconstruction", in[0], 1, "(N, ...)");
    Shapes.requireSame("input", in[1], "reconstruction", in[0]);
    int n = in[0].dim(0);
    if (in[2].rank() < 1 || in[2].dim(0) != n) {
      throw new IllegalArgumentException(
          "mu: expected shape (N, ...) with N = "
              + n
              + " as reconstruction, found "
              + Shapes.toString(in[2].shape()));
    }
    Shapes.requireSame("logvar", in[3], "mu", in[2]);
    return new int[] {n};
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] x = in[0].data();
    float[] y = in[1].data();
    float[] mu = in[2].data();
    float[] lv = in[3].data();
    float[] gx = grads == null ? null : grads[0];
    float[] gmu = grads == null ? null : grads[2];
    float[] glv = grads == null ? null : grads[3];
    int n = in[0].dim(0);
    int perX = n == 0 ? 0 : x.length / n;
    int perZ = n == 0 ? 0 : mu.length / n;
    double sum = 0;
    for (int s = 0; s < n; s++) {
      double rec = 0;
      for (int j = s * perX; j < (s + 1) * perX; j++) {
        double p = x[j];
        double t = y[j];
        double d;
        if (bce) {
          rec -=
              t * Math.max(Math.log(p), LOG_FLOOR) + (1 - t) * Math.max(Math.log1p(-p), LOG_FLOOR);
          d = (p - t) / Math.max((1 - p) * p, EPSILON);
        } else {
          double r = p - t;
          rec += r * r;
          d = 2 * r;
        }
        if (gx != null) {
          gx[j] = (float) (d * scale);
        }
      }
      double kl = 0;
      for (int k = s * perZ; k < (s + 1) * perZ; k++) {
        double m = mu[k];
        double v = lv[k];
        kl += Numerics.expTangentAbove(v, cap) - 1 - v + m * m;
        if (gmu != null) {
          gmu[k] = (float) (beta * m * scale);
        }
        if (glv != null) {
          glv[k] = (float) (0.5 * beta * (Math.exp(Math.min(v, cap)) - 1) * scale);
        }
      }
      double l = rec + 0.5 * beta * kl;
      sum += l;
      if (values != null) {
        values[s] = (float) l;
      }
    }
    return sum;
  }
}

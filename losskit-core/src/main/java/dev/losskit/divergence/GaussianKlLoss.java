package dev.losskit.divergence;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Shapes;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Numerics;
import dev.losskit.internal.Samples;

/**
 * KL divergence of a diagonal Gaussian N(mu, exp(logvar)) from the standard normal N(0, I): the
 * regulariser of a variational autoencoder's latent code, in closed form.
 *
 * <pre>{@code
 * one value per sample n, summed over the latent dimensions j:
 *   l_n          = -1/2 sum_j (1 + logvar_j - mu_j^2 - exp(logvar_j))
 *   dl/dmu_j     = mu_j
 *   dl/dlogvar_j = (exp(logvar_j) - 1) / 2
 *   mean         = sum l / N
 * }</pre>
 *
 * <p>Inputs: {@code mu} and {@code logvar}, finite, of equal shape {@code (N, D)} (or {@code (N,
 * d1, ..., dk)}, every dimension after the first summed; or {@code (D)}, one sample); both are
 * differentiable. The unreduced loss has shape {@code (N)} ({@code ()} for {@code (D)}).
 *
 * <p>Numerics: {@code exp(logvar)} is exact up to {@code logvar = log(Float.MAX_VALUE)}, about
 * 88.72, where PyTorch's float32 exp overflows to infinity; beyond it exp is continued by its
 * tangent line, so the value (accumulated in double) and the gradients stay finite, the {@code
 * logvar} gradient at most {@code Float.MAX_VALUE / 2}. An unreduced float32 value whose magnitude
 * exceeds {@code Float.MAX_VALUE} (about 3.4e38: logvar beyond about 89 in one dimension) rounds to
 * infinity; the reduced value is returned in double. For very negative {@code logvar}, exp
 * underflows to 0 and the value grows like {@code -logvar / 2}: finite for every float input.
 *
 * <p>Equals {@code -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=1)} (Kingma and
 * Welling's appendix B) wherever PyTorch's value is finite; no library has it as a loss, so the
 * reference values are this formula with PyTorch operations.
 *
 * @see <a href="https://arxiv.org/abs/1312.6114">Kingma and Welling (2014), Auto-encoding
 *     variational Bayes</a>
 */
public final class GaussianKlLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("gaussian-kl", Family.DIVERGENCE)
          .name("Gaussian KL to the standard normal")
          .summary(
              "KL(N(mu, exp(logvar)) || N(0, I)) per sample: the latent regulariser of a"
                  + " variational autoencoder.")
          .formula("l = -1/2 sum_j (1 + logvar_j - mu_j^2 - exp(logvar_j)) per sample")
          .gradient("dl/dmu_j = mu_j; dl/dlogvar_j = (exp(logvar_j) - 1) / 2")
          .input(
              "mu",
              "(N, D) or (N, d1, ..., dk) or (D)",
              InputDomain.REAL,
              true,
              "means of the approximate posterior")
          .input("logvar", "as mu", InputDomain.REAL, true, "log-variances of the posterior")
          .traits(Trait.CONVEX, Trait.SMOOTH, Trait.NONNEGATIVE)
          .whenToUse(
              "The KL term of a VAE's evidence lower bound with a diagonal Gaussian encoder and a"
                  + " standard normal prior (add it to the reconstruction error, or use the vae"
                  + " loss). Weighting it (beta-VAE) trades reconstruction for disentanglement;"
                  + " too strong a weight collapses the posterior onto the prior.")
          .reference(
              "Kingma and Welling (2014), Auto-encoding variational Bayes",
              "https://arxiv.org/abs/1312.6114")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review",
              "https://arxiv.org/abs/2504.04242")
          .sampler(
              (p, r, n) -> {
                int d = 1 + r.nextInt(5);
                return new Tensor[] {Samples.normal(r, 1, n, d), Samples.normal(r, 1, n, d)};
              })
          .tasks(Task.IMAGE_TO_IMAGE, Task.TEXT_TO_IMAGE, Task.REPRESENTATION)
          .build(GaussianKlLoss::new);

  private GaussianKlLoss(Params p) {
    super(SPEC, p);
  }

  @Override
  public int[] check(Tensor[] in) {
    Shapes.requireMinRank("mu", in[0], 1, "(N, D) or (D)");
    Shapes.requireSame("logvar", in[1], "mu", in[0]);
    return in[0].rank() == 1 ? new int[0] : new int[] {in[0].dim(0)};
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] mu = in[0].data();
    float[] lv = in[1].data();
    float[] gm = grads == null ? null : grads[0];
    float[] gv = grads == null ? null : grads[1];
    int samples = in[0].rank() == 1 ? 1 : in[0].dim(0);
    int dims = samples == 0 ? 0 : mu.length / samples;
    double cap = Numerics.LOG_FLOAT_MAX;
    double sum = 0;
    for (int n = 0, i = 0; n < samples; n++) {
      double l = 0;
      for (int j = 0; j < dims; j++, i++) {
        double m = mu[i];
        double v = lv[i];
        l += Numerics.expTangentAbove(v, cap) - 1 - v + m * m;
        if (gm != null) {
          gm[i] = (float) (scale * m);
        }
        if (gv != null) {
          gv[i] = (float) (scale * 0.5 * (Math.exp(Math.min(v, cap)) - 1));
        }
      }
      l *= 0.5;
      sum += l;
      if (values != null) {
        values[n] = (float) l;
      }
    }
    return sum;
  }
}

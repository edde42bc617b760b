package dev.losskit.timeseries;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Elementwise;
import dev.losskit.internal.Numerics;
import dev.losskit.internal.Samples;

/**
 * Continuous ranked probability score of a Gaussian forecast: a proper score, in the target's own
 * units, that rewards a sharp and calibrated predictive distribution without the log-likelihood's
 * sensitivity to tails.
 *
 * <pre>{@code
 * mu = pred,  s = sigma,  y = target,  z = (y - mu) / s
 * l         = s [z (2 Phi(z) - 1) + 2 phi(z) - 1 / sqrt(pi)]
 *           = (y - mu) erf(z / sqrt(2)) + s (2 phi(z) - 1 / sqrt(pi))
 * dl/dpred  = -erf(z / sqrt(2)) = 1 - 2 Phi(z)
 * dl/dsigma = 2 phi(z) - 1 / sqrt(pi)
 * }</pre>
 *
 * <p>Inputs, all of one shape: {@code pred}, the mean mu, finite; {@code target}, finite; {@code
 * sigma}, the standard deviation, finite and positive. Elementwise; {@code mean} divides by the
 * number of elements.
 *
 * <p>Numerical notes: the value is evaluated in its second form, {@code (y - mu) erf(z / sqrt(2))}
 * rather than {@code s z (2 Phi(z) - 1)}, so that it stays finite and exact as sigma approaches 0,
 * where the score tends to |y - mu| (the absolute error of a point forecast) and z may exceed the
 * float range; phi(z) underflows to 0 there. erf is accurate to about 1e-15 relative.
 *
 * <p>Equals the closed form of Gneiting et al. (2005), and the limit of {@code crps-ensemble} over
 * a growing sample of N(mu, sigma^2). No peer library is run: the reference values come from the
 * same closed form written with PyTorch operations (float64) and differentiated by autograd.
 *
 * @see <a href="https://doi.org/10.1198/016214506000001437">Gneiting and Raftery (2007)</a>
 */
public final class CrpsGaussianLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.elementwise("crps-gaussian", Family.TIMESERIES)
          .input(
              "sigma",
              "(*), as pred",
              InputDomain.POSITIVE,
              true,
              "the predicted standard deviation")
          .name("CRPS of a Gaussian")
          .summary(
              "Closed-form continuous ranked probability score of a Gaussian forecast N(mu, sigma^2)"
                  + " at the target.")
          .formula(
              "l = sigma [z (2 Phi(z) - 1) + 2 phi(z) - 1 / sqrt(pi)], z = (target - pred) / sigma")
          .gradient("dl/dpred = 1 - 2 Phi(z); dl/dsigma = 2 phi(z) - 1 / sqrt(pi)")
          .traits(Trait.CONVEX, Trait.SMOOTH, Trait.NONNEGATIVE)
          .whenToUse(
              "Training or evaluating Gaussian probabilistic forecasts (weather post-processing,"
                  + " demand): it is proper, in the target's units and robust to occasional misses"
                  + " that make the Gaussian NLL explode. It only scores a Gaussian shape: use"
                  + " crps-ensemble for samples or multi-quantile for free-form quantiles.")
          .reference(
              "Gneiting, Raftery (2007), Strictly proper scoring rules, prediction, and estimation,"
                  + " Journal of the American Statistical Association",
              "https://doi.org/10.1198/016214506000001437")
          .reference(
              "Gneiting, Raftery, Westveld, Goldman (2005), Calibrated probabilistic forecasting"
                  + " using ensemble model output statistics and minimum CRPS estimation, Monthly"
                  + " Weather Review",
              "https://doi.org/10.1175/MWR2904.1")
          .sampler(
              (p, r, n) ->
                  new Tensor[] {
                    Samples.normal(r, 2, n), Samples.normal(r, 2, n), Samples.uniform(r, 0.2, 3, n)
                  })
          .tasks(Task.TIME_SERIES)
          .build(CrpsGaussianLoss::new);

  private static final double INV_SQRT_PI = 1 / Math.sqrt(Math.PI);
  private static final double INV_SQRT_2 = 1 / Math.sqrt(2);

  private CrpsGaussianLoss(Params p) {
    super(SPEC, p);
  }

  @Override
  public int[] check(Tensor[] in) {
    return Elementwise.check(SPEC, in);
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] mu = in[0].data();
    float[] y = in[1].data();
    float[] sigma = in[2].data();
    float[] gMu = grads == null ? null : grads[0];
    float[] gSigma = grads == null ? null : grads[2];
    double sum = 0;
    for (int i = 0; i < mu.length; i++) {
      double s = sigma[i];
      double d = (double) y[i] - mu[i];
      double z = d / s;
      double erf = Numerics.erf(z * INV_SQRT_2);
      double density = 2 * Numerics.normalPdf(z) - INV_SQRT_PI;
      double l = d * erf + s * density;
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (gMu != null) {
        gMu[i] = (float) (-scale * erf);
      }
      if (gSigma != null) {
        gSigma[i] = (float) (scale * density);
      }
    }
    return sum;
  }
}

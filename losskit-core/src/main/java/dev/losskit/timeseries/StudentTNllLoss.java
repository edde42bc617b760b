package dev.losskit.timeseries;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Elementwise;
import dev.losskit.internal.Numerics;
import dev.losskit.internal.Samples;

/**
 * Student t negative log-likelihood: the likelihood of a heavy-tailed location-scale forecast, for
 * probabilistic regression whose residuals have outliers that a Gaussian likelihood would chase.
 *
 * <pre>{@code
 * m = pred (location),  s = scale,  y = target,  v = df,  z = (y - m) / s
 * l        = log s + (v + 1)/2 log(1 + z^2 / v) + lgamma(v/2) - lgamma((v + 1)/2) + log(v pi) / 2
 * dl/dpred  = -(v + 1) z / (s (v + z^2))
 * dl/dscale = v (1 - z^2) / (s (v + z^2))
 * }</pre>
 *
 * <p>Inputs, all of one shape: {@code pred}, the location, finite; {@code target}, finite; {@code
 * scale}, finite and positive. Elementwise; {@code mean} divides by the number of elements.
 *
 * <p>Numerical notes: log(1 + z^2 / v) is {@code log1p}; z and z^2 are formed in double, which
 * holds them for any float32 inputs. The constant is {@code log(2 pi) / 2 - [lgamma(v/2 + 1/2) -
 * lgamma(v/2) - log(v/2) / 2]}, whose bracket is evaluated without cancellation, so that a large df
 * approaches the Gaussian negative log-likelihood smoothly. The location gradient is bounded by (v
 * + 1) / (2 s sqrt(v)): outliers pull on the location no more than that.
 *
 * <p>Equals {@code -torch.distributions.StudentT(df, loc=pred, scale=scale).log_prob(target)}
 * (PyTorch 1.13), value and gradients with respect to pred and scale.
 *
 * @see <a href="https://doi.org/10.1080/01621459.1989.10478852">Lange, Little and Taylor (1989)</a>
 */
public final class StudentTNllLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.elementwise("student-t-nll", Family.TIMESERIES)
          .input("scale", "(*), as pred", InputDomain.POSITIVE, true, "the predicted scale")
          .name("Student t negative log-likelihood")
          .summary(
              "Negative log-likelihood of the target under a location-scale Student t distribution"
                  + " with the predicted location and scale: a heavy-tailed Gaussian NLL.")
          .formula(
              "l = log s + (v + 1)/2 log(1 + z^2 / v) + lgamma(v/2) - lgamma((v + 1)/2) + log(v"
                  + " pi) / 2, z = (target - pred) / s, s = scale, v = df")
          .gradient(
              "dl/dpred = -(v + 1) z / (s (v + z^2)); dl/dscale = v (1 - z^2) / (s (v + z^2))")
          .param(
              ParamSpec.real(
                  "df", 3, Range.POSITIVE, "degrees of freedom: the lower, the heavier the tails"))
          .traits(Trait.SMOOTH, Trait.ROBUST)
          .equivalent(
              "-torch.distributions.StudentT(df, loc=pred, scale=scale).log_prob(target)",
              "pytorch")
          .whenToUse(
              "Probabilistic regression and forecasting (DeepAR-style output heads) when residuals"
                  + " are heavy-tailed: outliers widen the distribution instead of dominating the"
                  + " fit. The loss is not convex in the location, and with learned df the tails can"
                  + " collapse to a Gaussian; fix df (3 to 5) unless there is much data.")
          .reference(
              "Lange, Little, Taylor (1989), Robust statistical modeling using the t distribution,"
                  + " Journal of the American Statistical Association",
              "https://doi.org/10.1080/01621459.1989.10478852")
          .reference(
              "Salinas, Flunkert, Gasthaus, Januschowski (2020), DeepAR, International Journal of"
                  + " Forecasting",
              "https://doi.org/10.1016/j.ijforecast.2019.07.001")
          .sampler(
              (p, r, n) ->
                  new Tensor[] {
                    Samples.normal(r, 2, n), Samples.normal(r, 2, n), Samples.uniform(r, 0.3, 3, n)
                  })
          .tasks(Task.REGRESSION, Task.TIME_SERIES)
          .build(StudentTNllLoss::new);

  private final double df;
  private final double constant;

  private StudentTNllLoss(Params p) {
    super(SPEC, p);
    this.df = p.real("df");
    this.constant = 0.5 * Math.log(2 * Math.PI) - Numerics.lgammaRatioExcess(0.5 * df, 0.5);
  }

  @Override
  public int[] check(Tensor[] in) {
    return Elementwise.check(SPEC, in);
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] loc = in[0].data();
    float[] y = in[1].data();
    float[] sc = in[2].data();
    float[] gLoc = grads == null ? null : grads[0];
    float[] gScale = grads == null ? null : grads[2];
    double half = 0.5 * (df + 1);
    double sum = 0;
    for (int i = 0; i < loc.length; i++) {
      double s = sc[i];
      double z = ((double) y[i] - loc[i]) / s;
      double z2 = z * z;
      double l = Math.log(s) + half * Math.log1p(z2 / df) + constant;
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (gLoc != null || gScale != null) {
        double den = s * (df + z2);
        if (gLoc != null) {
          gLoc[i] = (float) (-scale * (df + 1) * z / den);
        }
        if (gScale != null) {
          gScale[i] = (float) (scale * df * (1 - z2) / den);
        }
      }
    }
    return sum;
  }
}

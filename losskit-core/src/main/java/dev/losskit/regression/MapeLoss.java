package dev.losskit.regression;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Elementwise;
import dev.losskit.internal.Samples;

/**
 * Mean absolute percentage error: the residual relative to the target, as a fraction; for forecasts
 * judged in relative terms on targets far from zero.
 *
 * <pre>{@code
 * r    = pred - target
 * l    = |r| / max(|target|, eps)
 * dl/dpred = sign(r) / max(|target|, eps)      (0 at r = 0)
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target} of equal shape, finite. The value is a fraction, not a
 * percentage. {@code eps} only bounds the division where {@code |target| < eps}: a target of 0
 * gives {@code |pred| / eps}, large but finite. At {@code r = 0} the subgradient 0 is used, as
 * PyTorch does for {@code l1_loss}.
 *
 * <p>Equals {@code sklearn.metrics.mean_absolute_percentage_error(target, pred)} for the mean, with
 * {@code eps} set to scikit-learn's {@code 2.220446049250313e-16} (float64 machine epsilon); with
 * the default {@code eps = 1e-8} the two differ only where {@code |target| < 1e-8}.
 *
 * @see <a href="https://doi.org/10.1016/j.neucom.2015.12.114">de Myttenaere et al. (2016)</a>
 */
public final class MapeLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.elementwise("mape", Family.REGRESSION)
          .name("Mean absolute percentage error")
          .summary(
              "The absolute residual relative to the target, as a fraction: scale-free error for forecasts.")
          .formula("l = |pred - target| / max(|target|, eps)")
          .gradient("dl/dpred = sign(pred - target) / max(|target|, eps), 0 at pred = target")
          .param(
              ParamSpec.real("eps", 1e-8, Range.POSITIVE, "smallest target magnitude divided by"))
          .traits(Trait.CONVEX, Trait.NONNEGATIVE, Trait.ZERO_AT_TARGET, Trait.ROBUST)
          .equivalent(
              "sklearn.metrics.mean_absolute_percentage_error(target, pred) (with eps = 2.220446049250313e-16)",
              "scikit-learn")
          .whenToUse(
              "Forecasting and regression where errors matter relative to the size of the target and"
                  + " targets stay well away from zero; it explodes near zero targets and penalises"
                  + " over-forecasts more than under-forecasts, so prefer smape or mase there.")
          .reference(
              "de Myttenaere, Golden, Le Grand, Rossi (2016), Mean absolute percentage error for regression models,"
                  + " Neurocomputing 192",
              "https://doi.org/10.1016/j.neucom.2015.12.114")
          .sampler((p, r, n) -> new Tensor[] {Samples.normal(r, 2, n), awayFromZero(r, n)})
          .tasks(Task.REGRESSION, Task.TABULAR, Task.TIME_SERIES)
          .build(MapeLoss::new);

  private final double eps;

  private MapeLoss(Params p) {
    super(SPEC, p);
    this.eps = p.real("eps");
  }

  /** Targets of magnitude in [0.5, 3) with random signs. */
  private static Tensor awayFromZero(java.util.SplittableRandom r, int n) {
    float[] x = Samples.uniform(r, 0.5, 3, n).data();
    for (int i = 0; i < n; i++) {
      x[i] = r.nextBoolean() ? x[i] : -x[i];
    }
    return Tensor.of(x, n);
  }

  @Override
  public int[] check(Tensor[] in) {
    return Elementwise.check(SPEC, in);
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] p = in[0].data();
    float[] t = in[1].data();
    float[] g = grads == null ? null : grads[0];
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      double r = (double) p[i] - t[i];
      double d = Math.max(Math.abs((double) t[i]), eps);
      double l = Math.abs(r) / d;
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        g[i] = (float) (Math.signum(r) / d * scale);
      }
    }
    return sum;
  }
}

package dev.losskit.regression;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Elementwise;
import dev.losskit.internal.Samples;
import java.util.SplittableRandom;

/**
 * Symmetric mean absolute percentage error: the residual relative to the mean magnitude of
 * prediction and target, bounded by 2; a scale-free forecast error that stays finite at zero
 * targets.
 *
 * <pre>{@code
 * r = pred - target,  a = |pred| + |target|
 * l = 2 |r| / a                                   (0 where pred = target = 0)
 * dl/dpred = 2 sign(r) / a - 2 |r| sign(pred) / a^2   (0 where pred = target = 0)
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target} of equal shape, finite. The value is a fraction in [0,
 * 2], not a percentage. Where {@code |pred|} or {@code r} is not differentiable (pred = 0 or pred =
 * target) the subgradient with sign(0) = 0 is used. Where both are 0 the value and the gradient are
 * 0. No peer library has this loss; the formula is the definition (the M3 and M4 competitions'
 * sMAPE, as a fraction).
 *
 * @see <a href="https://doi.org/10.1016/0169-2070(93)90079-3">Makridakis (1993)</a>
 */
public final class SmapeLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.elementwise("smape", Family.REGRESSION)
          .name("Symmetric mean absolute percentage error")
          .summary(
              "The absolute residual relative to the mean magnitude of prediction and target, bounded by 2.")
          .formula("l = 2 |pred - target| / (|pred| + |target|), 0 where both are 0")
          .gradient(
              "dl/dpred = 2 sign(r) / a - 2 |r| sign(pred) / a^2, r = pred - target, a = |pred| + |target|;"
                  + " 0 where both are 0")
          .traits(Trait.NONNEGATIVE, Trait.BOUNDED, Trait.ZERO_AT_TARGET, Trait.ROBUST)
          .whenToUse(
              "Forecast evaluation and training across series of different scales when targets can be"
                  + " zero or near zero, where mape explodes; it is bounded but not convex, its"
                  + " gradient vanishes for large errors and it still favours under-forecasts.")
          .reference(
              "Makridakis (1993), Accuracy measures: theoretical and practical concerns,"
                  + " International Journal of Forecasting 9(4)",
              "https://doi.org/10.1016/0169-2070(93)90079-3")
          .reference(
              "Hyndman, Koehler (2006), Another look at measures of forecast accuracy,"
                  + " International Journal of Forecasting 22(4)",
              "https://doi.org/10.1016/j.ijforecast.2006.03.001")
          .sampler((p, r, n) -> new Tensor[] {signed(r, n), signed(r, n)})
          .tasks(Task.REGRESSION, Task.TIME_SERIES)
          .build(SmapeLoss::new);

  private SmapeLoss(Params p) {
    super(SPEC, p);
  }

  /** Magnitudes in [0.2, 3) with random signs: away from the kink of |pred| at 0. */
  private static Tensor signed(SplittableRandom r, int n) {
    float[] x = Samples.uniform(r, 0.2, 3, n).data();
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
      double x = p[i];
      double r = x - t[i];
      double a = Math.abs(x) + Math.abs((double) t[i]);
      double l = 0;
      double d = 0;
      if (a > 0) {
        double ar = Math.abs(r);
        l = 2 * ar / a;
        d = (2 * Math.signum(r) - l * Math.signum(x)) / a;
      }
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        g[i] = (float) (d * scale);
      }
    }
    return sum;
  }
}

package dev.losskit.regression;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Elementwise;
import dev.losskit.internal.Samples;

/**
 * Root mean squared error: the square root of the mean squared residual, in the units of the
 * target; for reporting and optimising squared error on the target's own scale.
 *
 * <pre>{@code
 * r    = pred - target,  N = number of elements
 * rmse = sqrt(sum(r^2) / N)
 * d rmse / dpred_i = r_i / (N rmse)      (0 when rmse = 0)
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target} of equal shape, finite. The loss is not elementwise:
 * the square root applies to the mean over all elements, so the only reduction is {@code mean} and
 * the unreduced value is one scalar (shape {@code ()}). At a perfect fit (rmse = 0) the gradient is
 * undefined; 0, a subgradient, is returned. The sum of squares is accumulated in double; an empty
 * input gives 0.
 *
 * <p>Equals {@code sklearn.metrics.mean_squared_error(target, pred, squared=False)} and {@code
 * torch.sqrt(torch.nn.functional.mse_loss(pred, target))}.
 *
 * @see <a href="https://doi.org/10.5194/gmd-7-1247-2014">Chai and Draxler (2014)</a>
 */
public final class RmseLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.elementwise("rmse", Family.REGRESSION)
          .name("Root mean squared error")
          .summary(
              "The square root of the mean squared residual: squared error in the target's units.")
          .formula("rmse = sqrt(mean((pred - target)^2)), one value over all elements")
          .gradient("d rmse / dpred_i = (pred_i - target_i) / (N rmse), 0 when rmse = 0")
          .traits(Trait.CONVEX, Trait.NONNEGATIVE, Trait.ZERO_AT_TARGET)
          .equivalent(
              "sklearn.metrics.mean_squared_error(target, pred, squared=False)", "scikit-learn")
          .whenToUse(
              "Reporting or optimising squared error on the target's own scale (forecasting, tabular"
                  + " regression); it has the minimiser of mse but a gradient scaled by 1/rmse, and is"
                  + " defined over the whole batch, so per-element values and other reductions do not exist.")
          .reference(
              "Chai, Draxler (2014), Root mean square error (RMSE) or mean absolute error (MAE)?,"
                  + " Geoscientific Model Development 7",
              "https://doi.org/10.5194/gmd-7-1247-2014")
          .onlyReductions(Reduction.MEAN)
          .sampler((p, r, n) -> new Tensor[] {Samples.normal(r, 2, n), Samples.normal(r, 1, n)})
          .tasks(Task.REGRESSION, Task.TABULAR, Task.TIME_SERIES)
          .build(RmseLoss::new);

  private RmseLoss(Params p) {
    super(SPEC, p);
  }

  @Override
  public int[] check(Tensor[] in) {
    Elementwise.check(SPEC, in);
    return new int[0];
  }

  /** The one unreduced value is already the mean. */
  @Override
  public double meanDenominator(Tensor[] inputs, int unreducedSize) {
    return 1;
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] p = in[0].data();
    float[] t = in[1].data();
    int n = p.length;
    double ss = 0;
    for (int i = 0; i < n; i++) {
      double r = (double) p[i] - t[i];
      ss += r * r;
    }
    double rmse = n == 0 ? 0 : Math.sqrt(ss / n);
    if (values != null) {
      values[0] = (float) rmse;
    }
    float[] g = grads == null ? null : grads[0];
    if (g != null) {
      double f = rmse > 0 ? scale / (n * rmse) : 0;
      for (int i = 0; i < n; i++) {
        g[i] = (float) (((double) p[i] - t[i]) * f);
      }
    }
    return rmse;
  }
}

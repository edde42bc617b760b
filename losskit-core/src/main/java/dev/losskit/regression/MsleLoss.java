package dev.losskit.regression;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Elementwise;
import dev.losskit.internal.Samples;

/**
 * Mean squared logarithmic error: the squared difference of log(1 + x), for positive targets that
 * span orders of magnitude, where relative errors matter more than absolute ones.
 *
 * <pre>{@code
 * l = (log1p(pred) - log1p(target))^2
 * dl/dpred = 2 (log1p(pred) - log1p(target)) / (1 + pred)
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target} of equal shape, both finite and greater than -1 (the
 * domain of log1p); values at or below -1 are rejected by name. {@code log1p} keeps full precision
 * for inputs near 0.
 *
 * <p>Equals {@code sklearn.metrics.mean_squared_log_error(target, pred)} for the mean, which
 * accepts non-negative inputs only. Keras' {@code MeanSquaredLogarithmicError} computes the same
 * for inputs of at least its epsilon (1e-7) but clips both inputs to that epsilon first, so it
 * differs for inputs in (-1, 1e-7), where this loss follows the formula.
 *
 * @see <a href="https://arxiv.org/abs/2504.04242">Elharrouss et al. (2025)</a>
 */
public final class MsleLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.elementwise("msle", Family.REGRESSION)
          .domain("pred", InputDomain.ABOVE_MINUS_ONE)
          .domain("target", InputDomain.ABOVE_MINUS_ONE)
          .name("Mean squared logarithmic error")
          .summary(
              "The squared difference of log(1 + x): squared error on a log scale, for targets spanning orders of magnitude.")
          .formula("l = (log1p(pred) - log1p(target))^2")
          .gradient("dl/dpred = 2 (log1p(pred) - log1p(target)) / (1 + pred)")
          .traits(Trait.SMOOTH, Trait.NONNEGATIVE, Trait.ZERO_AT_TARGET)
          .equivalent(
              "sklearn.metrics.mean_squared_log_error(target, pred) (non-negative inputs)",
              "scikit-learn")
          .whenToUse(
              "Regression of non-negative quantities spanning orders of magnitude (counts, prices,"
                  + " demand) where relative error matters; it penalises under-prediction more than"
                  + " over-prediction and needs inputs above -1.")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review, section 3",
              "https://arxiv.org/abs/2504.04242")
          .sampler(
              (p, r, n) ->
                  new Tensor[] {Samples.uniform(r, -0.5, 5, n), Samples.uniform(r, -0.5, 5, n)})
          .tasks(Task.REGRESSION, Task.TABULAR, Task.TIME_SERIES)
          .build(MsleLoss::new);

  private MsleLoss(Params p) {
    super(SPEC, p);
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
      double d = Math.log1p(x) - Math.log1p(t[i]);
      double l = d * d;
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        g[i] = (float) (2 * d / (1 + x) * scale);
      }
    }
    return sum;
  }
}

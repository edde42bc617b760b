package dev.losskit.regression;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.SplittableLoss;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Elementwise;
import dev.losskit.internal.vectorization.Vectorization;

/**
 * Quantile (pinball) loss: an asymmetric absolute error whose minimiser is the {@code quantile}-th
 * quantile of the target, for prediction intervals and probabilistic forecasts.
 *
 * <pre>{@code
 * d    = target - pred
 * l    = max(q d, (q - 1) d)  =  q d if d >= 0, (q - 1) d otherwise
 * dl/dpred = -q if d > 0, 1 - q if d < 0, 0 at d = 0
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target} of equal shape, finite. Parameter {@code quantile} q
 * in (0, 1); q = 0.5 gives half the absolute error.
 *
 * <p>Numerical notes: at {@code pred = target} the loss has a kink; the kernel returns the
 * subgradient 0 there (inside [-q, 1 - q]), as {@code mae} does.
 *
 * <p>Equals {@code sklearn.metrics.mean_pinball_loss(target, pred, alpha=quantile)} for the mean.
 *
 * @see <a href="https://doi.org/10.2307/1913643">Koenker and Bassett (1978), Regression
 *     quantiles</a>
 */
public final class QuantileLoss extends AbstractLoss implements SplittableLoss {
  public static final LossSpec SPEC =
      LossSpec.elementwise("quantile", Family.REGRESSION)
          .name("Quantile (pinball)")
          .summary(
              "The pinball loss max(q (t - p), (q - 1)(t - p)), minimised by the q-th quantile of the target.")
          .formula("l = max(q (target - pred), (q - 1)(target - pred)), q = quantile")
          .gradient("dl/dpred = -q if target > pred, 1 - q if target < pred, 0 at target = pred")
          .param(ParamSpec.real("quantile", 0.5, Range.OPEN_UNIT, "quantile level q in (0, 1)"))
          .traits(Trait.CONVEX, Trait.NONNEGATIVE, Trait.ZERO_AT_TARGET, Trait.ROBUST)
          .equivalent(
              "sklearn.metrics.mean_pinball_loss(target, pred, alpha=quantile)", "scikit-learn")
          .aliases("pinball")
          .whenToUse(
              "Forecasting and regression that need a quantile rather than the mean: prediction intervals,"
                  + " demand and risk forecasts (q = 0.9 penalises under-prediction nine times more than"
                  + " over-prediction). One model per level; use multi-quantile to fit several levels at once.")
          .reference(
              "Koenker and Bassett (1978), Regression quantiles, Econometrica 46(1)",
              "https://doi.org/10.2307/1913643")
          .sampler((p, r, n) -> ResidualSamples.awayFromZero(r, n, 0.05, 3))
          .build(QuantileLoss::new);

  private final double q;

  private QuantileLoss(Params p) {
    super(SPEC, p);
    this.q = p.real("quantile");
  }

  @Override
  public int[] check(Tensor[] in) {
    return Elementwise.check(SPEC, in);
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    return computeRange(in, values, grads, scale, 0, in[0].size());
  }

  @Override
  public double computeRange(
      Tensor[] in, float[] values, float[][] grads, double scale, int from, int to) {
    float[] g = grads == null ? null : grads[0];
    return Vectorization.kernels()
        .quantile(in[0].data(), in[1].data(), q, values, g, scale, from, to);
  }
}

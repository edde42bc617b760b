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
import dev.losskit.internal.Samples;
import java.util.SplittableRandom;

/**
 * Interval score (Winkler score) of a central prediction interval: its width plus a penalty for
 * every target outside it, for training and comparing forecasts that give a (lower, upper) band at
 * one coverage level.
 *
 * <pre>{@code
 * l = pred (lower),  u = upper,  y = target,  a = alpha (the interval is meant to cover 1 - a)
 * s          = (u - l) + (2/a) (l - y) [y < l] + (2/a) (y - u) [y > u]
 * ds/dpred   = -1 + (2/a) [y < l]
 * ds/dupper  =  1 - (2/a) [y > u]
 * }</pre>
 *
 * <p>Inputs, all of one shape: {@code pred}, the lower bounds, finite; {@code target}, finite;
 * {@code upper}, the upper bounds, finite and at least the lower bound at every index. Elementwise;
 * {@code mean} divides by the number of elements.
 *
 * <p>The score is piecewise linear; at y = l or y = u the gradient takes the one-sided value of the
 * inside of the interval (the indicators are strict), as the subgradient of PyTorch's comparison
 * masks does.
 *
 * <p>Equals the interval score of Gneiting and Raftery (2007), equation (43); no peer library is
 * run: the reference values come from the formula written with PyTorch operations and
 * differentiated by autograd.
 *
 * @see <a href="https://doi.org/10.1198/016214506000001437">Gneiting and Raftery (2007)</a>
 */
public final class IntervalScoreLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("interval-score", Family.TIMESERIES)
          .input("pred", "(*)", InputDomain.REAL, true, "lower bounds of the intervals")
          .input("target", "(*), as pred", InputDomain.REAL, false, "observed values")
          .input(
              "upper",
              "(*), as pred",
              InputDomain.REAL,
              true,
              "upper bounds of the intervals (at least pred)")
          .name("Interval score")
          .summary(
              "Winkler interval score of a (lower, upper) prediction interval at level alpha: width"
                  + " plus 2/alpha times the distance of a target outside it.")
          .formula(
              "l = (u - pred) + (2/alpha) (pred - y) [y < pred] + (2/alpha) (y - u) [y > u], u ="
                  + " upper, y = target")
          .gradient("dl/dpred = -1 + (2/alpha) [y < pred]; dl/dupper = 1 - (2/alpha) [y > upper]")
          .param(
              ParamSpec.real(
                  "alpha",
                  0.1,
                  Range.OPEN_UNIT,
                  "the interval is meant to cover a share 1 - alpha of the targets"))
          .traits(Trait.CONVEX, Trait.NONNEGATIVE)
          .whenToUse(
              "Training or evaluating prediction intervals at a fixed coverage (e.g. the 90% band"
                  + " with alpha = 0.1): it is proper for the alpha/2 and 1 - alpha/2 quantiles and"
                  + " rewards narrow bands that still cover. It scores one level only; use"
                  + " multi-quantile or a CRPS for the whole distribution.")
          .reference(
              "Gneiting, Raftery (2007), Strictly proper scoring rules, prediction, and estimation,"
                  + " Journal of the American Statistical Association, section 6.2",
              "https://doi.org/10.1198/016214506000001437")
          .reference(
              "Winkler (1972), A decision-theoretic approach to interval estimation, Journal of the"
                  + " American Statistical Association",
              "https://doi.org/10.1080/01621459.1972.10482342")
          .sampler(IntervalScoreLoss::sample)
          .tasks(Task.TIME_SERIES)
          .build(IntervalScoreLoss::new);

  private final double alpha;

  private IntervalScoreLoss(Params p) {
    super(SPEC, p);
    this.alpha = p.real("alpha");
  }

  /**
   * Targets normal; bounds placed so that about a third of the targets fall below, inside and above
   * their interval, each bound at least 0.05 from its target (away from the kinks).
   */
  private static Tensor[] sample(Params p, SplittableRandom r, int n) {
    float[] lower = new float[n];
    float[] y = new float[n];
    float[] upper = new float[n];
    for (int i = 0; i < n; i++) {
      y[i] = (float) (2 * Samples.gaussian(r));
      double a = 0.05 + 1.5 * r.nextDouble();
      double b = 0.05 + 1.5 * r.nextDouble();
      switch (r.nextInt(3)) {
        case 0: // target below the interval
          lower[i] = (float) (y[i] + a);
          upper[i] = (float) (y[i] + a + b);
          break;
        case 1: // inside
          lower[i] = (float) (y[i] - a);
          upper[i] = (float) (y[i] + b);
          break;
        default: // above
          lower[i] = (float) (y[i] - a - b);
          upper[i] = (float) (y[i] - a);
      }
    }
    return new Tensor[] {Tensor.of(lower, n), Tensor.of(y, n), Tensor.of(upper, n)};
  }

  @Override
  public int[] check(Tensor[] in) {
    int[] shape = Elementwise.check(SPEC, in);
    float[] lo = in[0].data();
    float[] hi = in[2].data();
    for (int i = 0; i < lo.length; i++) {
      if (hi[i] < lo[i]) {
        throw new IllegalArgumentException(
            "upper: expected values at least pred (the lower bound), found "
                + hi[i]
                + " below "
                + lo[i]
                + " at index "
                + i);
      }
    }
    return shape;
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] lo = in[0].data();
    float[] y = in[1].data();
    float[] hi = in[2].data();
    float[] gLo = grads == null ? null : grads[0];
    float[] gHi = grads == null ? null : grads[2];
    double k = 2 / alpha;
    double sum = 0;
    for (int i = 0; i < lo.length; i++) {
      double l = lo[i];
      double u = hi[i];
      double t = y[i];
      boolean below = t < l;
      boolean above = t > u;
      double s = (u - l) + (below ? k * (l - t) : 0) + (above ? k * (t - u) : 0);
      sum += s;
      if (values != null) {
        values[i] = (float) s;
      }
      if (gLo != null) {
        gLo[i] = (float) (scale * (below ? k - 1 : -1));
      }
      if (gHi != null) {
        gHi[i] = (float) (scale * (above ? 1 - k : 1));
      }
    }
    return sum;
  }
}

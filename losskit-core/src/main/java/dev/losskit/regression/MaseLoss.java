package dev.losskit.regression;

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
import dev.losskit.internal.Samples;
import java.util.SplittableRandom;

/**
 * Mean absolute scaled error: the absolute forecast error divided by the in-sample error of the
 * seasonal naive forecast; a scale-free forecast error that is comparable across series and finite
 * at zero targets.
 *
 * <pre>{@code
 * r     = pred - target
 * scale = mean over t = m .. T-1 of |y_t - y_{t-m}|     (y = insample, m = season)
 * l     = |r| / scale
 * dl/dpred = sign(r) / scale     (0 at r = 0)
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target} of equal shape, finite; {@code insample}, the history
 * the forecast was made from, either 1-D of length T &gt; m (one scale for every element, any pred
 * shape), or {@code (N, T)} with pred of shape {@code (N, H)} (one scale per series: row i of pred
 * is scaled by row i of insample). The mean over elements is then the mean of the per-series MASE.
 * A series whose seasonal differences are all zero (scale 0) is rejected by name. There is no
 * gradient with respect to {@code insample}; at {@code r = 0} the subgradient 0 is used.
 *
 * <p>No peer library has this loss; the formula of Hyndman and Koehler is the definition.
 *
 * @see <a href="https://doi.org/10.1016/j.ijforecast.2006.03.001">Hyndman and Koehler (2006)</a>
 */
public final class MaseLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.elementwise("mase", Family.REGRESSION)
          .input(
              "insample",
              "(T) or (N, T)",
              InputDomain.REAL,
              false,
              "in-sample history of the series")
          .name("Mean absolute scaled error")
          .summary(
              "The absolute error divided by the in-sample mean absolute error of the seasonal naive forecast.")
          .formula(
              "l = |pred - target| / scale, scale = mean_{t >= m} |y_t - y_{t-m}| over insample y"
                  + " (one per series for (N, T) insample)")
          .gradient("dl/dpred = sign(pred - target) / scale, 0 at pred = target; none for insample")
          .param(
              ParamSpec.integer(
                  "season", 1, Range.atLeast(1), "seasonal period m of the naive forecast"))
          .traits(Trait.CONVEX, Trait.NONNEGATIVE, Trait.ZERO_AT_TARGET, Trait.ROBUST)
          .whenToUse(
              "Comparing or training forecasts across many series of different scales, including series"
                  + " with zeros; values below 1 beat the seasonal naive forecast. It needs an in-sample"
                  + " history that is not constant at the seasonal lag.")
          .reference(
              "Hyndman, Koehler (2006), Another look at measures of forecast accuracy,"
                  + " International Journal of Forecasting 22(4)",
              "https://doi.org/10.1016/j.ijforecast.2006.03.001")
          .sampler(MaseLoss::sample)
          .tasks(Task.TIME_SERIES)
          .build(MaseLoss::new);

  private final int season;

  private MaseLoss(Params p) {
    super(SPEC, p);
    this.season = (int) Math.min(p.integer("season"), Integer.MAX_VALUE);
  }

  /**
   * Odd n: pred {@code (n)} with a 1-D insample; even n: pred {@code (2, n/2)} with one insample
   * row per series. The insample series are random walks, so their seasonal differences are not
   * zero.
   */
  private static Tensor[] sample(Params p, SplittableRandom r, int n) {
    int m = (int) p.integer("season");
    int length = 3 * m + 7;
    int series = n % 2 == 0 ? 2 : 1;
    int[] shape = series == 1 ? new int[] {n} : new int[] {series, n / series};
    int[] inShape = series == 1 ? new int[] {length} : new int[] {series, length};
    float[] y = new float[series * length];
    for (int s = 0; s < series; s++) {
      double level = 10 * Samples.gaussian(r);
      double step = 0.5 + 2 * r.nextDouble();
      for (int t = 0; t < length; t++) {
        level += step * Samples.gaussian(r);
        y[s * length + t] = (float) level;
      }
    }
    return new Tensor[] {
      Samples.normal(r, 2, shape), Samples.normal(r, 2, shape), Tensor.of(y, inShape)
    };
  }

  @Override
  public int[] check(Tensor[] in) {
    Shapes.requireSame("target", in[1], "pred", in[0]);
    Tensor y = in[2];
    if (y.rank() == 2) {
      if (in[0].rank() != 2 || in[0].dim(0) != y.dim(0)) {
        throw new IllegalArgumentException(
            "insample: expected (T) or, for pred of shape (N, H), (N, T) with the same N, found "
                + Shapes.toString(y.shape())
                + " for pred "
                + Shapes.toString(in[0].shape()));
      }
    } else if (y.rank() != 1) {
      throw new IllegalArgumentException(
          "insample: expected shape (T) or (N, T), found " + Shapes.toString(y.shape()));
    }
    int length = y.dim(-1);
    if (length <= season) {
      throw new IllegalArgumentException(
          "insample: expected more than season = "
              + season
              + " values per series, found "
              + length);
    }
    int series = y.rank() == 2 ? y.dim(0) : 1;
    float[] x = y.data();
    for (int s = 0; s < series; s++) {
      if (!(scale(x, s * length, length) > 0)) {
        throw new IllegalArgumentException(
            "insample: expected a series whose values change at lag season = "
                + season
                + " (a positive mean absolute seasonal difference), found a mean of 0 in series "
                + s);
      }
    }
    return in[0].shape();
  }

  /** Mean absolute m-step difference of the series at {@code base}. */
  private double scale(float[] y, int base, int length) {
    double s = 0;
    for (int t = base + season; t < base + length; t++) {
      s += Math.abs((double) y[t] - y[t - season]);
    }
    return s / (length - season);
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] p = in[0].data();
    float[] t = in[1].data();
    Tensor y = in[2];
    int length = y.dim(-1);
    int series = y.rank() == 2 ? y.dim(0) : 1;
    int perSeries = series == 0 ? 0 : p.length / series;
    float[] g = grads == null ? null : grads[0];
    double sum = 0;
    for (int s = 0; s < series; s++) {
      double inv = 1 / scale(y.data(), s * length, length);
      double gs = inv * scale;
      double part = 0;
      for (int i = s * perSeries; i < (s + 1) * perSeries; i++) {
        double r = (double) p[i] - t[i];
        double l = Math.abs(r) * inv;
        part += l;
        if (values != null) {
          values[i] = (float) l;
        }
        if (g != null) {
          g[i] = (float) (Math.signum(r) * gs);
        }
      }
      sum += part;
    }
    return sum;
  }
}

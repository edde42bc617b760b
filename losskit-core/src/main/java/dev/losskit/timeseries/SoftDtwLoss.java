package dev.losskit.timeseries;

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
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Soft dynamic time warping: a smooth alignment cost between two series that may be shifted or
 * locally stretched in time, for training forecasters and sequence models whose output should match
 * the shape of the target rather than its exact timing.
 *
 * <pre>{@code
 * x = one series of pred (T, D),  y = the matching series of target (T', D),  g = gamma
 * C_ij   = |x_i - y_j|^2                                   (squared Euclidean cost)
 * R_00   = 0,  R_i0 = R_0j = +inf
 * R_ij   = C_ij + softmin_g(R_{i-1,j-1}, R_{i-1,j}, R_{i,j-1}),  softmin_g(a) = -g log sum exp(-a/g)
 * sdtw(x, y) = R_TT'
 * l      = sdtw(x, y)                                       (normalize = false)
 *          sdtw(x, y) - (sdtw(x, x) + sdtw(y, y)) / 2       (normalize = true)
 *
 * E_{T+1,T'+1} = 1, R_{T+1,T'+1} = R_TT', R and C at the other border -inf and 0, and backwards
 * E_ij   = E_{i+1,j} e^{(R_{i+1,j} - R_ij - C_{i+1,j})/g} + E_{i,j+1} e^{(R_{i,j+1} - R_ij - C_{i,j+1})/g}
 *          + E_{i+1,j+1} e^{(R_{i+1,j+1} - R_ij - C_{i+1,j+1})/g}
 * dsdtw(x, y)/dx_i = sum_j E_ij 2 (x_i - y_j)
 * }</pre>
 *
 * <p>Inputs: {@code pred} {@code (N, T, D)} and {@code target} {@code (N, T', D)}, finite, with the
 * same N and D and T, T' at least 1. One value per series pair; {@code mean} divides by N. The
 * gradient is taken with respect to pred only; with normalize it includes both arguments of sdtw(x,
 * x).
 *
 * <p>Numerical notes: the soft minimum subtracts the smallest of its arguments before
 * exponentiating, and every exponent of the backward pass is at most 0 (in exact arithmetic; a
 * rounding excess is cut to 0), so costs of any magnitude give finite values and gradients; E is
 * the expected alignment, with entries in [0, 1]. Time and memory are O(T T') per pair: the value
 * alone keeps two rows of R, the gradient keeps R, C and E, allocated once per call and reused
 * across the batch (about 24 MB for T = T' = 1000).
 *
 * <p>Equals the recursion of Cuturi and Blondel (2017), Algorithms 1 and 2, and with normalize the
 * soft-DTW divergence of Blondel, Mensch and Vert (2021); no peer library is run: the reference
 * values come from the same dynamic program written with PyTorch operations and differentiated by
 * autograd.
 *
 * @see <a href="https://arxiv.org/abs/1703.01541">Cuturi and Blondel (2017)</a>
 * @see <a href="https://arxiv.org/abs/2010.08354">Blondel, Mensch and Vert (2021)</a>
 */
public final class SoftDtwLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("soft-dtw", Family.TIMESERIES)
          .input("pred", "(N, T, D)", InputDomain.REAL, true, "predicted series")
          .input("target", "(N, T', D)", InputDomain.REAL, false, "target series")
          .name("Soft dynamic time warping")
          .summary(
              "Soft-DTW alignment cost between predicted and target series under squared Euclidean"
                  + " cost, optionally normalised into the soft-DTW divergence.")
          .formula(
              "l = R_TT', R_ij = |x_i - y_j|^2 + softmin_gamma(R_{i-1,j-1}, R_{i-1,j}, R_{i,j-1}),"
                  + " softmin_gamma(a) = -gamma log sum exp(-a / gamma); normalize: sdtw(x, y) -"
                  + " (sdtw(x, x) + sdtw(y, y)) / 2")
          .gradient(
              "dl/dx_i = sum_j E_ij 2 (x_i - y_j), E the expected alignment from the backward"
                  + " recursion of Cuturi and Blondel (2017)")
          .param(
              ParamSpec.real(
                  "gamma", 1.0, Range.POSITIVE, "smoothing of the minimum (0 would be plain DTW)"))
          .param(
              ParamSpec.bool(
                  "normalize",
                  false,
                  "subtract (sdtw(x, x) + sdtw(y, y)) / 2, which makes the loss 0 at pred = target"))
          .traits(Trait.SMOOTH)
          .whenToUse(
              "Training forecasters and sequence generators whose output should match the target's"
                  + " shape up to shifts and local time warps (time-series forecasting, gesture and"
                  + " audio alignment). It costs O(T T') per pair and, unnormalised, is not 0 at"
                  + " pred = target and can be negative; use normalize=true for a divergence.")
          .reference(
              "Cuturi, Blondel (2017), Soft-DTW: a differentiable loss function for time-series,"
                  + " ICML",
              "https://arxiv.org/abs/1703.01541")
          .reference(
              "Blondel, Mensch, Vert (2021), Differentiable divergences between time series,"
                  + " AISTATS",
              "https://arxiv.org/abs/2010.08354")
          .sampler(SoftDtwLoss::sample)
          .tasks(Task.ACTION_RECOGNITION, Task.TIME_SERIES)
          .build(SoftDtwLoss::new);

  private final double gamma;
  private final boolean normalize;

  private SoftDtwLoss(Params p) {
    super(SPEC, p);
    this.gamma = p.real("gamma");
    this.normalize = p.bool("normalize");
  }

  /** n pairs of series of lengths 1 to 8 and 1 to 9, with 1 to 3 channels. */
  private static Tensor[] sample(Params p, SplittableRandom r, int n) {
    int t = 1 + r.nextInt(8);
    int t2 = 1 + r.nextInt(9);
    int d = 1 + r.nextInt(3);
    return new Tensor[] {Samples.normal(r, 1, n, t, d), Samples.normal(r, 1, n, t2, d)};
  }

  @Override
  public int[] check(Tensor[] in) {
    Tensor x = in[0];
    Tensor y = in[1];
    if (x.rank() != 3) {
      throw new IllegalArgumentException(
          "pred: expected shape (N, T, D), found " + Shapes.toString(x.shape()));
    }
    if (y.rank() != 3 || y.dim(0) != x.dim(0) || y.dim(2) != x.dim(2)) {
      throw new IllegalArgumentException(
          "target: expected shape ("
              + x.dim(0)
              + ", T', "
              + x.dim(2)
              + ") for pred "
              + Shapes.toString(x.shape())
              + ", found "
              + Shapes.toString(y.shape()));
    }
    if (x.dim(1) < 1 || y.dim(1) < 1) {
      throw new IllegalArgumentException(
          (x.dim(1) < 1 ? "pred" : "target")
              + ": expected series of at least one step, found shape "
              + Shapes.toString((x.dim(1) < 1 ? x : y).shape()));
    }
    return new int[] {x.dim(0)};
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] x = in[0].data();
    float[] y = in[1].data();
    int n = in[0].dim(0);
    int t = in[0].dim(1);
    int t2 = in[1].dim(1);
    int d = in[0].dim(2);
    float[] g = grads == null ? null : grads[0];
    Scratch s = new Scratch(t, t2, d, g != null, normalize);
    double sum = 0;
    for (int k = 0; k < n; k++) {
      int xo = k * t * d;
      int yo = k * t2 * d;
      if (g != null) {
        Arrays.fill(s.grad, 0);
      }
      double l = sdtw(x, xo, t, y, yo, t2, d, s, g == null ? null : s.grad, 1.0, null, 0);
      if (normalize) {
        l -= 0.5 * sdtw(x, xo, t, x, xo, t, d, s, s.grad, -0.5, s.grad, -0.5);
        l -= 0.5 * sdtw(y, yo, t2, y, yo, t2, d, s, null, 0, null, 0);
      }
      sum += l;
      if (values != null) {
        values[k] = (float) l;
      }
      if (g != null) {
        for (int i = 0; i < t * d; i++) {
          g[xo + i] = (float) (scale * s.grad[i]);
        }
      }
    }
    return sum;
  }

  /** Work arrays of one call, sized for the largest pair of series it aligns. */
  private static final class Scratch {
    final double[] r;
    final double[] c;
    final double[] e;
    final double[] grad;

    Scratch(int t, int t2, int d, boolean withGrad, boolean normalize) {
      int cells = (t + 2) * (t2 + 2);
      if (normalize) {
        int m = Math.max(t, t2) + 2;
        cells = Math.max(cells, m * m);
      }
      if (withGrad) {
        r = new double[cells];
        c = new double[cells];
        e = new double[cells];
        grad = new double[t * d];
      } else {
        r = new double[2 * (Math.max(t, t2) + 2)];
        c = null;
        e = null;
        grad = null;
      }
    }
  }

  /**
   * sdtw(a, b) of the series at {@code a[ao..]} (ta steps) and {@code b[bo..]} (tb steps) with d
   * channels. When {@code ga} is not null, adds {@code ca} times the gradient with respect to a
   * into it; when {@code gb} is not null, adds {@code cb} times the gradient with respect to b
   * (both indexed from 0).
   */
  private double sdtw(
      float[] a,
      int ao,
      int ta,
      float[] b,
      int bo,
      int tb,
      int d,
      Scratch s,
      double[] ga,
      double ca,
      double[] gb,
      double cb) {
    if (ga == null && gb == null) {
      return valueOnly(a, ao, ta, b, bo, tb, d, s.r);
    }
    int w = tb + 2;
    double[] r = s.r;
    double[] c = s.c;
    double[] e = s.e;
    double inf = Double.POSITIVE_INFINITY;
    r[0] = 0;
    for (int j = 1; j <= tb + 1; j++) {
      r[j] = inf;
    }
    for (int i = 1; i <= ta; i++) {
      r[i * w] = inf;
      for (int j = 1; j <= tb; j++) {
        double cost = cost(a, ao + (i - 1) * d, b, bo + (j - 1) * d, d);
        c[i * w + j] = cost;
        r[i * w + j] = cost + softmin(r[(i - 1) * w + j - 1], r[(i - 1) * w + j], r[i * w + j - 1]);
      }
    }
    double value = r[ta * w + tb];
    // The border of the backward pass.
    double ninf = Double.NEGATIVE_INFINITY;
    for (int i = 1; i <= ta; i++) {
      r[i * w + tb + 1] = ninf;
      c[i * w + tb + 1] = 0;
      e[i * w + tb + 1] = 0;
    }
    for (int j = 1; j <= tb; j++) {
      r[(ta + 1) * w + j] = ninf;
      c[(ta + 1) * w + j] = 0;
      e[(ta + 1) * w + j] = 0;
    }
    r[(ta + 1) * w + tb + 1] = value;
    c[(ta + 1) * w + tb + 1] = 0;
    e[(ta + 1) * w + tb + 1] = 1;
    for (int i = ta; i >= 1; i--) {
      for (int j = tb; j >= 1; j--) {
        int ij = i * w + j;
        double rij = r[ij];
        int down = ij + w;
        int right = ij + 1;
        int diag = ij + w + 1;
        e[ij] =
            e[down] * weight(r[down] - rij - c[down])
                + e[right] * weight(r[right] - rij - c[right])
                + e[diag] * weight(r[diag] - rij - c[diag]);
      }
    }
    for (int i = 1; i <= ta; i++) {
      for (int j = 1; j <= tb; j++) {
        double eij = e[i * w + j];
        if (eij == 0) {
          continue;
        }
        int ai = ao + (i - 1) * d;
        int bj = bo + (j - 1) * d;
        for (int k = 0; k < d; k++) {
          double diff = 2 * eij * ((double) a[ai + k] - b[bj + k]);
          if (ga != null) {
            ga[(i - 1) * d + k] += ca * diff;
          }
          if (gb != null) {
            gb[(j - 1) * d + k] -= cb * diff;
          }
        }
      }
    }
    return value;
  }

  /** The forward recursion alone, in two rows of {@code row}. */
  private double valueOnly(
      float[] a, int ao, int ta, float[] b, int bo, int tb, int d, double[] row) {
    int w = tb + 1;
    double inf = Double.POSITIVE_INFINITY;
    row[0] = 0;
    for (int j = 1; j <= tb; j++) {
      row[j] = inf;
    }
    int prev = 0;
    int cur = w;
    for (int i = 1; i <= ta; i++) {
      row[cur] = inf;
      for (int j = 1; j <= tb; j++) {
        double cost = cost(a, ao + (i - 1) * d, b, bo + (j - 1) * d, d);
        row[cur + j] = cost + softmin(row[prev + j - 1], row[prev + j], row[cur + j - 1]);
      }
      int swap = prev;
      prev = cur;
      cur = swap;
    }
    return row[prev + tb];
  }

  /**
   * exp(delta / gamma) for a delta that is at most 0 in exact arithmetic; rounding of large costs
   * can make it slightly positive, which is cut to 0 so that the weight stays at most 1.
   */
  private double weight(double delta) {
    return Math.exp(Math.min(delta, 0) / gamma);
  }

  private static double cost(float[] a, int ai, float[] b, int bj, int d) {
    double s = 0;
    for (int k = 0; k < d; k++) {
      double diff = (double) a[ai + k] - b[bj + k];
      s += diff * diff;
    }
    return s;
  }

  /** -gamma log(exp(-p/gamma) + exp(-q/gamma) + exp(-r/gamma)), shifted by the minimum. */
  private double softmin(double p, double q, double r) {
    double m = Math.min(p, Math.min(q, r));
    if (m == Double.POSITIVE_INFINITY) {
      return m;
    }
    double s = Math.exp((m - p) / gamma) + Math.exp((m - q) / gamma) + Math.exp((m - r) / gamma);
    return m - gamma * Math.log(s);
  }
}

package dev.losskit.image;

import dev.losskit.internal.vectorization.Vectorization;

/**
 * The primitives of the SSIM kernel, each over a contiguous run of outputs: a 1-D filter whose taps
 * are rows (or columns) of the input, the five moment maps of one row, and the SSIM map of one row
 * with its partial derivatives. The filtering runs in SIMD lanes when the Vector API is there, and
 * in the scalar loops otherwise; both accumulate in register, one store per output.
 */
interface RowOps {
  /** {@code y[yo + i] = sum_k g[k] x[xo + k stride + i]} for {@code i < n}. */
  void filter(double[] g, double[] x, int xo, int stride, double[] y, int yo, int n);

  /**
   * The horizontal pass of the five moments for outputs {@code i < n}, with {@code a = xs[xo + k +
   * i]} and {@code c = ys[xo + k + i]}: {@code m[0..4][mo + i] = sum_k g[k] (a, c, a a, c c, a c)}.
   */
  void moments(double[] g, double[] xs, double[] ys, int xo, double[][] m, int mo, int n);

  /**
   * The SSIM (or, without luminance, cs) map of one output row of {@code n} positions from the
   * filtered moments {@code m[0..4]} (about the channel means {@code mx, my}); returns its sum.
   * With {@code abg}, writes alpha, beta, gamma of each position to {@code abg[0..2][o + i]}.
   */
  double map(
      double[][] m,
      int n,
      double mx,
      double my,
      double c1,
      double c2,
      boolean luminance,
      double[][] abg,
      int o);

  /** {@link #map} over positions {@code [from, to)}, in scalar arithmetic. */
  static double mapScalar(
      double[][] m,
      int from,
      int to,
      double mx,
      double my,
      double c1,
      double c2,
      boolean luminance,
      double[][] abg,
      int o) {
    double sum = 0;
    for (int b = from; b < to; b++) {
      double s0 = m[0][b];
      double s1 = m[1][b];
      double vx = Math.max(0, m[2][b] - s0 * s0);
      double vy = Math.max(0, m[3][b] - s1 * s1);
      double vxy = m[4][b] - s0 * s1;
      double a2 = 2 * vxy + c2;
      double b2 = vx + vy + c2;
      double t;
      double dmu;
      double dxy;
      if (luminance) {
        double ux = s0 + mx;
        double uy = s1 + my;
        double a1 = 2 * ux * uy + c1;
        double b1 = ux * ux + uy * uy + c1;
        double d = b1 * b2;
        t = a1 * a2 / d;
        dmu = 2 * uy * a2 / d - t * 2 * ux / b1;
        dxy = 2 * a1 / d;
      } else {
        t = a2 / b2;
        dmu = 0;
        dxy = 2 / b2;
      }
      sum += t;
      if (abg != null) {
        double dv = -t / b2;
        abg[0][o + b] = dmu - 2 * s0 * dv - s1 * dxy;
        abg[1][o + b] = dv;
        abg[2][o + b] = dxy;
      }
    }
    return sum;
  }

  /** The scalar loops. */
  RowOps SCALAR = new ScalarRowOps();

  /**
   * The vector rows when the Vector API kernels were selected at start-up (see {@link
   * Vectorization}), else {@link #SCALAR}; the vector class is loaded reflectively, only then.
   */
  static RowOps selected() {
    return Holder.SELECTED;
  }

  /** The vector rows, or null when this JVM cannot run them. */
  static RowOps vector() {
    if (Vectorization.vector().isEmpty()) {
      return null;
    }
    return Vectorization.loadVector(RowOps.class, "dev.losskit.image.VectorRowOps").orElse(null);
  }

  /** Chosen once, on first use. */
  final class Holder {
    static final RowOps SELECTED = choose();

    private Holder() {}

    private static RowOps choose() {
      if (Vectorization.kernels() == Vectorization.scalar()) {
        return SCALAR;
      }
      RowOps v = vector();
      return v == null ? SCALAR : v;
    }
  }

  /** The scalar loops of {@link RowOps}. */
  final class ScalarRowOps implements RowOps {
    private ScalarRowOps() {}

    @Override
    public void filter(double[] g, double[] x, int xo, int stride, double[] y, int yo, int n) {
      for (int i = 0; i < n; i++) {
        double s = 0;
        for (int k = 0, o = xo + i; k < g.length; k++, o += stride) {
          s += g[k] * x[o];
        }
        y[yo + i] = s;
      }
    }

    @Override
    public void moments(double[] g, double[] xs, double[] ys, int xo, double[][] m, int mo, int n) {
      for (int i = 0; i < n; i++) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        for (int k = 0; k < g.length; k++) {
          double gk = g[k];
          double a = xs[xo + k + i];
          double c = ys[xo + k + i];
          s0 += gk * a;
          s1 += gk * c;
          s2 += gk * a * a;
          s3 += gk * c * c;
          s4 += gk * a * c;
        }
        m[0][mo + i] = s0;
        m[1][mo + i] = s1;
        m[2][mo + i] = s2;
        m[3][mo + i] = s3;
        m[4][mo + i] = s4;
      }
    }

    @Override
    public double map(
        double[][] m,
        int n,
        double mx,
        double my,
        double c1,
        double c2,
        boolean luminance,
        double[][] abg,
        int o) {
      return RowOps.mapScalar(m, 0, n, mx, my, c1, c2, luminance, abg, o);
    }

    @Override
    public String toString() {
      return "ScalarRowOps";
    }
  }
}

package dev.losskit.image;

import dev.losskit.internal.vectorization.Vectorization;

/**
 * The two primitives of the separable SSIM filtering and its adjoint, each over a contiguous run of
 * outputs: a 1-D filter whose taps are rows (or columns) of the input, and the five moment maps of
 * one row. The filtering runs in SIMD lanes when the Vector API is there, and in the scalar loops
 * otherwise; both accumulate in register, one store per output.
 */
interface RowOps {
  /** {@code y[yo + i] = sum_k g[k] x[xo + k stride + i]} for {@code i < n}. */
  void filter(double[] g, double[] x, int xo, int stride, double[] y, int yo, int n);

  /**
   * The horizontal pass of the five moments for outputs {@code i < n}, with {@code a = xs[xo + k +
   * i]} and {@code c = ys[xo + k + i]}: {@code m[0..4][mo + i] = sum_k g[k] (a, c, a a, c c, a c)}.
   */
  void moments(double[] g, double[] xs, double[] ys, int xo, double[][] m, int mo, int n);

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
    try {
      return (RowOps)
          Class.forName("dev.losskit.image.VectorRowOps").getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
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
    public String toString() {
      return "ScalarRowOps";
    }
  }
}

package dev.losskit.image;

import dev.losskit.internal.vectorization.Vectorization;

/**
 * The one primitive of the separable SSIM filtering and its adjoint: a scaled row added to a row.
 * Every tap of a 1-D pass, forwards or backwards, is one such call over a contiguous row, so the
 * filtering runs in SIMD lanes when the Vector API is there, and in the scalar loop otherwise.
 */
interface RowOps {
  /** {@code y[yo + i] += a * x[xo + i]} for {@code i < n}. */
  void axpy(double a, double[] x, int xo, double[] y, int yo, int n);

  /** The scalar loop. */
  RowOps SCALAR =
      (a, x, xo, y, yo, n) -> {
        for (int i = 0; i < n; i++) {
          y[yo + i] += a * x[xo + i];
        }
      };

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
}

package dev.losskit.metric;

import dev.losskit.internal.vectorization.Vectorization;

/**
 * Float matrix products for the losses whose cost is a matrix product (InfoNCE's similarity matrix
 * and its backward pass): {@code c = a b} for row-major float matrices.
 *
 * <p>The right-hand matrix is first packed into panels of {@link Kernel#panelWidth()} columns, each
 * panel one contiguous run of {@code k} rows (zero-padded past the last column), so that the
 * kernels read it with unit stride whatever its shape: an unpacked row stride of a power of two
 * (1024 floats, say) maps every row of a tile to the same cache set. A product over many row blocks
 * of {@code a} packs once and reuses the panels ({@link #pack}, {@link Kernel#multiplyPacked}).
 *
 * <p>Two kernels, chosen once at start-up as the core's other kernels are: with the Vector API
 * ({@code --add-modules jdk.incubator.vector}, unless {@code -Dlosskit.vector=false}) a
 * register-tiled kernel ({@link VectorGemm}: four rows of {@code a} by two SIMD vectors of a panel,
 * eight accumulators of fused multiply-adds per step); without it a scalar kernel of one row by one
 * panel, which the JIT vectorizes as far as it can. Both accumulate each output in float over the
 * inner dimension.
 *
 * <p>Arrays named as inputs are not modified; outputs are overwritten.
 */
final class FloatGemm {
  /** One implementation of {@code c = a b} over a packed {@code b}. */
  interface Kernel {
    /** Columns per panel of the packed right-hand matrix this kernel reads. */
    int panelWidth();

    /**
     * Rows {@code 0..rows} of {@code c = a b}: element {@code (r, d)} of {@code a} ({@code d < k})
     * is {@code a[aOff + r lda + d step]}, so that {@code step = 1} reads rows of a row-major
     * matrix and {@code lda = 1} reads its columns (a product with its transpose); {@code bp} is
     * {@code b} ({@code k} by {@code n}) packed by {@link #pack} with this kernel's panel width;
     * row {@code r} of {@code c} starts at {@code cOff + r ldc} and receives {@code n} values.
     */
    void multiplyPacked(
        float[] a,
        int aOff,
        int lda,
        int step,
        int rows,
        int k,
        float[] bp,
        int n,
        float[] c,
        int cOff,
        int ldc);

    /**
     * {@code c = a b}: {@code a} is {@code m} by {@code k}, {@code b} is {@code k} by {@code n},
     * {@code c} is {@code m} by {@code n}; all row-major. Packs {@code b} into a new array.
     */
    default void multiply(float[] a, int m, int k, float[] b, int n, float[] c) {
      float[] bp = pack(b, k, n, false, panelWidth(), null);
      multiplyPacked(a, 0, k, 1, m, k, bp, n, c, 0, n);
    }

    /**
     * The largest of {@code x[from..to)} ({@code from < to}), NaN if any is NaN: the shift of a
     * softmax row.
     */
    default float max(float[] x, int from, int to) {
      float m = x[from];
      for (int i = from + 1; i < to; i++) {
        m = Math.max(m, x[i]);
      }
      return m;
    }

    /**
     * The sum of {@code x[from..to)}: in double here; a kernel may add a few dozen terms in float
     * before it goes to double.
     */
    default double sum(float[] x, int from, int to) {
      double e = 0;
      for (int i = from; i < to; i++) {
        e += x[i];
      }
      return e;
    }
  }

  static final Kernel SCALAR = new ScalarKernel();

  private static final Kernel SELECTED = select();

  private FloatGemm() {}

  /** The kernel selected at start-up. */
  static Kernel kernel() {
    return SELECTED;
  }

  /** The vector kernel, or null when this JVM cannot run it. */
  static Kernel vector() {
    return Vectorization.loadVector(Kernel.class, "dev.losskit.metric.VectorGemm").orElse(null);
  }

  private static Kernel select() {
    return Vectorization.select(Kernel.class, "dev.losskit.metric.VectorGemm", SCALAR);
  }

  /** Floats of {@code b} ({@code k} by {@code n}) packed in panels of {@code width} columns. */
  static int packedSize(int k, int n, int width) {
    return (n + width - 1) / width * width * k;
  }

  /**
   * Packs the {@code k} by {@code n} matrix {@code b} in panels of {@code width} columns: element
   * {@code (d, j)} goes to {@code (j / width) k width + d width + j % width}, padding zeros. With
   * {@code transposed} the matrix is the transpose of the row-major {@code n} by {@code k} array
   * {@code src} (so {@code c = a src^T} needs no separate transpose). Writes into {@code dst} when
   * it is large enough, else into a new array; returns the array written.
   */
  static float[] pack(float[] src, int k, int n, boolean transposed, int width, float[] dst) {
    int size = packedSize(k, n, width);
    float[] p = dst != null && dst.length >= size ? dst : new float[size];
    for (int j0 = 0, o = 0; j0 < n; j0 += width, o += k * width) {
      int w = Math.min(width, n - j0);
      if (transposed) {
        // Column j0 + t of b is row j0 + t of src: read it along d, write the panel's column t.
        for (int t = 0; t < w; t++) {
          for (int d = 0, q = (j0 + t) * k; d < k; d++) {
            p[o + d * width + t] = src[q + d];
          }
        }
      } else {
        for (int d = 0; d < k; d++) {
          System.arraycopy(src, d * n + j0, p, o + d * width, w);
        }
      }
      if (w < width) {
        for (int d = 0; d < k; d++) {
          java.util.Arrays.fill(p, o + d * width + w, o + (d + 1) * width, 0f);
        }
      }
    }
    return p;
  }

  /**
   * {@code c = a b^T} with the selected kernel: {@code a} is {@code m} by {@code k}, {@code b} is
   * {@code n} by {@code k}.
   */
  static void multiplyTransposed(float[] a, int m, float[] b, int n, int k, float[] c) {
    float[] bp = pack(b, k, n, true, SELECTED.panelWidth(), null);
    SELECTED.multiplyPacked(a, 0, k, 1, m, k, bp, n, c, 0, n);
  }

  /** One row by one panel at a time, the panel's partial sums in a small array. */
  private static final class ScalarKernel implements Kernel {
    private static final int WIDTH = 16;

    @Override
    public int panelWidth() {
      return WIDTH;
    }

    @Override
    public void multiplyPacked(
        float[] a,
        int aOff,
        int lda,
        int step,
        int rows,
        int k,
        float[] bp,
        int n,
        float[] c,
        int cOff,
        int ldc) {
      float[] acc = new float[WIDTH];
      for (int j0 = 0, o = 0; j0 < n; j0 += WIDTH, o += k * WIDTH) {
        int w = Math.min(WIDTH, n - j0);
        for (int r = 0; r < rows; r++) {
          java.util.Arrays.fill(acc, 0f);
          for (int d = 0, ad = aOff + r * lda; d < k; d++, ad += step) {
            float x = a[ad];
            int bo = o + d * WIDTH;
            for (int t = 0; t < WIDTH; t++) {
              acc[t] = Math.fma(x, bp[bo + t], acc[t]);
            }
          }
          System.arraycopy(acc, 0, c, cOff + r * ldc + j0, w);
        }
      }
    }
  }
}

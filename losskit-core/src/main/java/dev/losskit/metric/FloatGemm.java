package dev.losskit.metric;

import java.util.Arrays;

/**
 * Float matrix products for the losses whose cost is a matrix product (InfoNCE's similarity matrix
 * and its backward pass): {@code c = a b} for row-major float matrices.
 *
 * <p>Two paths, chosen once at start-up as the core's other kernels are: with the Vector API
 * ({@code --add-modules jdk.incubator.vector}, unless {@code -Dlosskit.vector=false}) a
 * register-tiled kernel ({@link VectorGemm}: four rows of {@code a} by two SIMD vectors of {@code
 * b}, eight accumulators of fused multiply-adds per step); without it a scalar kernel of contiguous
 * row updates {@code c[i, j..] += a[i, d] b[d, j..]}, cache-blocked, which the JIT vectorizes as
 * far as it can. Both accumulate each output in float over the inner dimension.
 *
 * <p>Arrays named as inputs are not modified; outputs are overwritten.
 */
final class FloatGemm {
  /** One implementation of {@code c = a b}. */
  interface Kernel {
    /**
     * {@code c = a b}: {@code a} is {@code m} by {@code k}, {@code b} is {@code k} by {@code n},
     * {@code c} is {@code m} by {@code n}; all row-major.
     */
    void multiply(float[] a, int m, int k, float[] b, int n, float[] c);
  }

  /** Columns of the output per block of the scalar kernel: 1 KiB of a row. */
  private static final int N_BLOCK = 256;

  /** Terms of the inner dimension per block of the scalar kernel: 128 KiB of {@code b}. */
  private static final int K_BLOCK = 128;

  static final Kernel SCALAR = FloatGemm::scalarMultiply;

  private static final Kernel SELECTED = select();

  private FloatGemm() {}

  /** The kernel selected at start-up. */
  static Kernel kernel() {
    return SELECTED;
  }

  /** The vector kernel, or null when this JVM cannot run it. */
  static Kernel vector() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return null;
    }
    try {
      return (Kernel)
          Class.forName("dev.losskit.metric.VectorGemm").getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      return null; // vectors narrower than 128 bits, or the module refused: the scalar path
    }
  }

  private static Kernel select() {
    if ("false".equalsIgnoreCase(System.getProperty("losskit.vector"))) {
      return SCALAR;
    }
    Kernel v = vector();
    return v == null ? SCALAR : v;
  }

  /**
   * {@code c = a b^T} with the selected kernel: {@code a} is {@code m} by {@code k}, {@code b} is
   * {@code n} by {@code k}; {@code bt} is scratch of at least {@code k n} floats (receives {@code
   * b^T}).
   */
  static void multiplyTransposed(float[] a, int m, float[] b, int n, int k, float[] bt, float[] c) {
    for (int j = 0; j < n; j++) {
      for (int d = 0; d < k; d++) {
        bt[d * n + j] = b[j * k + d];
      }
    }
    SELECTED.multiply(a, m, k, bt, n, c);
  }

  private static void scalarMultiply(float[] a, int m, int k, float[] b, int n, float[] c) {
    Arrays.fill(c, 0, m * n, 0f);
    for (int j0 = 0; j0 < n; j0 += N_BLOCK) {
      int len = Math.min(N_BLOCK, n - j0);
      for (int d0 = 0; d0 < k; d0 += K_BLOCK) {
        int d1 = Math.min(d0 + K_BLOCK, k);
        for (int i = 0; i < m; i++) {
          int ai = i * k;
          int ci = i * n + j0;
          for (int d = d0; d < d1; d++) {
            float w = a[ai + d];
            int bo = d * n + j0;
            for (int t = 0; t < len; t++) {
              c[ci + t] = Math.fma(w, b[bo + t], c[ci + t]);
            }
          }
        }
      }
    }
  }
}

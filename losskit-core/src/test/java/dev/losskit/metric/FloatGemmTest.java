package dev.losskit.metric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both matrix-product kernels against a naive double product, over sizes that hit every tail. */
class FloatGemmTest {
  private static final int[] SIZES = {1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 67};

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void matchesNaiveProductOverOddSizes(boolean vector) {
    FloatGemm.Kernel kernel = vector ? FloatGemm.vector() : FloatGemm.SCALAR;
    // The vector kernel needs a JVM started with --add-modules jdk.incubator.vector.
    assumeTrue(kernel != null, "Vector API absent from this JVM");
    SplittableRandom r = new SplittableRandom(7);
    for (int m : SIZES) {
      for (int n : SIZES) {
        for (int k : new int[] {1, 5, 128, 131}) {
          float[] a = random(r, m * k);
          float[] b = random(r, k * n);
          float[] c = new float[m * n];
          java.util.Arrays.fill(c, Float.NaN); // every output must be overwritten
          kernel.multiply(a, m, k, b, n, c);
          for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
              double want = 0;
              double mag = 0;
              for (int d = 0; d < k; d++) {
                want += (double) a[i * k + d] * b[d * n + j];
                mag += Math.abs((double) a[i * k + d] * b[d * n + j]);
              }
              assertEquals(
                  want, c[i * n + j], 1e-6 * mag + 1e-30, "m=" + m + " n=" + n + " k=" + k);
            }
          }
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void packedProductReadsColumnsAndBlocksOfLargerArrays(boolean vector) {
    FloatGemm.Kernel kernel = vector ? FloatGemm.vector() : FloatGemm.SCALAR;
    assumeTrue(kernel != null, "Vector API absent from this JVM");
    SplittableRandom r = new SplittableRandom(9);
    for (int m : new int[] {1, 3, 4, 5, 9}) {
      for (int n : new int[] {1, 15, 16, 17, 33}) {
        int k = 37;
        // a is the transpose of rows 2.. of a k by (m + 3) array: element (i, d) at 2 + i + d
        // (m+3).
        int ld = m + 3;
        float[] src = random(r, k * ld);
        float[] bt = random(r, n * k); // b = bt^T, packed straight from bt
        float[] bp = FloatGemm.pack(bt, k, n, true, kernel.panelWidth(), null);
        int ldc = n + 2;
        float[] c = new float[5 + m * ldc];
        java.util.Arrays.fill(c, Float.NaN);
        kernel.multiplyPacked(src, 2, 1, ld, m, k, bp, n, c, 5, ldc);
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            double want = 0;
            double mag = 0;
            for (int d = 0; d < k; d++) {
              double term = (double) src[2 + i + d * ld] * bt[j * k + d];
              want += term;
              mag += Math.abs(term);
            }
            assertEquals(want, c[5 + i * ldc + j], 1e-6 * mag + 1e-30, "m=" + m + " n=" + n);
          }
          // Outside the n columns of a row of c nothing is written.
          if (i + 1 < m) {
            assertTrue(Float.isNaN(c[5 + i * ldc + n]) && Float.isNaN(c[5 + i * ldc + n + 1]));
          }
        }
        assertTrue(Float.isNaN(c[4]));
      }
    }
  }

  /**
   * Sizes past every block of the vector kernel: rows past a register tile (6) and a packed block
   * (96), columns past a panel (16), inner dimensions past a block (256), so that partial tiles,
   * partial panels and the sums over several blocks of the inner dimension are all checked, with
   * {@code a} read by rows and by columns (a product with a transpose) and {@code b} packed from a
   * transpose.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void matchesNaiveProductOverBlockEdgesAndTransposes(boolean vector) {
    FloatGemm.Kernel kernel = vector ? FloatGemm.vector() : FloatGemm.SCALAR;
    assumeTrue(kernel != null, "Vector API absent from this JVM");
    SplittableRandom r = new SplittableRandom(11);
    int[] sizes = {1, 3, 7, 8, 9, 17, 129, 1003};
    for (int m : sizes) {
      for (int n : sizes) {
        for (int k : new int[] {1, 9, 257, 1003}) {
          if ((long) m * n * k > 3_000_000) {
            continue; // the double oracle's cost; the large sizes meet small ones
          }
          boolean aByColumns = ((m + n + k) & 1) == 0;
          boolean bTransposed = ((m + k) & 2) == 0;
          // a: m by k, stored either row-major or as the transpose of a row-major k by m array.
          float[] a = random(r, m * k);
          int lda = aByColumns ? 1 : k;
          int step = aByColumns ? m : 1;
          // b: k by n, stored either row-major or as the transpose of a row-major n by k array.
          float[] b = random(r, k * n);
          float[] bp = FloatGemm.pack(b, k, n, bTransposed, kernel.panelWidth(), null);
          float[] c = new float[m * n];
          java.util.Arrays.fill(c, Float.NaN);
          kernel.multiplyPacked(a, 0, lda, step, m, k, bp, n, c, 0, n);
          String where =
              "m=" + m + " n=" + n + " k=" + k + " aByColumns=" + aByColumns + " bT=" + bTransposed;
          for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
              double want = 0;
              double mag = 0;
              for (int d = 0; d < k; d++) {
                double term =
                    (double) a[i * lda + d * step] * (bTransposed ? b[j * k + d] : b[d * n + j]);
                want += term;
                mag += Math.abs(term);
              }
              assertEquals(want, c[i * n + j], 2e-6 * mag + 1e-30, where);
            }
          }
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void maxAndSumOfARangeMatchDouble(boolean vector) {
    FloatGemm.Kernel kernel = vector ? FloatGemm.vector() : FloatGemm.SCALAR;
    assumeTrue(kernel != null, "Vector API absent from this JVM");
    SplittableRandom r = new SplittableRandom(13);
    for (int len : new int[] {1, 3, 7, 8, 9, 17, 31, 32, 33, 129, 1003, 1024, 5000}) {
      float[] x = new float[len + 4];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) (r.nextDouble() * 10 - 3);
      }
      x[1 + r.nextInt(len)] = 1e3f; // somewhere in the range
      x[0] = 2e3f; // outside it, on both sides
      x[len + 2] = 2e3f;
      double want = 0;
      double mag = 0;
      float max = Float.NEGATIVE_INFINITY;
      for (int i = 1; i < 1 + len; i++) {
        want += x[i];
        mag += Math.abs(x[i]);
        max = Math.max(max, x[i]);
      }
      assertEquals(max, kernel.max(x, 1, 1 + len), "len=" + len);
      assertEquals(want, kernel.sum(x, 1, 1 + len), 1e-6 * mag, "len=" + len);
    }
  }

  @Test
  void packingPadsThePartialPanelWithZeros() {
    float[] b = {1, 2, 3, 4, 5, 6}; // 2 by 3
    float[] p = FloatGemm.pack(b, 2, 3, false, 2, new float[] {9, 9, 9, 9, 9, 9, 9, 9});
    assertArrayEquals(new float[] {1, 2, 4, 5, 3, 0, 6, 0}, p);
    assertEquals(8, FloatGemm.packedSize(2, 3, 2));
  }

  @Test
  void transposedProductReadsRowsOfBoth() {
    float[] a = {1, 2, 3, 4}; // 2 x 2
    float[] b = {5, 6, 7, 8, 9, 10}; // 3 x 2
    float[] c = new float[6];
    FloatGemm.multiplyTransposed(a, 2, b, 3, 2, c);
    assertEquals(1 * 5 + 2 * 6, c[0]);
    assertEquals(3 * 9 + 4 * 10, c[5]);
  }

  private static float[] random(SplittableRandom r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (2 * r.nextDouble() - 1);
    }
    return x;
  }
}

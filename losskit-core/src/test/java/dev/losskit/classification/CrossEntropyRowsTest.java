package dev.losskit.classification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both cross-entropy row kernels against a double-precision oracle: odd numbers of classes (rows
 * shorter than a vector, vector tails, rows longer than a block), ignored rows, extreme logits, and
 * a range of rows that leaves the rest of the arrays untouched.
 */
class CrossEntropyRowsTest {
  private static final int[] CLASSES = {1, 2, 3, 7, 8, 9, 10, 15, 16, 17, 33, 1000, 1003};
  private static final int[] ROWS = {1, 2, 7, 203};
  private static final double SCALE = 0.37;

  private static CrossEntropyRows.Kernel kernel(boolean vector) {
    CrossEntropyRows.Kernel k = vector ? CrossEntropyRows.vector() : CrossEntropyRows.SCALAR;
    // The vector kernel needs a JVM started with --add-modules jdk.incubator.vector.
    assumeTrue(k != null, "Vector API absent from this JVM");
    return k;
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void matchesTheDoubleOracleOverOddClassCountsAndExtremeLogits(boolean vector) {
    CrossEntropyRows.Kernel kernel = kernel(vector);
    SplittableRandom r = new SplittableRandom(17);
    for (int classes : CLASSES) {
      for (int rows : ROWS) {
        for (long ignore : new long[] {-100, 1}) {
          float[] x = new float[rows * classes];
          float[] t = new float[rows];
          for (int n = 0; n < rows; n++) {
            // Every fifth row extreme: huge logits of both signs, with or without a tie.
            double spread = n % 5 == 3 ? 1e30 : 3;
            for (int c = 0; c < classes; c++) {
              x[n * classes + c] = (float) (spread * r.nextGaussian());
            }
            t[n] = n % 4 == 2 ? ignore : r.nextInt(classes);
          }
          check(kernel, x, t, classes, ignore, rows, "C=" + classes + " rows=" + rows);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void writesOnlyTheRowsOfItsRangeAndWorksWithoutGradientOrValues(boolean vector) {
    CrossEntropyRows.Kernel kernel = kernel(vector);
    SplittableRandom r = new SplittableRandom(5);
    for (int classes : CLASSES) {
      int rows = 9;
      float[] x = new float[rows * classes];
      float[] t = new float[rows];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) (2 * r.nextGaussian());
      }
      for (int n = 0; n < rows; n++) {
        t[n] = r.nextInt(classes);
      }
      float[] values = new float[rows];
      float[] g = new float[x.length];
      java.util.Arrays.fill(values, -7f);
      java.util.Arrays.fill(g, -7f);
      double sum = kernel.rows(x, t, values, g, classes, -100, SCALE, 2, 7);
      double expected = 0;
      for (int n = 0; n < rows; n++) {
        boolean inside = n >= 2 && n < 7;
        double[] o = oracleRow(x, n * classes, classes, (int) t[n]);
        if (inside) {
          expected += o[classes];
        }
        assertEquals(inside ? (float) o[classes] : -7f, values[n], inside ? 1e-5 : 0, "value");
        for (int c = 0; c < classes; c++) {
          float want = inside ? (float) (SCALE * o[c]) : -7f;
          assertEquals(want, g[n * classes + c], inside ? 1e-6 : 0, "gradient");
        }
      }
      assertEquals(expected, sum, 1e-5 * (1 + expected), "sum C=" + classes);
      // Value only, and gradient only: the same sum.
      assertEquals(sum, kernel.rows(x, t, values, null, classes, -100, SCALE, 2, 7), 0);
      assertEquals(sum, kernel.rows(x, t, null, g, classes, -100, SCALE, 2, 7), 0);
    }
  }

  /** The kernel's values, gradient and sum over all rows against {@link #oracleRow}. */
  private static void check(
      CrossEntropyRows.Kernel kernel,
      float[] x,
      float[] t,
      int classes,
      long ignore,
      int rows,
      String what) {
    float[] values = new float[rows];
    float[] g = new float[x.length];
    java.util.Arrays.fill(g, Float.NaN);
    double sum = kernel.rows(x, t, values, g, classes, ignore, SCALE, 0, rows);
    double expected = 0;
    double magnitude = 0;
    for (int n = 0; n < rows; n++) {
      int y = (int) t[n];
      int base = n * classes;
      if (y == ignore) {
        assertEquals(0f, values[n], 0f, what + " ignored row value");
        for (int c = 0; c < classes; c++) {
          assertEquals(0f, g[base + c], 0f, what + " ignored row gradient");
        }
        continue;
      }
      double[] o = oracleRow(x, base, classes, y);
      double l = o[classes];
      expected += l;
      magnitude += Math.abs(l);
      assertTrue(Float.isFinite(values[n]), what + " finite value");
      // Float accuracy: relative to the loss, or to log C for losses near 0 (z summed in float).
      assertEquals(l, values[n], 2e-6 * (Math.abs(l) + Math.log(classes) + 1), what + " row " + n);
      for (int c = 0; c < classes; c++) {
        assertEquals(SCALE * o[c], g[base + c], 1e-6, what + " row " + n + " class " + c);
      }
    }
    assertEquals(expected, sum, 2e-6 * (magnitude + rows), what + " sum");
  }

  /** {@code q_c - [c = y]} for each class, then the loss {@code -log q_y}, in double. */
  static double[] oracleRow(float[] x, int base, int classes, int y) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < classes; c++) {
      max = Math.max(max, x[base + c]);
    }
    double z = 0;
    for (int c = 0; c < classes; c++) {
      z += Math.exp(x[base + c] - max);
    }
    double[] out = new double[classes + 1];
    for (int c = 0; c < classes; c++) {
      out[c] = Math.exp(x[base + c] - max) / z - (c == y ? 1 : 0);
    }
    out[classes] = Math.log(z) - (x[base + y] - max);
    return out;
  }
}

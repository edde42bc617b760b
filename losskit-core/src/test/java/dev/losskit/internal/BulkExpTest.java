package dev.losskit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both exp kernels against Math.exp, over odd sizes, offsets and the extremes of float. */
class BulkExpTest {
  private static final int[] SIZES = {1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 1023, 4099};

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void matchesMathExpOnEveryElementOfTheRangeOnly(boolean vector) {
    BulkExp.Kernel kernel = vector ? BulkExp.vector() : BulkExp.SCALAR;
    // The vector kernel needs a JVM started with --add-modules jdk.incubator.vector.
    assumeTrue(kernel != null, "Vector API absent from this JVM");
    for (int n : SIZES) {
      float[] x = new float[n + 2];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) (-100 + 185.0 * i / x.length); // from underflow to near overflow
      }
      float[] before = x.clone();
      kernel.expInPlace(x, 1, n + 1);
      assertEquals(before[0], x[0], "element before the range untouched");
      assertEquals(before[n + 1], x[n + 1], "element after the range untouched");
      for (int i = 1; i <= n; i++) {
        double want = Math.exp(before[i]);
        assertEquals(want, x[i], 4e-7 * want + Float.MIN_NORMAL, "exp(" + before[i] + ")");
      }
    }
  }
}

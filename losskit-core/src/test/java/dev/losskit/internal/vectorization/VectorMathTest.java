package dev.losskit.internal.vectorization;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The polynomial log1p of {@link VectorMath} against {@link Math#log1p} in double: the error in
 * ulps of the correctly rounded float over a dense sweep of its domain [-1/2, 1] and every float
 * near the boundaries of its reduction.
 */
class VectorMathTest {
  private static final int L = VectorMath.S.length();

  /** The largest error seen, in ulps, and the input where it was seen. */
  private static final class MaxError {
    double ulps;
    float at = Float.NaN;
    String failure;
  }

  /** 2^128 for an infinite float: one ulp beyond the largest float. */
  private static double asDouble(float f) {
    return Float.isInfinite(f) ? Math.copySign(0x1p128, f) : f;
  }

  private static void check(
      float[] x, int n, UnaryOperator<FloatVector> f, DoubleUnaryOperator exact, MaxError e) {
    float[] y = new float[n];
    int i = 0;
    for (; i + L <= n; i += L) {
      f.apply(FloatVector.fromArray(VectorMath.S, x, i)).intoArray(y, i);
    }
    if (i < n) {
      float[] in = new float[L];
      float[] out = new float[L];
      System.arraycopy(x, i, in, 0, n - i);
      f.apply(FloatVector.fromArray(VectorMath.S, in, 0)).intoArray(out, 0);
      System.arraycopy(out, 0, y, i, n - i);
    }
    for (int j = 0; j < n; j++) {
      double ref = exact.applyAsDouble(x[j]);
      float rounded = (float) ref;
      if (Double.isNaN(ref) || Double.isNaN(y[j])) {
        if (Double.isNaN(ref) != Double.isNaN(y[j]) && e.failure == null) {
          e.failure = "at " + x[j] + ": expected " + ref + ", found " + y[j];
        }
        continue;
      }
      if (Float.isInfinite(rounded) && y[j] == rounded) {
        continue;
      }
      double ulp = Math.ulp(Math.min(Math.abs(rounded), Float.MAX_VALUE));
      double err = Math.abs(asDouble(y[j]) - Math.max(-0x1p128, Math.min(0x1p128, ref))) / ulp;
      if (!(err <= e.ulps)) {
        e.ulps = err;
        e.at = x[j];
      }
    }
  }

  private static void assertWithin(double bound, double ulps, String what) {
    assertTrue(ulps <= bound, what + ": " + ulps + " ulps, documented bound " + bound);
  }

  @Test
  void log1pSmallOnItsDomain() {
    MaxError e = new MaxError();
    int chunk = 1 << 14;
    float[] x = new float[chunk];
    int n = 0;
    // Every 61st float of [0, 1] and of [-1/2, -0], then every float near the reduction boundaries.
    long[][] bitRanges = {
      {0, Float.floatToRawIntBits(1f), 61},
      {0x80000000L, Float.floatToRawIntBits(-0.5f) & 0xffffffffL, 61},
      {Float.floatToRawIntBits(0.40f), Float.floatToRawIntBits(0.42f), 1},
      {
        Float.floatToRawIntBits(-0.28f) & 0xffffffffL,
        Float.floatToRawIntBits(-0.30f) & 0xffffffffL,
        1
      }
    };
    for (long[] range : bitRanges) {
      for (long bits = range[0]; bits <= range[1]; bits += range[2]) {
        x[n++] = Float.intBitsToFloat((int) bits);
        if (n == chunk) {
          check(x, n, VectorMath::log1pSmall, Math::log1p, e);
          n = 0;
        }
      }
    }
    check(x, n, VectorMath::log1pSmall, Math::log1p, e);
    assertTrue(e.failure == null, e.failure);
    System.out.println("log1pSmall: max error " + e.ulps + " ulps at " + e.at);
    assertWithin(2, e.ulps, "log1pSmall");
  }
}

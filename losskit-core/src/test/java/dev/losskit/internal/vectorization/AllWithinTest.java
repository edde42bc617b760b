package dev.losskit.internal.vectorization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Kernels#allWithin} on both paths against a naive per-element oracle: every special value
 * at every position (first, middle, loop tail) of sizes around the vector lengths.
 */
class AllWithinTest {
  private static final int[] SIZES = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100, 1027};

  private static final float[] SPECIAL = {
    Float.NaN,
    Float.POSITIVE_INFINITY,
    Float.NEGATIVE_INFINITY,
    Float.MAX_VALUE,
    -Float.MAX_VALUE,
    0f,
    -0f,
    Float.MIN_VALUE,
    -Float.MIN_VALUE,
    1f,
    -1f,
    Math.nextUp(1f),
    Math.nextDown(1f),
    Math.nextUp(-1f),
    Math.nextDown(-1f),
    0.5f,
    -3f
  };

  /** The bounds the input domains use. */
  private static final float[][] BOUNDS = {
    {-Float.MAX_VALUE, Float.MAX_VALUE},
    {Float.MIN_VALUE, Float.MAX_VALUE},
    {0f, Float.MAX_VALUE},
    {0f, 1f},
    {-Float.MAX_VALUE, 0f},
    {Math.nextUp(-1f), Float.MAX_VALUE},
    {1f, 1f}
  };

  private static boolean oracle(float[] x, float lo, float hi, boolean abs) {
    for (float v : x) {
      double a = abs ? Math.abs((double) v) : v;
      if (Double.isNaN(a) || a < lo || a > hi) {
        return false;
      }
    }
    return true;
  }

  private static List<Kernels> paths() {
    List<Kernels> paths = new ArrayList<>(List.of(Vectorization.scalar()));
    Vectorization.vector().ifPresent(paths::add);
    return paths;
  }

  @Test
  void theVectorPathIsTested() {
    // Surefire starts the JVM with the module, so both paths run here.
    assertTrue(Vectorization.vector().isPresent());
  }

  @Test
  void agreesWithTheOracleForEverySpecialValueAtEveryPosition() {
    SplittableRandom random = new SplittableRandom(6);
    for (Kernels k : paths()) {
      for (float[] b : BOUNDS) {
        for (boolean abs : new boolean[] {false, true}) {
          float lo = b[0];
          float hi = b[1];
          if (abs && lo < 0) {
            continue; // an interval of |x| starts at 0 or above
          }
          for (int n : SIZES) {
            // A filler inside the interval, then one special value at each position.
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
              float v = Math.min(hi, Math.max(lo, (float) (random.nextDouble() * 4 - 2)));
              x[i] = abs && random.nextBoolean() ? -v : v;
            }
            String where = k + " [" + lo + ", " + hi + "] abs=" + abs + " n=" + n;
            assertTrue(oracle(x, lo, hi, abs), where);
            assertTrue(k.allWithin(x, lo, hi, abs), where);
            for (int pos = 0; pos < n; pos += pos < 40 ? 1 : 97) {
              float saved = x[pos];
              for (float s : SPECIAL) {
                x[pos] = s;
                assertEquals(
                    oracle(x, lo, hi, abs),
                    k.allWithin(x, lo, hi, abs),
                    where + " x[" + pos + "]=" + s);
              }
              x[pos] = saved;
            }
          }
        }
      }
    }
  }
}

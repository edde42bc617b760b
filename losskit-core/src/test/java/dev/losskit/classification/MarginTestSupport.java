package dev.losskit.classification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.ToDoubleFunction;

/** Small helpers of the margin-loss tests: central differences and tolerant comparisons. */
final class MarginTestSupport {
  private MarginTestSupport() {}

  /** Central differences of {@code f} at {@code x} (restored afterwards), in double. */
  static double[] numericGradient(ToDoubleFunction<double[]> f, double[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double x0 = x[i];
      double h = 1e-6 * Math.max(1, Math.abs(x0));
      x[i] = x0 + h;
      double fp = f.applyAsDouble(x);
      x[i] = x0 - h;
      double fm = f.applyAsDouble(x);
      x[i] = x0;
      out[i] = (fp - fm) / (2 * h);
    }
    return out;
  }

  /** The float values widened to double. */
  static double[] doubles(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  /** Elementwise agreement to {@code rtol} relative with an absolute floor of {@code atol}. */
  static void assertClose(
      double[] expected, float[] actual, double rtol, double atol, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      assertClose(expected[i], actual[i], rtol, atol, what + "[" + i + "]");
    }
  }

  static void assertClose(double expected, double actual, double rtol, double atol, String what) {
    if (!(Math.abs(expected - actual) <= atol + rtol * Math.abs(expected))) {
      fail(what + ": expected " + expected + ", found " + actual);
    }
  }

  static double sum(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s;
  }
}

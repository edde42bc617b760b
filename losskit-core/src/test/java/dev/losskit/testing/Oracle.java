package dev.losskit.testing;

/**
 * The unreduced values of a naive double-precision reference implementation, and the denominator of
 * its {@code mean}.
 */
public record Oracle(double[] values, double meanDenominator) {
  /** Unreduced values whose mean divides by their count. */
  public static Oracle of(double... values) {
    return new Oracle(values, values.length);
  }

  public double sum() {
    double s = 0;
    for (double v : values) {
      s += v;
    }
    return s;
  }
}

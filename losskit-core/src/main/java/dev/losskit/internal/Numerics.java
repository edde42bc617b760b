package dev.losskit.internal;

/** Numerically stable scalar functions shared by the kernels. */
public final class Numerics {
  private Numerics() {}

  /** log(1 + exp(x)) without overflow for any x. */
  public static double softplus(double x) {
    return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  }

  /** 1 / (1 + exp(-x)) without overflow for any x. */
  public static double sigmoid(double x) {
    if (x >= 0) {
      return 1 / (1 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1 + e);
  }

  /** log(sigmoid(x)) = -softplus(-x). */
  public static double logSigmoid(double x) {
    return -softplus(-x);
  }

  /** log(cosh(x)) without overflow: |x| + log1p(exp(-2|x|)) - log 2. */
  public static double logCosh(double x) {
    double a = Math.abs(x);
    return a + Math.log1p(Math.exp(-2 * a)) - Math.log(2);
  }

  /**
   * log(sum_c exp(x[base + c * stride])) over {@code classes} entries, shifted by the maximum so
   * that it never overflows.
   */
  public static double logSumExp(float[] x, int base, int stride, int classes) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < classes; c++) {
      max = Math.max(max, x[base + c * stride]);
    }
    double s = 0;
    for (int c = 0; c < classes; c++) {
      s += Math.exp(x[base + c * stride] - max);
    }
    return max + Math.log(s);
  }

  /** log(Float.MAX_VALUE), about 88.72: above it exp overflows float32. */
  public static final double LOG_FLOAT_MAX = Math.log(Float.MAX_VALUE);

  /**
   * exp(x) up to {@code cap}, continued beyond it by its tangent line exp(cap) (1 + x - cap): value
   * and slope stay continuous, the slope never exceeds exp(cap), and the value stays finite in
   * double for every float input. The slope is {@code Math.exp(Math.min(x, cap))}; the curvature is
   * exp(x) up to the cap and 0 beyond.
   */
  public static double expTangentAbove(double x, double cap) {
    return x <= cap ? Math.exp(x) : Math.exp(cap) * (1 + (x - cap));
  }
}

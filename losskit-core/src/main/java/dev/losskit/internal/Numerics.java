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

  // ---------------------------------------------------------------- gamma family, error function

  /** Below this argument the gamma-family functions shift up by their recurrences. */
  private static final double ASYMPTOTIC_FROM = 10;

  private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

  /**
   * Stirling's correction S(x) = lgamma(x) - [(x - 1/2) log x - x + log(2 pi) / 2] for x >= 10,
   * from the Bernoulli numbers B2 ... B14; the first omitted term is below 3e-17.
   */
  private static double stirlingCorrection(double x) {
    double r = 1 / x;
    double r2 = r * r;
    return r
        * (1.0 / 12
            + r2
                * (-1.0 / 360
                    + r2
                        * (1.0 / 1260
                            + r2
                                * (-1.0 / 1680
                                    + r2
                                        * (1.0 / 1188
                                            + r2 * (-691.0 / 360360 + r2 * (1.0 / 156)))))));
  }

  /**
   * T(x) = log x - 1 / (2x) - digamma(x) for x >= 10, from the Bernoulli numbers B2 ... B14; the
   * first omitted term is below 5e-17.
   */
  private static double digammaTail(double x) {
    double r2 = 1 / (x * x);
    return r2
        * (1.0 / 12
            + r2
                * (-1.0 / 120
                    + r2
                        * (1.0 / 252
                            + r2
                                * (-1.0 / 240
                                    + r2
                                        * (1.0 / 132 + r2 * (-691.0 / 32760 + r2 * (1.0 / 12)))))));
  }

  /**
   * log Gamma(x) for x > 0: Stirling's series for x >= 10, the recurrence Gamma(x) = Gamma(x + n) /
   * (x (x + 1) ... (x + n - 1)) below. Absolute error below 1e-14 where the value is near 0 (x near
   * 1 and 2), relative error below 1e-14 elsewhere.
   */
  public static double lgamma(double x) {
    if (x >= ASYMPTOTIC_FROM) {
      return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + stirlingCorrection(x);
    }
    double product = 1;
    double z = x;
    while (z < ASYMPTOTIC_FROM) {
      product *= z;
      z += 1;
    }
    return lgamma(z) - Math.log(product);
  }

  /**
   * The digamma function psi(x) = d lgamma(x) / dx for x > 0: its asymptotic series for x >= 10,
   * the recurrence psi(x) = psi(x + 1) - 1 / x below.
   */
  public static double digamma(double x) {
    double shift = 0;
    double z = x;
    while (z < ASYMPTOTIC_FROM) {
      shift += 1 / z;
      z += 1;
    }
    return Math.log(z) - 0.5 / z - digammaTail(z) - shift;
  }

  /**
   * lgamma(x + y) - lgamma(x) - y log(x) for x > 0 and y >= 0, without the cancellation of the
   * direct difference when x is large (it tends to y (y - 1) / (2x) as x grows).
   */
  public static double lgammaRatioExcess(double x, double y) {
    if (x >= ASYMPTOTIC_FROM) {
      return (x + y - 0.5) * Math.log1p(y / x)
          - y
          + (stirlingCorrection(x + y) - stirlingCorrection(x));
    }
    return lgamma(x + y) - lgamma(x) - y * Math.log(x);
  }

  /**
   * digamma(x + y) - digamma(x) - log1p(y / x) for x > 0 and y >= 0, without the cancellation of
   * the direct difference when x is large (it tends to y / (2 x^2) as x grows).
   */
  public static double digammaDifferenceExcess(double x, double y) {
    if (x >= ASYMPTOTIC_FROM) {
      return y / (2 * x * (x + y)) - (digammaTail(x + y) - digammaTail(x));
    }
    return digamma(x + y) - digamma(x) - Math.log1p(y / x);
  }

  /**
   * log1p(u) - u for u > -1, accurate also for small |u| (where it is about -u^2 / 2): the series
   * of 2 atanh(s) - u in s = u / (2 + u) for |u| <= 1/2.
   */
  public static double log1pmx(double u) {
    if (Math.abs(u) > 0.5) {
      return Math.log1p(u) - u;
    }
    double s = u / (2 + u);
    double s2 = s * s;
    // log1p(u) = 2 (s + s^3/3 + s^5/5 + ...) and u = 2s / (1 - s).
    double sum = 0;
    double power = s * s2;
    for (int k = 3; ; k += 2) {
      double term = power / k;
      sum += term;
      if (Math.abs(term) <= 1e-17 * Math.abs(sum)) {
        break;
      }
      power *= s2;
    }
    return 2 * sum - 2 * s2 / (1 - s);
  }

  /**
   * Chebyshev coefficients of g(s) = erfcx(x) / t on s in [-1, 1], with t = 2 / (2 + x) and s = 2t
   * - 1, for x >= 0 (erfcx(x) = exp(x^2) erfc(x)). Computed at 40 digits by
   * tools/reference/timeseries.py (erfcx_chebyshev); the omitted terms are below 2e-18.
   */
  private static final double[] ERFCX_CHEBYSHEV = {
    1.1540674772329393772,
    3.5543692127049848731e-1,
    6.5095158828786524550e-2,
    3.6711423958366391659e-3,
    -1.1128447433526324969e-3,
    -1.6075829915378079758e-4,
    3.2780315741731370605e-5,
    5.4424416455050160333e-6,
    -1.5154665553171481622e-6,
    -1.4297608181169864917e-7,
    8.2346088274194934330e-8,
    -1.2962846852306562536e-9,
    -4.1547216310151983042e-9,
    6.3470582783628111814e-10,
    1.4320822712256223707e-10,
    -6.1603901052045855418e-11,
    2.0612138554721696306e-12,
    3.5714931488477044450e-12,
    -8.5864228432517964757e-13,
    -6.1456002137906305540e-14,
    7.4187257485966170573e-14,
    -1.2895042755032325615e-14,
    -2.3587263857106323567e-15,
    1.5729349381685911397e-15,
    -2.2782966239546465173e-16,
    -6.3123304507564298117e-17,
    3.5916763531814923008e-17,
    -5.0498091498477292953e-18
  };

  /** The scaled complementary error function exp(x^2) erfc(x) for x >= 0 (Clenshaw's sum). */
  private static double erfcxNonNegative(double x) {
    double t = 2 / (2 + x);
    double s = 2 * t - 1;
    double b1 = 0;
    double b2 = 0;
    for (int j = ERFCX_CHEBYSHEV.length - 1; j >= 1; j--) {
      double b0 = 2 * s * b1 - b2 + ERFCX_CHEBYSHEV[j];
      b2 = b1;
      b1 = b0;
    }
    return t * (s * b1 - b2 + 0.5 * ERFCX_CHEBYSHEV[0]);
  }

  /** The complementary error function erfc(x) = 1 - erf(x), relative error about 1e-15. */
  public static double erfc(double x) {
    if (x >= 0) {
      return x > 27.3 ? 0 : Math.exp(-x * x) * erfcxNonNegative(x);
    }
    return 2 - erfc(-x);
  }

  /** The error function, with relative accuracy also near 0 (its Taylor series for |x| < 1/2). */
  public static double erf(double x) {
    double a = Math.abs(x);
    if (a >= 0.5) {
      double e = 1 - erfc(a);
      return x < 0 ? -e : e;
    }
    double x2 = x * x;
    double term = x;
    double sum = x;
    for (int n = 1; n < 30; n++) {
      term *= -x2 / n;
      double t = term / (2 * n + 1);
      sum += t;
      if (Math.abs(t) <= 1e-17 * Math.abs(sum)) {
        break;
      }
    }
    return 2 / Math.sqrt(Math.PI) * sum;
  }

  /** The standard normal distribution function Phi(z), accurate in both tails. */
  public static double normalCdf(double z) {
    return 0.5 * erfc(-z / Math.sqrt(2));
  }

  /** The standard normal density phi(z). */
  public static double normalPdf(double z) {
    return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  }
}

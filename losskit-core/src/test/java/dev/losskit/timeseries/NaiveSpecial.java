package dev.losskit.timeseries;

/**
 * Special functions for the oracles, by methods independent of {@code internal.Numerics}: the
 * Lanczos approximation of lgamma (g = 7, n = 9) and the series and continued fraction of erf.
 */
final class NaiveSpecial {
  private NaiveSpecial() {}

  private static final double[] LANCZOS = {
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7
  };

  /** log Gamma(x), x > 0. */
  static double lgamma(double x) {
    if (x < 0.5) {
      return lgamma(x + 1) - Math.log(x);
    }
    double z = x - 1;
    double a = LANCZOS[0];
    for (int i = 1; i < LANCZOS.length; i++) {
      a += LANCZOS[i] / (z + i);
    }
    double t = z + 7.5;
    return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
  }

  /** erf(x): the series with positive terms for |x| <= 3, the continued fraction of erfc above. */
  static double erf(double x) {
    double a = Math.abs(x);
    double v;
    if (a <= 3) {
      double term = a;
      double sum = a;
      for (int n = 1; n < 200; n++) {
        term *= 2 * a * a / (2 * n + 1);
        sum += term;
      }
      v = 2 / Math.sqrt(Math.PI) * Math.exp(-a * a) * sum;
    } else {
      double k = a;
      for (int n = 80; n >= 1; n--) {
        k = a + (n / 2.0) / k;
      }
      v = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / k;
    }
    return x < 0 ? -v : v;
  }

  /** The standard normal distribution function. */
  static double phiCdf(double z) {
    return 0.5 * (1 + erf(z / Math.sqrt(2)));
  }

  /** The standard normal density. */
  static double phi(double z) {
    return Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
  }
}

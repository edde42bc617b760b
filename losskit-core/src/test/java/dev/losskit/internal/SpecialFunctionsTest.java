package dev.losskit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;

/**
 * The special functions of {@link Numerics} against scipy 1.10.1 ({@code scipy.special.gammaln,
 * psi, erf, erfc}) and, for the differences that cancel in double, mpmath at 120 digits.
 */
class SpecialFunctionsTest {
  private static void close(double expected, double actual, double rtol, double atol, String what) {
    if (!(Math.abs(expected - actual) <= atol + rtol * Math.abs(expected))) {
      fail(what + ": expected " + expected + ", found " + actual);
    }
  }

  /** x, gammaln(x), psi(x) from scipy. */
  private static final double[][] GAMMA = {
    {1e-300, 690.7755278982137, -9.999999999999999e+299},
    {1e-08, 18.42068073818021, -100000000.57721564},
    {0.001, 6.907178885383853, -1000.5755719318103},
    {0.1, 2.252712651734206, -10.423754940411076},
    {0.5, 0.5723649429247, -1.9635100260214235},
    {1.0, 0.0, -0.5772156649015329},
    {1.4616321449683622, -0.1214862905358497, -9.241265521729427e-17},
    {1.5, -0.12078223763524526, 0.03648997397857652},
    {2.0, 0.0, 0.42278433509846713},
    {2.5, 0.2846828704729192, 0.7031566406452432},
    {3.7, 1.428072326665388, 1.1671535393615113},
    {7.25, 7.0521854507385395, 1.9104535268837362},
    {9.999, 12.799575780077413, 2.251647417205735},
    {10.0, 12.801827480081469, 2.251752589066721},
    {10.5, 13.940625219403763, 2.3030010342976865},
    {33.3, 82.60372358165493, 3.490467238520243},
    {171.5, 709.1431630309283, 5.141664981434},
    {10000.0, 82099.71749644238, 9.21029037114285},
    {100000000.0, 1742068066.1038349, 18.420680738952367},
    {1000000000000000.0, 3.3538776394910668e+16, 34.538776394910684},
  };

  /** x, erf(x), erfc(x) from scipy. */
  private static final double[][] ERROR_FUNCTION = {
    {-30.0, -1.0, 2.0},
    {-6.0, -1.0, 2.0},
    {-2.5, -0.999593047982555, 1.999593047982555},
    {-0.7, -0.6778011938374183, 1.6778011938374182},
    {-0.3, -0.3286267594591274, 1.3286267594591274},
    {-1e-09, -1.1283791670955127e-09, 1.0000000011283792},
    {0.0, 0.0, 1.0},
    {1e-12, 1.1283791670955126e-12, 0.9999999999988716},
    {0.2, 0.22270258921047845, 0.7772974107895215},
    {0.46875, 0.492613473217938, 0.507386526782062},
    {0.5, 0.5204998778130465, 0.4795001221869535},
    {0.9, 0.7969082124228322, 0.20309178757716784},
    {1.5, 0.9661051464753108, 0.03389485352468927},
    {2.0, 0.9953222650189527, 0.004677734981047266},
    {3.0, 0.9999779095030014, 2.2090496998585445e-05},
    {4.0, 0.9999999845827421, 1.541725790028002e-08},
    {5.5, 0.9999999999999927, 7.357847917974398e-15},
    {8.0, 1.0, 1.1224297172982928e-29},
    {12.0, 1.0, 1.3562611692059047e-64},
    {26.0, 1.0, 5.663192408856145e-296},
  };

  /** x, y, lgamma(x + y) - lgamma(x) - y log x, psi(x + y) - psi(x) - log1p(y / x) from mpmath. */
  private static final double[][] EXCESS = {
    {0.3, 0.0, 0.0, 0.0},
    {0.3, 4.0, 5.9011142688528375, 2.1777891872646054},
    {2.0, 7.0, 5.752572638825633, 0.21377974608086878},
    {9.5, 3.0, 0.2911386953196918, 0.013020929170202226},
    {10.0, 3.0, 0.2776317365982795, 0.01187815977493319},
    {50.0, 1.0, 0.0, 0.00019737270382028698},
    {1000000.0, 3.0, 2.999997500003e-06, 1.49999600001125e-12},
    {1000000.0, 10000000.0, 16376846.801834363, 4.545455371900826e-07},
    {1000000000000.0, 5.0, 9.999999999985e-12, 2.4999999999883335e-24},
    {1e+30, 2.0, 9.999999999999999e-31, 1e-60},
  };

  /** u, log1p(u) - u from mpmath. */
  private static final double[][] LOG1PMX = {
    {-0.999, -5.908755278982136},
    {-0.6, -0.316290731874155},
    {-0.5, -0.19314718055994531},
    {-0.1, -0.005360515657826302},
    {-1e-05, -5.0000333335833364e-11},
    {1e-10, -4.999999999666667e-21},
    {0.001, -4.996669164668332e-07},
    {0.25, -0.026856448685790246},
    {0.5, -0.09453489189183562},
    {0.7, -0.16937174893782958},
    {10.0, -7.602104727201629},
    {10000000000.0, -9999999976.97415},
  };

  @Test
  void lgammaAndDigammaAgreeWithScipy() {
    for (double[] r : GAMMA) {
      close(r[1], Numerics.lgamma(r[0]), 1e-14, 1e-14, "lgamma(" + r[0] + ")");
      close(r[2], Numerics.digamma(r[0]), 1e-14, 1e-15, "digamma(" + r[0] + ")");
    }
  }

  @Test
  void lgammaAndDigammaSatisfyTheirRecurrencesAcrossTheSeriesThreshold() {
    for (double x = 0.05; x < 30; x += 0.37) {
      close(
          Math.log(x) + Numerics.lgamma(x),
          Numerics.lgamma(x + 1),
          1e-14,
          1e-14,
          "lgamma(x + 1) = log x + lgamma(x) at " + x);
      close(
          1 / x + Numerics.digamma(x),
          Numerics.digamma(x + 1),
          1e-14,
          1e-14,
          "digamma(x + 1) = 1/x + digamma(x) at " + x);
    }
  }

  @Test
  void errorFunctionsAgreeWithScipy() {
    for (double[] r : ERROR_FUNCTION) {
      close(r[1], Numerics.erf(r[0]), 2e-15, 0, "erf(" + r[0] + ")");
      close(r[2], Numerics.erfc(r[0]), 1e-14, 0, "erfc(" + r[0] + ")");
    }
  }

  @Test
  void normalCdfIsSymmetricAndItsDensityIsItsDerivative() {
    for (double z = -8; z <= 8; z += 0.25) {
      close(1, Numerics.normalCdf(z) + Numerics.normalCdf(-z), 0, 1e-15, "Phi(z) + Phi(-z)");
    }
    // In the lower tail, where Phi itself is small and exact to its last digits.
    for (double z = -8; z <= 0; z += 0.25) {
      double h = 1e-5;
      double slope = (Numerics.normalCdf(z + h) - Numerics.normalCdf(z - h)) / (2 * h);
      close(Numerics.normalPdf(z), slope, 1e-8, 0, "Phi'(" + z + ")");
    }
    assertEquals(0.5, Numerics.normalCdf(0), 0);
    assertTrue(Numerics.normalCdf(-40) == 0 && Numerics.normalCdf(40) == 1);
  }

  @Test
  void gammaDifferencesAgreeWithMpmathWithoutCancellation() {
    for (double[] r : EXCESS) {
      String at = "(" + r[0] + ", " + r[1] + ")";
      close(r[2], Numerics.lgammaRatioExcess(r[0], r[1]), 1e-12, 1e-15, "lgammaRatioExcess" + at);
      close(
          r[3],
          Numerics.digammaDifferenceExcess(r[0], r[1]),
          1e-12,
          1e-16 * Math.abs(r[3]),
          "digammaDifferenceExcess" + at);
    }
  }

  @Test
  void log1pmxAgreesWithMpmath() {
    for (double[] r : LOG1PMX) {
      close(r[1], Numerics.log1pmx(r[0]), 1e-14, 0, "log1pmx(" + r[0] + ")");
    }
  }
}

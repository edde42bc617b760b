package dev.losskit.regression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.internal.Samples;
import dev.losskit.testing.LossContractTest;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GeneralRobustLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "general-robust";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("alpha", "2"),
        Map.of("alpha", 0),
        Map.of("alpha", "-2"),
        Map.of("alpha", "-inf"),
        Map.of("alpha", "4"),
        Map.of("alpha", "0.5"),
        Map.of("alpha", "-10"),
        Map.of("alpha", "10"),
        Map.of("alpha", "1.9999"),
        Map.of("alpha", "0.001"),
        Map.of("alpha", "1", "scale", "0.5"),
        Map.of("alpha", "-2", "scale", 3.0),
        Map.of("alpha", "-Infinity", "scale", "2"));
  }

  /** Barron's rho of the residual r, written from the paper's definition and its three limits. */
  static double naiveRho(double r, double alpha, double c) {
    double z = (r / c) * (r / c);
    if (alpha == Double.NEGATIVE_INFINITY) {
      return 1 - Math.exp(-z / 2);
    }
    if (alpha == 0) {
      return Math.log(z / 2 + 1);
    }
    if (alpha == 2) {
      return z / 2;
    }
    double b = Math.abs(alpha - 2);
    return b / alpha * (Math.pow(z / b + 1, alpha / 2) - 1);
  }

  /**
   * The same definition with ((z / b + 1)^(alpha / 2) - 1) written as expm1((alpha / 2) log1p(z /
   * b)): accurate for alpha within 1e-3 of 0 too, where the power form loses digits to
   * cancellation, so that finite differences in alpha across 0 stay meaningful.
   */
  static double rhoExpm1(double r, double alpha, double c) {
    double z = (r / c) * (r / c);
    if (alpha == 0 || alpha == 2 || alpha == Double.NEGATIVE_INFINITY) {
      return naiveRho(r, alpha, c);
    }
    double b = Math.abs(alpha - 2);
    return b / alpha * Math.expm1(alpha / 2 * Math.log1p(z / b));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double alpha = p.real("alpha");
    double c = p.real("scale");
    double[] x = in.get(0);
    double[] y = in.get(1);
    double[] a = in.present(2) ? in.get(2) : null;
    double[] l = new double[x.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = naiveRho(x[i] - y[i], a == null ? alpha : a[i], c);
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    float big = p.real("alpha") > 2 ? 1e3f : 1e30f;
    return List.of(
        new Tensor[] {
          Tensor.of(new float[] {big, -big, 0}), Tensor.of(new float[] {0, big / 2, 0})
        },
        new Tensor[] {
          Tensor.of(new float[] {3, -2, 1, 1e-20f, 5, 0.5f, 7}),
          Tensor.of(new float[] {0, 0, 0, 0, 0, 0.5f, 0}),
          Tensor.of(new float[] {2, 0, -1e30f, 1e-30f, 1e3f, 2, -1e-38f})
        });
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor p = Tensor.of(new float[4]);
    Tensor t = Tensor.of(new float[4]);
    return List.of(
        new BadInput(
            "target of another shape",
            new Tensor[] {p, Tensor.of(new float[3])},
            "target",
            "(4)",
            "(3)"),
        new BadInput(
            "alpha input of another shape",
            new Tensor[] {p, t, Tensor.of(new float[4], 2, 2)},
            "alpha",
            "(4)",
            "(2, 2)"),
        new BadInput(
            "alpha input not finite",
            new Tensor[] {p, t, Tensor.of(new float[] {1, Float.NEGATIVE_INFINITY, 0, 0})},
            "alpha",
            "finite"),
        new BadInput("alpha = +inf", Map.of("alpha", "inf"), new Tensor[] {p, t}, "alpha", "inf"),
        new BadInput("scale zero", Map.of("scale", "0"), new Tensor[] {p, t}, "scale", "positive"));
  }

  private static Tensor[] residuals(double[] r) {
    return new Tensor[] {Tensor.of(r), Tensor.of(new float[r.length])};
  }

  @Test
  void specialValuesAreTheNamedLosses() {
    double[] rs = {0.3, -1.7, 4, 12.5, -0.01};
    Tensor[] in = residuals(rs);
    for (double c : new double[] {0.5, 1, 3}) {
      float[] one = values(Map.of("alpha", 1, "scale", c), in);
      float[] pseudo =
          Catalog.builtin()
              .create("pseudo-huber", Map.of("delta", c))
              .evaluate(Reduction.NONE, in)
              .values()
              .data();
      float[] two = values(Map.of("alpha", 2, "scale", c), in);
      float[] zero = values(Map.of("alpha", 0, "scale", c), in);
      float[] gm = values(Map.of("alpha", -2, "scale", c), in);
      float[] welsch = values(Map.of("alpha", "-inf", "scale", c), in);
      for (int i = 0; i < rs.length; i++) {
        double z = (rs[i] / c) * (rs[i] / c);
        assertEquals(pseudo[i] / (c * c), one[i], 1e-6 * one[i], "alpha = 1 is pseudo-huber / c^2");
        assertEquals(Math.sqrt(z + 1) - 1, one[i], 1e-6 * one[i], "alpha = 1 is Charbonnier");
        assertEquals(z / 2, two[i], 1e-6 * two[i], "alpha = 2 is L2");
        assertEquals(Math.log(z / 2 + 1), zero[i], 1e-6 * zero[i], "alpha = 0 is Cauchy");
        assertEquals(2 * z / (z + 4), gm[i], 1e-6 * gm[i], "alpha = -2 is Geman-McClure");
        assertEquals(1 - Math.exp(-z / 2), welsch[i], 1e-6 * welsch[i], "alpha = -inf is Welsch");
      }
    }
  }

  private float[] values(Map<String, ?> params, Tensor... in) {
    return spec().create(params).evaluate(Reduction.NONE, in).values().data();
  }

  @Test
  void minusInfinityHasSeveralSpellingsAndPlusInfinityIsRejected() {
    Tensor[] in = residuals(new double[] {0.5, 3});
    double expected = spec().create(Map.of("alpha", Double.NEGATIVE_INFINITY)).value(in);
    for (String s : new String[] {"-inf", "-INF", "-Inf", "-Infinity", " -inf "}) {
      assertEquals(expected, spec().create(Map.of("alpha", s)).value(in), 0, s);
    }
    for (String s : new String[] {"inf", "+inf", "Infinity", "nan"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> spec().create(Map.of("alpha", s)));
      assertTrue(e.getMessage().contains("alpha") && e.getMessage().contains(s), e.getMessage());
    }
  }

  @Test
  void valuesAreContinuousAtTheLimits() {
    double[] rs = {1e-3, 0.4, -2, 30};
    Tensor[] in = residuals(rs);
    String[][] pairs = {
      {"2", "1.999999999"},
      {"2", "2.000000001"},
      {"2", "1.9999999999999998"},
      {"0", "1e-9"},
      {"0", "-1e-9"},
      {"0", "1e-300"},
      {"0", "-4.9e-324"},
      {"-inf", "-1e12"},
      {"-inf", "-1e300"}
    };
    for (String[] pair : pairs) {
      float[] limit = values(Map.of("alpha", pair[0]), in);
      float[] near = values(Map.of("alpha", pair[1]), in);
      for (int i = 0; i < rs.length; i++) {
        assertEquals(
            limit[i],
            near[i],
            2e-6 * limit[i],
            "alpha " + pair[1] + " vs " + pair[0] + " at r = " + rs[i]);
      }
    }
  }

  @Test
  void taylorBranchNearZeroAgreesWithTheClosedForm() {
    double[] rs = {0.05, 0.7, -3, 100};
    for (double a : new double[] {1e-7, -1e-7, 9.99e-6, -9.99e-6, 1e-5, -1e-5}) {
      float[] v = values(Map.of("alpha", a), residuals(rs));
      for (int i = 0; i < rs.length; i++) {
        double closed = rhoExpm1(rs[i], a, 1);
        assertEquals(closed, v[i], 1e-6 * closed, "alpha " + a + " r " + rs[i]);
      }
    }
  }

  @Test
  void alphaInputReplacesTheParameterAndHasAGradient() {
    Tensor[] in = spec().sample(spec().defaults(), new SplittableRandom(6), 40);
    float[] same = new float[40];
    java.util.Arrays.fill(same, 0.5f);
    Loss withParam = spec().create(Map.of("alpha", 0.5));
    Loss other = spec().create(Map.of("alpha", "-3"));
    LossResult a = withParam.evaluate(Reduction.MEAN, in[0], in[1]);
    LossResult b = other.evaluate(Reduction.MEAN, in[0], in[1], Tensor.of(same));
    assertEquals(a.value(), b.value(), 0);
    assertNull(a.grad("alpha"));
    assertTrue(b.grad("alpha") != null && b.grad("alpha").size() == 40);
    for (int i = 0; i < 40; i++) {
      assertEquals(a.grad(0).data()[i], b.grad(0).data()[i], 0f);
    }
  }

  /**
   * Alphas away from the singular point 2, including 0 and values on both sides of every branch.
   */
  private static final float[] ALPHAS = {
    -8, -3, -2, -1, -0.3f, -1e-3f, -2e-5f, -1e-5f, -5e-6f, -1e-7f, 0, 1e-7f, 5e-6f, 1e-5f, 2e-5f,
    1e-3f, 0.2f, 0.5f, 1, 1.5f, 1.9f, 2.1f, 2.5f, 3, 4, 6
  };

  @Test
  void alphaGradientMatchesCentralDifferencesOfTheFormula() {
    SplittableRandom random = new SplittableRandom(77);
    for (double c : new double[] {1, 0.7}) {
      Loss loss = spec().create(Map.of("scale", c));
      int n = ALPHAS.length * 3;
      float[] p = Samples.normal(random, 2, n).data();
      float[] t = Samples.normal(random, 1, n).data();
      float[] a = new float[n];
      for (int i = 0; i < n; i++) {
        a[i] = ALPHAS[i % ALPHAS.length];
      }
      for (Reduction red : new Reduction[] {Reduction.SUM, Reduction.MEAN, Reduction.NONE}) {
        LossResult res = loss.evaluate(red, Tensor.of(p), Tensor.of(t), Tensor.of(a));
        double per = red == Reduction.MEAN ? 1.0 / n : 1.0;
        float[] ga = res.grad("alpha").data();
        float[] gp = res.grad("pred").data();
        for (int i = 0; i < n; i++) {
          double r = (double) p[i] - t[i];
          double h = 1.3e-3;
          double numeric =
              (-rhoExpm1(r, a[i] + 2 * h, c)
                      + 8 * rhoExpm1(r, a[i] + h, c)
                      - 8 * rhoExpm1(r, a[i] - h, c)
                      + rhoExpm1(r, a[i] - 2 * h, c))
                  / (12 * h);
          assertEquals(
              numeric * per,
              ga[i],
              (1e-5 * Math.abs(numeric) + 1e-9) * per,
              "d/dalpha at alpha " + a[i] + ", r " + r);
          double hr = 1e-6 * Math.max(1, Math.abs(r));
          double numericR = (rhoExpm1(r + hr, a[i], c) - rhoExpm1(r - hr, a[i], c)) / (2 * hr);
          assertEquals(
              numericR * per,
              gp[i],
              (1e-5 * Math.abs(numericR) + 1e-8) * per,
              "d/dpred at alpha " + a[i]);
        }
      }
    }
  }

  @Test
  void alphaGradientOfTinyResidualsUsesTheSeries() {
    double[] alphas = {1, -3, 0, 1e-7, 3.5, -1e4};
    double r = 1e-3;
    float[] p = new float[alphas.length];
    float[] a = new float[alphas.length];
    for (int i = 0; i < alphas.length; i++) {
      p[i] = (float) r;
      a[i] = (float) alphas[i];
    }
    float[] g =
        spec()
            .create()
            .evaluate(Reduction.SUM, Tensor.of(p), Tensor.of(new float[p.length]), Tensor.of(a))
            .grad("alpha")
            .data();
    for (int i = 0; i < alphas.length; i++) {
      double z = (double) p[i] * p[i];
      double b = Math.abs(a[i] - 2);
      // d rho / d alpha = z^3 / (24 b^2) + O(z^4 / b^3): the O(z) and O(z^2) terms cancel exactly.
      double leading = z * z * z / (24 * b * b);
      assertEquals(leading, g[i], 1e-4 * leading, "alpha " + alphas[i]);
    }
  }

  @Test
  void alphaGradientAtTwoIsFiniteAndThatOfTheNearestFloatBelow() {
    float[] p = {0.5f, 0.5f, 3, 3, 3};
    float[] a = {2, Math.nextDown(2f), 2, Math.nextDown(2f), 1.99f};
    float[] g =
        spec()
            .create()
            .evaluate(Reduction.SUM, Tensor.of(p), Tensor.of(new float[5]), Tensor.of(a))
            .grad("alpha")
            .data();
    assertTrue(Float.isFinite(g[0]) && Float.isFinite(g[2]));
    assertEquals(g[1], g[0], 0f);
    assertEquals(g[3], g[2], 0f);
    assertTrue(g[2] > g[4], "the alpha derivative grows without bound towards 2");
    double below = Math.nextDown(2f);
    double h = 1e-10;
    double numeric = (naiveRho(3, below + h, 1) - naiveRho(3, below - h, 1)) / (2 * h);
    assertEquals(numeric, g[3], 1e-4 * numeric);
    // Near 2 the derivative is -(z/4) log|alpha - 2| plus a bounded part.
    double z = 9;
    assertEquals(-(z / 4) * Math.log(2 - below), g[3], 0.5 * z);
  }

  @Test
  void alphaGradientIsZeroAtMinusInfinityAndForZeroResiduals() {
    Loss loss = spec().create(Map.of("alpha", "-inf"));
    Tensor[] in = residuals(new double[] {0, 2, 1e30});
    LossResult r = loss.evaluate(Reduction.SUM, in);
    assertEquals(0f, r.grad(0).data()[0]);
    assertEquals(2 * Math.exp(-2), r.grad(0).data()[1], 1e-7);
    assertEquals(0f, r.grad(0).data()[2]);
    float[] ga =
        spec()
            .create()
            .evaluate(
                Reduction.SUM,
                Tensor.of(new float[3]),
                Tensor.of(new float[3]),
                Tensor.of(new float[] {2, 0, -5}))
            .grad("alpha")
            .data();
    assertEquals(0f, ga[0]);
    assertEquals(0f, ga[1]);
    assertEquals(0f, ga[2]);
  }
}

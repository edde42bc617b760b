package dev.losskit.timeseries;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.testing.LossContractTest;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StudentTNllLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "student-t-nll";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("df", 1.0), Map.of("df", "2.5"), Map.of("df", 30), Map.of("df", 0.3));
  }

  /** minus the log-density of the location-scale t, from its definition. */
  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double v = p.real("df");
    double[] loc = in.get(0);
    double[] y = in.get(1);
    double[] s = in.get(2);
    double[] l = new double[loc.length];
    for (int i = 0; i < l.length; i++) {
      double z = (y[i] - loc[i]) / s[i];
      double logDensity =
          NaiveSpecial.lgamma((v + 1) / 2)
              - NaiveSpecial.lgamma(v / 2)
              - 0.5 * Math.log(v * Math.PI)
              - Math.log(s[i])
              - (v + 1) / 2 * Math.log(1 + z * z / v);
      l[i] = -logDensity;
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {0, 1, -2, 3, 40, -0.5f}, 3, 2),
          Tensor.of(new float[] {0.1f, 60, -2.5f, 3, -40, 0.5f}, 3, 2),
          Tensor.of(new float[] {1, 0.5f, 0.01f, 7, 2, 1e-3f}, 3, 2)
        });
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {0, 1e30f, -3e38f, 0, 5}),
          Tensor.of(new float[] {1e30f, -1e30f, 3e38f, 0, 5}),
          Tensor.of(new float[] {1e-20f, 1, 1e-30f, 1e30f, 1e-30f})
        });
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor three = Tensor.of(new float[] {1, 2, 3});
    return List.of(
        new BadInput(
            "a zero scale",
            new Tensor[] {three, three, Tensor.of(new float[] {1, 0, 1})},
            "scale",
            "positive",
            "index 1"),
        new BadInput(
            "a scale of another shape",
            new Tensor[] {three, three, Tensor.of(new float[] {1, 1}, 2)},
            "scale",
            "(3)",
            "(2)"),
        new BadInput(
            "a target of another shape",
            new Tensor[] {three, Tensor.of(new float[6], 3, 2), three},
            "target",
            "(3, 2)"));
  }

  private static Loss t(double df) {
    return Catalog.builtin().get("student-t-nll").create(Map.of("df", df));
  }

  /** df = 1 is the Cauchy distribution: l = log(pi s (1 + z^2)). */
  @Test
  void oneDegreeOfFreedomIsCauchy() {
    float[] loc = {0, 2, -1};
    float[] y = {1, -3, -1};
    float[] s = {1, 0.5f, 4};
    float[] l =
        t(1).evaluate(Reduction.NONE, Tensor.of(loc), Tensor.of(y), Tensor.of(s)).values().data();
    for (int i = 0; i < 3; i++) {
      double z = ((double) y[i] - loc[i]) / s[i];
      assertEquals(Math.log(Math.PI * s[i] * (1 + z * z)), l[i], 1e-6);
    }
  }

  /** As df grows the loss becomes the Gaussian negative log-likelihood with sigma = scale. */
  @Test
  void manyDegreesOfFreedomGiveTheGaussianNll() {
    float[] loc = {0, 2, -1, 0.5f};
    float[] y = {1, -1, -1, 3};
    float[] s = {1, 0.5f, 4, 2};
    for (double df : new double[] {1e10, 1e14}) {
      LossResult res = t(df).evaluate(Reduction.NONE, Tensor.of(loc), Tensor.of(y), Tensor.of(s));
      for (int i = 0; i < 4; i++) {
        double z = ((double) y[i] - loc[i]) / s[i];
        double gauss = Math.log(s[i]) + z * z / 2 + 0.5 * Math.log(2 * Math.PI);
        assertEquals(gauss, res.values().data()[i], 1e-5, "df " + df);
        assertEquals(-z / s[i], res.grad(0).data()[i], 1e-5);
        assertEquals((1 - z * z) / s[i], res.grad(2).data()[i], 1e-5);
      }
    }
  }

  /** The location gradient is bounded by (v + 1) / (2 s sqrt(v)), reached at |z| = sqrt(v). */
  @Test
  void locationGradientIsBounded() {
    double df = 3;
    float[] loc = {0, 0, 0, 0};
    float[] y = {(float) Math.sqrt(df), 10, 1e3f, 1e6f};
    float[] s = {1, 1, 1, 1};
    float[] g =
        t(df).evaluate(Reduction.SUM, Tensor.of(loc), Tensor.of(y), Tensor.of(s)).grad(0).data();
    double bound = (df + 1) / (2 * Math.sqrt(df));
    assertEquals(-bound, g[0], 1e-6);
    for (float v : g) {
      assertEquals(true, Math.abs(v) <= bound + 1e-6, "bounded: " + v);
    }
  }
}

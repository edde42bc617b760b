package dev.losskit.timeseries;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

class CrpsGaussianLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "crps-gaussian";
  }

  /** sigma [z (2 Phi(z) - 1) + 2 phi(z) - 1/sqrt(pi)], as written by Gneiting et al. (2005). */
  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[] mu = in.get(0);
    double[] y = in.get(1);
    double[] sigma = in.get(2);
    double[] l = new double[mu.length];
    for (int i = 0; i < l.length; i++) {
      double z = (y[i] - mu[i]) / sigma[i];
      l[i] =
          sigma[i]
              * (z * (2 * NaiveSpecial.phiCdf(z) - 1)
                  + 2 * NaiveSpecial.phi(z)
                  - 1 / Math.sqrt(Math.PI));
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {0, 1, -2, 3, 40, -0.5f}, 2, 3),
          Tensor.of(new float[] {0.1f, 9, -2.5f, 3, -40, 0.5f}, 2, 3),
          Tensor.of(new float[] {1, 1, 0.05f, 7, 10, 0.2f}, 2, 3)
        });
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {0, 1e30f, -3e38f, 0, 5, 1}),
          Tensor.of(new float[] {1e30f, -1e30f, 3e38f, 0, 5, 2}),
          Tensor.of(new float[] {1, 1e-30f, Float.MIN_VALUE, 3e38f, Float.MIN_VALUE, 1e-30f})
        });
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor three = Tensor.of(new float[] {1, 2, 3});
    return List.of(
        new BadInput(
            "a zero sigma",
            new Tensor[] {three, three, Tensor.of(new float[] {1, 1, 0})},
            "sigma",
            "positive",
            "index 2"),
        new BadInput(
            "a negative sigma",
            new Tensor[] {three, three, Tensor.of(new float[] {1, -1, 1})},
            "sigma",
            "positive"),
        new BadInput(
            "a sigma of another shape",
            new Tensor[] {three, three, Tensor.of(new float[] {1}, 1)},
            "sigma",
            "(3)",
            "(1)"));
  }

  private static Loss crps() {
    return Catalog.builtin().get("crps-gaussian").create();
  }

  /** As sigma -> 0 the forecast is a point and the score is the absolute error, with slope 1. */
  @Test
  void vanishingSigmaGivesTheAbsoluteError() {
    float[] mu = {0, 3, -2};
    float[] y = {1.5f, -4, -2};
    float[] sigma = {Float.MIN_VALUE, 1e-30f, 1e-30f};
    LossResult res = crps().evaluate(Reduction.NONE, Tensor.of(mu), Tensor.of(y), Tensor.of(sigma));
    assertEquals(1.5, res.values().data()[0], 1e-7);
    assertEquals(7, res.values().data()[1], 1e-6);
    assertEquals(0, res.values().data()[2], 1e-30);
    assertEquals(-1, res.grad(0).data()[0], 0);
    assertEquals(1, res.grad(0).data()[1], 0);
    assertEquals(-1 / Math.sqrt(Math.PI), res.grad(2).data()[0], 1e-7);
    // At z = 0 the score is sigma (sqrt(2) - 1) / sqrt(pi): its sigma gradient is that factor.
    assertEquals((Math.sqrt(2) - 1) / Math.sqrt(Math.PI), res.grad(2).data()[2], 1e-7);
  }

  /** The closed form equals the CRPS of a large Gaussian sample (fair form, unbiased). */
  @Test
  void agreesWithTheEnsembleCrpsOfALargeGaussianSample() {
    SplittableRandom r = new SplittableRandom(77);
    int m = 200_000;
    float[][] cases = {{0, 0, 1}, {1.5f, 0.2f, 0.7f}, {-3, 4, 2}};
    Loss ensemble = Catalog.builtin().get("crps-ensemble").create(Map.of("fair", true));
    for (float[] c : cases) {
      float[] x = new float[m];
      for (int i = 0; i < m; i++) {
        x[i] = (float) (c[0] + c[2] * Samples.gaussian(r));
      }
      double sample =
          ensemble.value(Reduction.SUM, Tensor.of(x, 1, m), Tensor.of(new float[] {c[1]}));
      double closed =
          crps()
              .value(
                  Reduction.SUM,
                  Tensor.of(new float[] {c[0]}),
                  Tensor.of(new float[] {c[1]}),
                  Tensor.of(new float[] {c[2]}));
      assertEquals(closed, sample, 0.01 * c[2], "mu, y, sigma = " + java.util.Arrays.toString(c));
    }
  }

  /** The score of a Gaussian scales with sigma: crps(a mu, a y, a sigma) = a crps(mu, y, sigma). */
  @Test
  void scoreIsEquivariantInScale() {
    Tensor[] in = spec().sample(spec().defaults(), new SplittableRandom(3), 9);
    float k = 8;
    Tensor[] scaled = new Tensor[3];
    for (int j = 0; j < 3; j++) {
      float[] v = in[j].data().clone();
      for (int i = 0; i < v.length; i++) {
        v[i] *= k;
      }
      scaled[j] = Tensor.of(v, in[j].shape());
    }
    assertEquals(k * crps().value(in), crps().value(scaled), 1e-5 * k * crps().value(in));
  }
}

package dev.losskit.metric;

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

class InfoNceLossTest extends LossContractTest {
  @Override
  protected int[] sizes() {
    return PAIRWISE_SIZES;
  }

  @Override
  protected String id() {
    return "info-nce";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("temperature", "0.5"), Map.of("temperature", 0.03));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double tau = p.real("temperature");
    int n = in.shape(0)[0];
    int dim = in.shape(0)[1];
    double[] a = Naive.normalize(in.get(0), n, dim);
    double[] b = Naive.normalize(in.get(1), n, dim);
    double[] l = new double[n];
    double[] z = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        z[j] = Naive.dot(a, i, b, j, dim) / tau;
      }
      l[i] = Naive.logSumExp(z) - z[i];
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return MetricCases.pairExtremes(r);
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return MetricCases.pairBadInputs("a", "b");
  }

  @Test
  void aZeroNormRowIsEquallySimilarToEveryRow() {
    float[] a = {0, 0, 0, 1, 2, 3};
    float[] b = {1, 0, 0, 0, 1, 0};
    LossResult r =
        Catalog.builtin()
            .create("info-nce")
            .evaluate(Reduction.NONE, Tensor.of(a, 2, 3), Tensor.of(b, 2, 3));
    assertEquals(Math.log(2), r.values().data()[0], 1e-6);
    for (float g : r.grad("a").data()) {
      assertEquals(true, Float.isFinite(g));
    }
  }

  @Test
  void aBatchOfOneHasNoNegativesAndZeroLoss() {
    Loss loss = Catalog.builtin().create("info-nce");
    LossResult r =
        loss.evaluate(
            Reduction.MEAN,
            Tensor.of(new float[] {1, 2, 3}, 1, 3),
            Tensor.of(new float[] {-3, 1, 0}, 1, 3));
    assertEquals(0, r.value(), 1e-6);
    for (float g : r.grad("a").data()) {
      assertEquals(0, g, 1e-6);
    }
  }

  @Test
  void perfectlyAlignedOrthogonalPairsReachTheLowerBound() {
    // b = a, rows orthonormal: l_i = log(1 + (N - 1) exp(-1 / tau)).
    int n = 4;
    float[] a = new float[n * n];
    for (int i = 0; i < n; i++) {
      a[i * n + i] = 2;
    }
    double v =
        Catalog.builtin()
            .create("info-nce", Map.of("temperature", 0.25))
            .value(Tensor.of(a, n, n), Tensor.of(a, n, n));
    assertEquals(Math.log(1 + (n - 1) * Math.exp(-4)), v, 1e-6);
  }

  @Test
  void theLossIsInvariantToTheScaleOfEachRow() {
    SplittableRandom r = new SplittableRandom(3);
    Tensor a = Embeddings.sample(r, 9);
    Tensor b = Embeddings.sample(r, 9);
    float[] scaled = a.data().clone();
    for (int d = 0; d < Embeddings.SAMPLE_DIM; d++) {
      scaled[2 * Embeddings.SAMPLE_DIM + d] *= 100;
    }
    Loss loss = Catalog.builtin().create("info-nce");
    assertEquals(loss.value(a, b), loss.value(Tensor.of(scaled, a.shape()), b), 1e-5);
  }
}

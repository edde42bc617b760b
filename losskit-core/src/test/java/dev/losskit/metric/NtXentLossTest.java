package dev.losskit.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.losskit.Catalog;
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

class NtXentLossTest extends LossContractTest {
  @Override
  protected int[] sizes() {
    return PAIRWISE_SIZES;
  }

  @Override
  protected String id() {
    return "nt-xent";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("temperature", "0.1"));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double tau = p.real("temperature");
    int n = in.shape(0)[0];
    int dim = in.shape(0)[1];
    double[] z = new double[2 * n * dim];
    System.arraycopy(in.get(0), 0, z, 0, n * dim);
    System.arraycopy(in.get(1), 0, z, n * dim, n * dim);
    double[] zh = Naive.normalize(z, 2 * n, dim);
    double[] l = new double[2 * n];
    double[] others = new double[2 * n - 1];
    for (int k = 0; k < 2 * n; k++) {
      int partner = (k + n) % (2 * n);
      int c = 0;
      for (int j = 0; j < 2 * n; j++) {
        if (j != k) {
          others[c++] = Naive.dot(zh, k, zh, j, dim) / tau;
        }
      }
      l[k] = Naive.logSumExp(others) - Naive.dot(zh, k, zh, partner, dim) / tau;
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
  void selfSimilarityIsLeftOut() {
    // a = b with orthogonal rows: each view has its partner at cosine 1 and 2N - 2 others at 0,
    // its own copy (cosine 1) excluded: l = log(1 + (2N - 2) exp(-1 / tau)).
    int n = 3;
    float[] e = new float[n * n];
    for (int i = 0; i < n; i++) {
      e[i * n + i] = 1 + i;
    }
    LossResult r =
        Catalog.builtin()
            .create("nt-xent")
            .evaluate(Reduction.NONE, Tensor.of(e, n, n), Tensor.of(e.clone(), n, n));
    assertEquals(2 * n, r.values().size());
    for (float v : r.values().data()) {
      assertEquals(Math.log(1 + (2 * n - 2) * Math.exp(-2)), v, 1e-6);
    }
  }

  @Test
  void aBatchOfOneHasOnlyItsPartnerAndZeroLoss() {
    LossResult r =
        Catalog.builtin()
            .create("nt-xent")
            .evaluate(
                Reduction.MEAN,
                Tensor.of(new float[] {1, 2}, 1, 2),
                Tensor.of(new float[] {0, 0}, 1, 2));
    assertEquals(0, r.value(), 0);
    for (float g : r.grad("b").data()) {
      assertEquals(0, g, 0);
    }
  }

  @Test
  void theMeanIsOverAllTwoNViews() {
    SplittableRandom r = new SplittableRandom(8);
    Tensor a = Embeddings.sample(r, 5);
    Tensor b = Embeddings.sample(r, 5);
    var loss = Catalog.builtin().create("nt-xent");
    assertEquals(loss.value(Reduction.SUM, a, b) / 10, loss.value(Reduction.MEAN, a, b), 1e-12);
  }
}

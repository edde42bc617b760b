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

class TextImageMatchingLossTest extends LossContractTest {
  @Override
  protected int[] sizes() {
    return PAIRWISE_SIZES;
  }

  @Override
  protected String id() {
    return "text-image-matching";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("margin", "0.5"), Map.of("margin", 0.0));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double m = p.real("margin");
    int n = in.shape(0)[0];
    int dim = in.shape(0)[1];
    double[] x = Naive.normalize(in.get(0), n, dim);
    double[] y = Naive.normalize(in.get(1), n, dim);
    double[] l = new double[n];
    for (int i = 0; i < n; i++) {
      double sii = Naive.dot(x, i, y, i, dim);
      for (int j = 0; j < n; j++) {
        if (j != i) {
          l[i] += Math.max(0, m + Naive.dot(x, i, y, j, dim) - sii);
          l[i] += Math.max(0, m + Naive.dot(x, j, y, i, dim) - sii);
        }
      }
    }
    return new Oracle(l, (double) n * (n - 1));
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return MetricCases.pairExtremes(r);
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return MetricCases.pairBadInputs("image", "text");
  }

  private static final Loss LOSS = Catalog.builtin().create("text-image-matching");

  @Test
  void aBatchOfOneHasNoNegatives() {
    LossResult r =
        LOSS.evaluate(
            Reduction.MEAN,
            Tensor.of(new float[] {1, 2}, 1, 2),
            Tensor.of(new float[] {-2, 1}, 1, 2));
    assertEquals(0, r.value(), 0);
    for (float g : r.grad("image").data()) {
      assertEquals(0, g, 0);
    }
  }

  @Test
  void theMeanDividesByTheNumberOfOffDiagonalPairs() {
    // Two pairs; image 0 = text 0 = (1, 0), image 1 = (0, 1), text 1 = (1, 1) / sqrt(2).
    // s = [[1, c], [0, c]] with c = 1/sqrt(2).
    double c = Math.sqrt(0.5);
    Tensor x = Tensor.of(new float[] {1, 0, 0, 1}, 2, 2);
    Tensor y = Tensor.of(new float[] {1, 0, 1, 1}, 2, 2);
    double m = 0.2;
    double l0 = Math.max(0, m + c - 1) + Math.max(0, m + 0 - 1);
    double l1 = Math.max(0, m + 0 - c) + Math.max(0, m + c - c);
    LossResult none = LOSS.evaluate(Reduction.NONE, x, y);
    assertEquals(l0, none.values().data()[0], 1e-6);
    assertEquals(l1, none.values().data()[1], 1e-6);
    assertEquals((l0 + l1) / 2, LOSS.value(Reduction.MEAN, x, y), 1e-6);
  }

  @Test
  void satisfiedHingesGiveZeroLossAndGradient() {
    float[] e = {1, 0, 0, 0, 2, 0, 0, 0, 3};
    LossResult r =
        Catalog.builtin()
            .create("matching-aware", Map.of("margin", 0.9))
            .evaluate(Reduction.SUM, Tensor.of(e, 3, 3), Tensor.of(e.clone(), 3, 3));
    assertEquals(0, r.value(), 0);
    for (float g : r.grad("text").data()) {
      assertEquals(0, g, 0);
    }
  }
}

package dev.losskit.metric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

class ClipLossTest extends LossContractTest {
  @Override
  protected int[] sizes() {
    return PAIRWISE_SIZES;
  }

  @Override
  protected String id() {
    return "clip";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("temperature", "0.5"));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double tau = p.real("temperature");
    int n = in.shape(0)[0];
    int dim = in.shape(0)[1];
    double[] x = Naive.normalize(in.get(0), n, dim);
    double[] y = Naive.normalize(in.get(1), n, dim);
    double[] l = new double[n];
    double[] row = new double[n];
    double[] col = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        row[j] = Naive.dot(x, i, y, j, dim) / tau;
        col[j] = Naive.dot(x, j, y, i, dim) / tau;
      }
      l[i] = ((Naive.logSumExp(row) - row[i]) + (Naive.logSumExp(col) - col[i])) / 2;
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return MetricCases.pairExtremes(r);
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return MetricCases.pairBadInputs("image", "text");
  }

  @Test
  void equalsTheMeanOfInfoNceInBothDirections() {
    SplittableRandom r = new SplittableRandom(4);
    Tensor x = Embeddings.sample(r, 11);
    Tensor y = Embeddings.sample(r, 11);
    Map<String, Object> tau = Map.of("temperature", 0.07);
    Loss clip = Catalog.builtin().create("clip", tau);
    Loss nce = Catalog.builtin().create("info-nce", tau);
    LossResult c = clip.evaluate(Reduction.MEAN, x, y);
    LossResult forward = nce.evaluate(Reduction.MEAN, x, y);
    LossResult backward = nce.evaluate(Reduction.MEAN, y, x);
    assertEquals((forward.value() + backward.value()) / 2, c.value(), 1e-6);
    float[] gx = c.grad("image").data();
    for (int i = 0; i < gx.length; i++) {
      double expected = (forward.grad("a").data()[i] + backward.grad("b").data()[i]) / 2.0;
      assertEquals(expected, gx[i], 1e-5 * (1 + Math.abs(expected)));
    }
  }

  @Test
  void swappingTheModalitiesSwapsTheGradients() {
    SplittableRandom r = new SplittableRandom(5);
    Tensor x = Embeddings.sample(r, 6);
    Tensor y = Embeddings.sample(r, 6);
    Loss clip = Catalog.builtin().create("audio-visual-consistency");
    LossResult xy = clip.evaluate(Reduction.NONE, x, y);
    LossResult yx = clip.evaluate(Reduction.NONE, y, x);
    assertArrayEquals(xy.values().data(), yx.values().data(), 1e-6f);
    assertArrayEquals(xy.grad("image").data(), yx.grad("text").data(), 1e-6f);
  }
}

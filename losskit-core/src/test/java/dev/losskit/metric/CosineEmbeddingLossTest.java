package dev.losskit.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

class CosineEmbeddingLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "cosine-embedding";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("margin", "0.5"), Map.of("margin", -0.3));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double m = p.real("margin");
    double[] x1 = in.get(0);
    double[] x2 = in.get(1);
    double[] y = in.get(2);
    int n = in.shape(0)[0];
    int dim = in.shape(0)[1];
    double[] l = new double[n];
    for (int i = 0; i < n; i++) {
      double n1 = Naive.norm(x1, i, dim);
      double n2 = Naive.norm(x2, i, dim);
      double c = Naive.dot(x1, i, x2, i, dim) / Math.sqrt((n1 * n1 + 1e-12) * (n2 * n2 + 1e-12));
      l[i] = y[i] == 1 ? 1 - c : Math.max(0, c - m);
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    float[] same = {1, 2, 3, -1, 0, 4};
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {0, 0, 0, 1, 2, 3, 0, 0, 0}, 3, 3),
          Tensor.of(new float[] {1, -1, 2, 0, 0, 0, 0, 0, 0}, 3, 3),
          Tensor.of(new float[] {1, -1, 1})
        },
        new Tensor[] {
          Tensor.of(same, 2, 3), Tensor.of(same.clone(), 2, 3), Tensor.of(new float[] {1, -1})
        },
        new Tensor[] {
          Tensor.of(new float[] {3e38f, -3e38f, 1e30f, 1e-30f, 0, -1e-30f}, 2, 3),
          Tensor.of(new float[] {-3e38f, 1e30f, 3e38f, 1e-30f, 1e-30f, 0}, 2, 3),
          Tensor.of(new float[] {-1, 1})
        });
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor x = Tensor.of(new float[6], 2, 3);
    return List.of(
        new BadInput(
            "label 0",
            new Tensor[] {x, x, Tensor.of(new float[] {0, 1})},
            "label",
            "-1 or +1",
            "0.0"),
        new BadInput(
            "label of another length",
            new Tensor[] {x, x, Tensor.of(new float[] {1, 1, 1})},
            "label",
            "(2)",
            "(3)"),
        new BadInput(
            "x2 of another shape",
            new Tensor[] {x, Tensor.of(new float[4], 2, 2), Tensor.of(new float[] {1, 1})},
            "x2",
            "(2, 3)"),
        new BadInput(
            "margin above 1",
            Map.of("margin", "1.5"),
            new Tensor[] {x, x, Tensor.of(new float[] {1, 1})},
            "parameter margin",
            "[-1, 1]"));
  }

  private static final Loss LOSS = Catalog.builtin().create("cosine-embedding");

  @Test
  void parallelSimilarPairsAndOrthogonalDissimilarPairsCostNothing() {
    double v =
        LOSS.value(
            Reduction.SUM,
            Tensor.of(new float[] {1, 2, 1, 0}, 2, 2),
            Tensor.of(new float[] {3, 6, 0, 5}, 2, 2),
            Tensor.of(new float[] {1, -1}));
    assertEquals(0, v, 1e-7);
  }

  @Test
  void aZeroNormRowHasCosineZeroAndAFiniteGradient() {
    LossResult r =
        LOSS.evaluate(
            Reduction.NONE,
            Tensor.of(new float[] {0, 0}, 1, 2),
            Tensor.of(new float[] {3, 4}, 1, 2),
            Tensor.of(new float[] {1}));
    assertEquals(1, r.values().data()[0], 0);
    // dc/dx1 = x2 / sqrt(1e-12 (25 + 1e-12)) = x2 / (5e-6)
    assertEquals(-3 / 5e-6, r.grad("x1").data()[0], 1);
    assertEquals(0, r.grad("x2").data()[0], 0);
    assertTrue(Float.isFinite(r.grad("x1").data()[1]));
  }

  @Test
  void dissimilarPairsPayTheCosineAboveTheMargin() {
    double v =
        Catalog.builtin()
            .create("cosine-embedding", Map.of("margin", 0.5))
            .value(
                Tensor.of(new float[] {1, 0}, 1, 2),
                Tensor.of(new float[] {0.8f, 0.6f}, 1, 2),
                Tensor.of(new float[] {-1}));
    assertEquals(0.8 - 0.5, v, 1e-6);
  }
}

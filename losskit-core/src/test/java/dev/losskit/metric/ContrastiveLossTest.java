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

class ContrastiveLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "contrastive";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("margin", "0.5"), Map.of("margin", 2.0), Map.of("margin", 0.0));
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
      double d = Naive.distance(x1, i, x2, i, dim, 2, 0);
      l[i] = y[i] * d * d + (1 - y[i]) * Math.pow(Math.max(0, m - d), 2);
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    float[] same = {1, 2, 3, -1, 0, 4};
    return List.<Tensor[]>of(
        // identical pairs (d = 0), similar and dissimilar
        new Tensor[] {
          Tensor.of(same, 2, 3), Tensor.of(same.clone(), 2, 3), Tensor.of(new float[] {1, 0})
        },
        // zero-norm embeddings
        new Tensor[] {
          Tensor.of(new float[6], 2, 3),
          Tensor.of(new float[6], 2, 3),
          Tensor.of(new float[] {0, 1})
        },
        // distances near 1e18 (values near 1e37), and a batch of one
        new Tensor[] {
          Tensor.of(new float[] {1e18f, -1e18f, 0, 1e-30f, 0, 0}, 2, 3),
          Tensor.of(new float[] {-1e18f, 1e18f, 1e18f, 0, -1e-30f, 0}, 2, 3),
          Tensor.of(new float[] {1, 0})
        },
        new Tensor[] {
          Tensor.of(new float[] {0.3f, 0.1f}, 1, 2),
          Tensor.of(new float[] {0.3f, 0.2f}, 1, 2),
          Tensor.indices(new int[] {0})
        });
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor x = Tensor.of(new float[6], 2, 3);
    return List.of(
        new BadInput(
            "x2 of another shape",
            new Tensor[] {x, Tensor.of(new float[9], 3, 3), Tensor.of(new float[2])},
            "x2",
            "(2, 3)",
            "(3, 3)"),
        new BadInput(
            "one label too many",
            new Tensor[] {x, x, Tensor.of(new float[3])},
            "label",
            "(2)",
            "(3)"),
        new BadInput(
            "label -1",
            new Tensor[] {x, x, Tensor.of(new float[] {1, -1})},
            "label",
            "0",
            "1",
            "-1.0",
            "index 1"),
        new BadInput(
            "x1 of rank 1",
            new Tensor[] {
              Tensor.of(new float[3]), Tensor.of(new float[3]), Tensor.of(new float[3])
            },
            "x1",
            "(N, D)"));
  }

  private static final Loss LOSS = Catalog.builtin().create("contrastive");

  @Test
  void similarPairsCostTheirSquaredDistance() {
    double v =
        LOSS.value(
            Reduction.SUM,
            Tensor.of(new float[] {0, 0, 3, 4}, 2, 2),
            Tensor.of(new float[] {3, 4, 3, 4}, 2, 2),
            Tensor.of(new float[] {1, 1}));
    assertEquals(25, v, 1e-9);
  }

  @Test
  void dissimilarPairsCostNothingBeyondTheMargin() {
    LossResult r =
        LOSS.evaluate(
            Reduction.NONE,
            Tensor.of(new float[] {0, 0, 0, 0}, 2, 2),
            Tensor.of(new float[] {0.6f, 0.8f, 3, 4}, 2, 2),
            Tensor.of(new float[] {0, 0}));
    // d = 1 (the margin) and d = 5: both 0; the gradient of the squared hinge is 0 at the margin.
    assertEquals(0, r.values().data()[0], 1e-7);
    assertEquals(0, r.values().data()[1], 0);
    for (float g : r.grad("x1").data()) {
      assertEquals(0, g, 1e-6);
    }
  }

  @Test
  void identicalDissimilarEmbeddingsCostTheSquaredMarginWithZeroGradient() {
    float[] e = {1, 2, 3};
    LossResult r =
        Catalog.builtin()
            .create("contrastive", Map.of("margin", 1.5))
            .evaluate(
                Reduction.SUM,
                Tensor.of(e, 1, 3),
                Tensor.of(e.clone(), 1, 3),
                Tensor.of(new float[] {0}));
    assertEquals(2.25, r.value(), 1e-12);
    for (float g : r.grad("x1").data()) {
      assertEquals(0, g, 0);
    }
  }

  @Test
  void dissimilarGradientPushesThePairApart() {
    // d = 0.5 < margin 1: dl/dx1 = -2 (1 - 0.5) (x1 - x2) / 0.5 = -2 (x1 - x2).
    LossResult r =
        LOSS.evaluate(
            Reduction.SUM,
            Tensor.of(new float[] {0.3f, 0.4f}, 1, 2),
            Tensor.of(new float[] {0, 0}, 1, 2),
            Tensor.of(new float[] {0}));
    assertEquals(-0.6, r.grad("x1").data()[0], 1e-6);
    assertEquals(-0.8, r.grad("x1").data()[1], 1e-6);
    assertEquals(0.6, r.grad("x2").data()[0], 1e-6);
  }
}

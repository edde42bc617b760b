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

class MarginRankingLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "margin-ranking";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("margin", "0.5"), Map.of("margin", -0.25));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double m = p.real("margin");
    double[] x1 = in.get(0);
    double[] x2 = in.get(1);
    double[] y = in.get(2);
    double[] l = new double[x1.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = Math.max(0, -y[i] * (x1[i] - x2[i]) + m);
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {1e38f, -1e38f, 0, 1e-30f}),
          Tensor.of(new float[] {-1e38f, 1e38f, 0, 0}),
          Tensor.of(new float[] {-1, 1, 1, -1})
        },
        new Tensor[] {
          Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3),
          Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3),
          Tensor.of(new float[] {1, -1, 1, -1, 1, -1}, 2, 3)
        });
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor x = Tensor.of(new float[] {1, 2, 3});
    return List.of(
        new BadInput(
            "label of another shape",
            new Tensor[] {x, x, Tensor.of(new float[] {1, 1})},
            "label",
            "(3)",
            "(2)"),
        new BadInput(
            "x2 of another shape",
            new Tensor[] {
              x, Tensor.of(new float[] {1, 2, 3}, 3, 1), Tensor.of(new float[] {1, 1, 1})
            },
            "x2",
            "(3, 1)"),
        new BadInput(
            "label 0",
            new Tensor[] {x, x, Tensor.of(new float[] {1, 0, -1})},
            "label",
            "-1 or +1",
            "0.0"));
  }

  @Test
  void tiesAtTheKinkPassTheGradientAsPyTorch() {
    // x1 = x2 with margin 0: value 0, and PyTorch gives dl/dx1 = -y, dl/dx2 = y.
    Tensor x = Tensor.of(new float[] {1, 2});
    LossResult r =
        Catalog.builtin()
            .create("ranking")
            .evaluate(Reduction.SUM, x, x, Tensor.of(new float[] {1, -1}));
    assertEquals(0, r.value(), 0);
    assertEquals(-1, r.grad("x1").data()[0], 0);
    assertEquals(1, r.grad("x1").data()[1], 0);
    assertEquals(1, r.grad("x2").data()[0], 0);
  }

  @Test
  void correctlyOrderedPairsBeyondTheMarginCostNothing() {
    double v =
        Catalog.builtin()
            .create("margin-ranking", Map.of("margin", 1))
            .value(
                Tensor.of(new float[] {3, 0}),
                Tensor.of(new float[] {1, 0.5f}),
                Tensor.of(new float[] {1, 1}));
    assertEquals((0 + 1.5) / 2, v, 1e-7);
  }
}

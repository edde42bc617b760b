package dev.losskit.classification;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

class MultiMarginLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "multi-margin";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("margin", "0.5"),
        Map.of("power", "2"),
        Map.of("margin", 2.0, "power", 2L),
        Map.of("margin", "0"),
        Map.of("margin", "-0.5"));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double margin = p.real("margin");
    long power = p.integer("power");
    double[] x = in.get(0);
    double[] y = in.get(1);
    double[] w = in.get(2);
    int[] shape = in.shape(0);
    int classes = shape[shape.length - 1];
    double[] l = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      int label = (int) y[i];
      double s = 0;
      for (int c = 0; c < classes; c++) {
        if (c != label) {
          s += Math.pow(Math.max(0, margin - x[i * classes + label] + x[i * classes + c]), power);
        }
      }
      l[i] = (w == null ? 1 : w[label]) * s / classes;
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    float huge = p.integer("power") == 2 ? 1e18f : 3e37f;
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(
              new float[] {1000, -1000, 0, -1000, 1000, 0, huge, -huge, 0, -huge, huge, huge},
              4,
              3),
          Tensor.indices(new int[] {0, 0, 2, 0}),
          Tensor.of(new float[] {0, 1, 2})
        },
        new Tensor[] {Tensor.of(new float[0], 0, 3), Tensor.indices(new int[0]), null});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor pred = Tensor.of(new float[6], 2, 3);
    Tensor y = Tensor.indices(new int[] {0, 2});
    return List.of(
        new BadInput(
            "class index out of range",
            new Tensor[] {pred, Tensor.indices(new int[] {0, 3})},
            "target",
            "[0, 3)",
            "found 3"),
        new BadInput(
            "negative class index",
            new Tensor[] {pred, Tensor.indices(new int[] {-1, 0})},
            "target",
            "found -1"),
        new BadInput(
            "floating target",
            new Tensor[] {pred, Tensor.of(new float[] {0, 1})},
            "target",
            "class indices"),
        new BadInput(
            "target of the wrong length",
            new Tensor[] {pred, Tensor.indices(new int[] {0, 1, 2})},
            "target",
            "(2)",
            "(3)"),
        new BadInput(
            "target of more than one value for a single sample",
            new Tensor[] {Tensor.of(new float[3]), Tensor.indices(new int[] {0, 1})},
            "target",
            "() or (1)"),
        new BadInput(
            "pred of rank 3",
            new Tensor[] {Tensor.of(new float[12], 2, 3, 2), y},
            "pred",
            "(N, C) or (C)"),
        new BadInput(
            "weight of the wrong length",
            new Tensor[] {pred, y, Tensor.of(new float[] {1, 1})},
            "weight",
            "(3)",
            "(2)"),
        new BadInput(
            "negative weight",
            new Tensor[] {pred, y, Tensor.of(new float[] {1, -1, 1})},
            "weight",
            "non-negative",
            "-1.0"),
        new BadInput(
            "NaN weight",
            new Tensor[] {pred, y, Tensor.of(new float[] {1, Float.NaN, 1})},
            "weight",
            "NaN"),
        new BadInput("power 3", Map.of("power", "3"), new Tensor[] {pred, y}, "power", "3"));
  }

  private static Loss loss(Map<String, ?> params) {
    return Catalog.builtin().create("multi-margin", params);
  }

  @Test
  void onlyPowersOneAndTwoAsInPyTorch() {
    for (String bad : List.of("0", "3", "1.5")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> loss(Map.of("power", bad)));
      assertTrue(e.getMessage().contains("power") && e.getMessage().contains(bad), e.getMessage());
    }
  }

  @Test
  void aSingleSampleOfRankOneHasTheShapeOfItsTarget() {
    Tensor row = Tensor.of(new float[] {0.3f, 1.2f, -0.4f, 0.9f});
    Tensor batch = Tensor.of(new float[] {0.3f, 1.2f, -0.4f, 0.9f}, 1, 4);
    Loss l = loss(Map.of());
    LossResult scalar = l.evaluate(Reduction.NONE, row, Tensor.integral(new float[] {1}));
    LossResult one = l.evaluate(Reduction.NONE, row, Tensor.indices(new int[] {1}));
    LossResult two = l.evaluate(Reduction.NONE, batch, Tensor.indices(new int[] {1}));
    // The unreduced shape is the target's: () for a 0-d target, (1) for a 1-d one.
    assertArrayEquals(
        new int[0], l.check(new Tensor[] {row, Tensor.integral(new float[] {1}), null}));
    assertArrayEquals(
        new int[] {1}, l.check(new Tensor[] {row, Tensor.indices(new int[] {1}), null}));
    assertArrayEquals(new int[] {1}, one.values().shape());
    // z = 1 - 1.2 + c: 0.1, 0 (kink excluded), 0.7 over C = 4 classes.
    assertEquals((0.1 + 0.7) / 4, scalar.value(), 1e-6);
    assertEquals(two.value(), scalar.value(), 0.0);
    assertArrayEquals(two.grad(0).data(), scalar.grad(0).data(), 0f);
  }

  @Test
  void theMeanDividesBySamplesNotByTheWeightOfTheirClasses() {
    Tensor pred = Tensor.of(new float[] {0, 0, 0, 0, 0, 0}, 2, 3);
    Tensor y = Tensor.indices(new int[] {0, 2});
    Tensor w = Tensor.of(new float[] {3, 1, 0.5f});
    Loss l = loss(Map.of());
    // Each sample: w_y * (1 + 1) / 3.
    double s0 = 3 * 2 / 3.0;
    double s1 = 0.5 * 2 / 3.0;
    assertEquals(s0 + s1, l.value(Reduction.SUM, pred, y, w), 1e-6);
    assertEquals((s0 + s1) / 2, l.value(Reduction.MEAN, pred, y, w), 1e-6);
  }

  @Test
  void aViolationExactlyAtTheKinkContributesNothing() {
    // margin 0 and tied scores: z = 0 for class 1, as PyTorch's strict z > 0.
    Tensor pred = Tensor.of(new float[] {1, 2, 2}, 1, 3);
    LossResult res =
        loss(Map.of("margin", "0")).evaluate(Reduction.SUM, pred, Tensor.indices(new int[] {2}));
    assertEquals(0, res.value(), 0.0);
    assertArrayEquals(new float[] {0, 0, 0}, res.grad(0).data(), 0f);
    // PyTorch: multi_margin_loss([[1., 2., 3.]], [0], margin=0) = 1 with gradient [-2/3, 1/3, 1/3].
    LossResult res2 =
        loss(Map.of("margin", "0"))
            .evaluate(
                Reduction.MEAN,
                Tensor.of(new float[] {1, 2, 3}, 1, 3),
                Tensor.indices(new int[] {0}));
    assertEquals(1, res2.value(), 1e-6);
    assertArrayEquals(new float[] {-2f / 3, 1f / 3, 1f / 3}, res2.grad(0).data(), 1e-6f);
  }
}

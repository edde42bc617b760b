package dev.losskit.classification;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

class ZeroOneLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "zero-one";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("threshold", "0"), Map.of("threshold", 0.3), Map.of("threshold", "-2.5"));
  }

  /** Binary: [(x > threshold) != (t == 1)]. */
  static double[] binary(double[] x, double[] t, double threshold) {
    double[] l = new double[x.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = (x[i] > threshold) == (t[i] == 1) ? 0 : 1;
    }
    return l;
  }

  /** Multi-class over x (N, C, inner) and t (N, inner): [first argmax over c != t]. */
  static double[] multiClass(double[] x, double[] t, int n, int classes, int inner) {
    double[] l = new double[n * inner];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < inner; j++) {
        int arg = 0;
        for (int c = 1; c < classes; c++) {
          if (x[(i * classes + c) * inner + j] > x[(i * classes + arg) * inner + j]) {
            arg = c;
          }
        }
        l[i * inner + j] = arg == (int) t[i * inner + j] ? 0 : 1;
      }
    }
    return l;
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    int[] ps = in.shape(0);
    if (in.integral(1) && ps.length == in.shape(1).length + 1) {
      int inner = 1;
      for (int d = 2; d < ps.length; d++) {
        inner *= ps[d];
      }
      return Oracle.of(multiClass(in.get(0), in.get(1), ps[0], ps[1], inner));
    }
    return Oracle.of(binary(in.get(0), in.get(1), p.real("threshold")));
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {0, 1, 0, 1, 0.5f, 3e38f, -3e38f, 1000, -1000}),
          Tensor.of(new float[] {0, 1, 1, 0, 1, -1, 0, 1, -1})
        },
        new Tensor[] {
          Tensor.of(new float[] {3e38f, -3e38f, -3e38f, 3e38f, 0, 0, 0, 0}, 1, 2, 2, 2),
          Tensor.indices(new int[] {0, 1, 0, 0}, 1, 2, 2)
        },
        new Tensor[] {Tensor.of(new float[0]), Tensor.of(new float[0])});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "label 2",
            new Tensor[] {Tensor.of(new float[3]), Tensor.of(new float[] {0, 2, 1})},
            "target",
            "1, 0 or -1",
            "2.0"),
        new BadInput(
            "soft label",
            new Tensor[] {Tensor.of(new float[2]), Tensor.of(new float[] {0.5f, 1})},
            "target",
            "0.5"),
        new BadInput(
            "binary target of another shape",
            new Tensor[] {Tensor.of(new float[6], 2, 3), Tensor.of(new float[6], 3, 2)},
            "target",
            "(2, 3)",
            "(3, 2)"),
        new BadInput(
            "floating labels one rank short",
            new Tensor[] {Tensor.of(new float[6], 2, 3), Tensor.of(new float[2], 2)},
            "target",
            "integer tensor"),
        new BadInput(
            "class index out of range",
            new Tensor[] {Tensor.of(new float[6], 2, 3), Tensor.indices(new int[] {0, 3})},
            "target",
            "[0, 3)",
            "found 3"),
        new BadInput(
            "class indices of the wrong shape",
            new Tensor[] {
              Tensor.of(new float[12], 2, 3, 2), Tensor.indices(new int[] {0, 1, 2, 0}, 4, 1)
            },
            "target",
            "(2, 2)",
            "(4, 1)"),
        new BadInput(
            "class indices for a rank-1 pred",
            new Tensor[] {Tensor.of(new float[3]), Tensor.integral(new float[] {1})},
            "pred",
            "(N, C, d1, ..., dk)"));
  }

  private static Loss loss(Map<String, ?> params) {
    return Catalog.builtin().create("zero-one", params);
  }

  @Test
  void aScoreAtTheThresholdPredictsTheNegativeClass() {
    Tensor pred = Tensor.of(new float[] {0.5f, 0.5f, 0.5f, 0.50000006f});
    Tensor target = Tensor.of(new float[] {1, 0, -1, 1});
    LossResult res = loss(Map.of()).evaluate(Reduction.NONE, pred, target);
    assertArrayEquals(new float[] {1, 0, 0, 0}, res.values().data(), 0f);
    Tensor scores = Tensor.of(new float[] {0, -0f, 1e-30f});
    Tensor labels = Tensor.of(new float[] {1, -1, 1});
    assertArrayEquals(
        new float[] {1, 0, 0},
        loss(Map.of("threshold", "0")).evaluate(Reduction.NONE, scores, labels).values().data(),
        0f);
  }

  @Test
  void minusOneAndZeroAreTheSameNegativeLabel() {
    Tensor pred = Tensor.of(new float[] {0.1f, 0.9f, 0.2f, 0.8f, 0.5f});
    Tensor zero = Tensor.of(new float[] {0, 0, 1, 1, 0});
    Tensor minus = Tensor.of(new float[] {-1, -1, 1, 1, -1});
    Tensor integral = Tensor.indices(new int[] {0, 0, 1, 1, 0});
    double expected = 2.0 / 5;
    assertEquals(expected, loss(Map.of()).value(pred, zero), 1e-12);
    assertEquals(expected, loss(Map.of()).value(pred, minus), 1e-12);
    assertEquals(expected, loss(Map.of()).value(pred, integral), 1e-12);
  }

  @Test
  void multiClassAgreesWithTheOracleOnSpatialInputs() {
    SplittableRandom r = new SplittableRandom(77);
    for (int[] shape : new int[][] {{1, 3}, {7, 4}, {33, 5}, {2, 3, 4, 5}, {3, 4, 7}}) {
      int n = shape[0];
      int classes = shape[1];
      int[] tShape = new int[shape.length - 1];
      tShape[0] = n;
      int inner = 1;
      for (int d = 2; d < shape.length; d++) {
        tShape[d - 1] = shape[d];
        inner *= shape[d];
      }
      Tensor pred = Samples.normal(r, 1, shape);
      Tensor target = Samples.classes(r, classes, tShape);
      double[] expected =
          multiClass(
              MarginTestSupport.doubles(pred.data()),
              MarginTestSupport.doubles(target.data()),
              n,
              classes,
              inner);
      Loss l = loss(Map.of("threshold", "0.9"));
      LossResult none = l.evaluate(Reduction.NONE, pred, target);
      assertArrayEquals(tShape, none.values().shape());
      assertArrayEquals(MarginTestSupport.doubles(none.values().data()), expected, 0.0);
      double s = MarginTestSupport.sum(expected);
      assertEquals(s, l.value(Reduction.SUM, pred, target), 0.0);
      assertEquals(s / expected.length, l.value(Reduction.MEAN, pred, target), 1e-12);
    }
  }

  @Test
  void aTieForTheLargestScoreGoesToTheFirstClass() {
    Tensor pred = Tensor.of(new float[] {0.2f, 0.4f, 0.4f, 0.3f, 0.3f, 0.3f}, 2, 3);
    LossResult res =
        loss(Map.of()).evaluate(Reduction.NONE, pred, Tensor.indices(new int[] {2, 0}));
    assertArrayEquals(new float[] {1, 0}, res.values().data(), 0f);
  }

  @Test
  void reportsNoGradient() {
    Tensor pred = Tensor.of(new float[] {0.2f, 0.7f});
    Tensor target = Tensor.of(new float[] {1, 1});
    Loss l = loss(Map.of());
    LossResult res = l.evaluate(Reduction.MEAN, pred, target);
    assertEquals(0.5, res.value(), 0.0);
    assertNull(res.grad(0));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                l.evaluate(
                    Reduction.MEAN,
                    new Tensor[] {pred, target},
                    null,
                    new float[][] {new float[2], null}));
    assertTrue(e.getMessage().contains("not differentiable"), e.getMessage());
  }
}

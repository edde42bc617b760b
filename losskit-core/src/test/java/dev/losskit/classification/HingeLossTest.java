package dev.losskit.classification;

import static dev.losskit.classification.MarginTestSupport.assertClose;
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
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HingeLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "hinge";
  }

  /** max(0, 1 - y x), y = t with 0 read as -1. */
  static double[] hinge(double[] x, double[] t) {
    double[] l = new double[x.length];
    for (int i = 0; i < l.length; i++) {
      double y = t[i] == 0 ? -1 : t[i];
      l[i] = Math.max(0, 1 - y * x[i]);
    }
    return l;
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    return Oracle.of(hinge(in.get(0), in.get(1)));
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {1000, -1000, 1000, -1000, 1e30f, -1e30f, 3e38f, -3e38f, 0, 1, -1}),
          Tensor.of(new float[] {1, 1, -1, -1, -1, 0, 1, 1, 0, 1, -1})
        },
        new Tensor[] {Tensor.of(new float[0]), Tensor.of(new float[0])});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "target of another shape",
            new Tensor[] {
              Tensor.of(new float[6], 2, 3), Tensor.of(new float[] {1, 1, 1, 1, 1, 1}, 3, 2)
            },
            "target",
            "(2, 3)",
            "(3, 2)"),
        new BadInput(
            "label 2",
            new Tensor[] {Tensor.of(new float[3]), Tensor.of(new float[] {1, 2, -1})},
            "target",
            "labels -1 or +1",
            "2.0"),
        new BadInput(
            "soft label",
            new Tensor[] {Tensor.of(new float[2]), Tensor.of(new float[] {0.5f, 1})},
            "target",
            "0.5"));
  }

  private static Loss loss() {
    return Catalog.builtin().create("hinge");
  }

  @Test
  void zeroLabelsAreReadAsMinusOne() {
    Tensor pred = Tensor.of(new float[] {-2.5f, -0.3f, 0.4f, 1.7f, 0.9f, -1.2f});
    Tensor zeroOne = Tensor.of(new float[] {0, 1, 0, 1, 0, 0});
    Tensor signs = Tensor.of(new float[] {-1, 1, -1, 1, -1, -1});
    for (Reduction red : List.of(Reduction.MEAN, Reduction.SUM, Reduction.NONE)) {
      LossResult a = loss().evaluate(red, pred, zeroOne);
      LossResult b = loss().evaluate(red, pred, signs);
      assertEquals(b.value(), a.value(), 0.0);
      assertArrayEquals(b.grad(0).data(), a.grad(0).data(), 0f);
    }
    assertEquals((0 + 1.3 + 1.4 + 0 + 1.9 + 0) / 6, loss().value(pred, zeroOne), 1e-6);
  }

  @Test
  void kerasDocumentedValue() {
    // keras.losses.Hinge()([[0., 1.], [0., 0.]], [[0.6, 0.4], [0.4, 0.6]]) == 1.3 in Keras's
    // documentation.
    Tensor pred = Tensor.of(new float[] {0.6f, 0.4f, 0.4f, 0.6f}, 2, 2);
    Tensor target = Tensor.of(new float[] {0, 1, 0, 0}, 2, 2);
    assertEquals(1.3, loss().value(pred, target), 1e-6);
  }

  @Test
  void gradientIsMinusTheLabelInsideTheMarginAndZeroAtAndBeyondIt() {
    Tensor pred = Tensor.of(new float[] {0.5f, 1f, 2f, -0.5f, -1f, -2f, 1000f});
    Tensor target = Tensor.of(new float[] {1, 1, 1, -1, -1, -1, -1});
    LossResult res = loss().evaluate(Reduction.SUM, pred, target);
    assertArrayEquals(new float[] {-1, 0, 0, 1, 0, 0, 1}, res.grad(0).data(), 0f);
    assertClose(0.5 + 0.5 + 1001, res.value(), 1e-12, 0, "sum");
  }
}

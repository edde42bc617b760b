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

class SquaredHingeLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "squared-hinge";
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[] x = in.get(0);
    double[] t = in.get(1);
    double[] l = new double[x.length];
    for (int i = 0; i < l.length; i++) {
      double y = t[i] == 0 ? -1 : t[i];
      double z = Math.max(0, 1 - y * x[i]);
      l[i] = z * z;
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {1000, -1000, 1000, -1000, 1e18f, -1e18f, 1e30f, 0, 1, -1}),
          Tensor.of(new float[] {1, 1, -1, -1, -1, 0, 1, 0, 1, -1})
        });
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "target of another shape",
            new Tensor[] {Tensor.of(new float[4], 4), Tensor.of(new float[] {1, 1, 1}, 3)},
            "target",
            "(4)",
            "(3)"),
        new BadInput(
            "label 3",
            new Tensor[] {Tensor.of(new float[2]), Tensor.of(new float[] {3, -1})},
            "target",
            "labels -1 or +1",
            "3.0"));
  }

  private static Loss loss() {
    return Catalog.builtin().create("squared-hinge");
  }

  @Test
  void kerasDocumentedValue() {
    // keras.losses.SquaredHinge()([[0., 1.], [0., 0.]], [[0.6, 0.4], [0.4, 0.6]]) == 1.86 in
    // Keras's documentation.
    Tensor pred = Tensor.of(new float[] {0.6f, 0.4f, 0.4f, 0.6f}, 2, 2);
    Tensor target = Tensor.of(new float[] {0, 1, 0, 0}, 2, 2);
    assertEquals(1.86, loss().value(pred, target), 1e-6);
  }

  @Test
  void isTheSquareOfHingeAndItsGradientTwiceHingeTimesHingeGradient() {
    Tensor pred = Tensor.of(new float[] {-2.5f, -0.3f, 0.4f, 1.7f, 0.9f, -1.2f, 1f});
    Tensor target = Tensor.of(new float[] {0, 1, -1, 1, 1, 0, 1});
    Loss hinge = Catalog.builtin().create("hinge");
    LossResult h = hinge.evaluate(Reduction.NONE, pred, target);
    LossResult s = loss().evaluate(Reduction.NONE, pred, target);
    for (int i = 0; i < pred.size(); i++) {
      double hv = h.values().data()[i];
      assertClose(hv * hv, s.values().data()[i], 1e-6, 0, "value " + i);
      assertClose(2 * hv * h.grad(0).data()[i], s.grad(0).data()[i], 1e-6, 0, "gradient " + i);
    }
  }

  @Test
  void gradientIsContinuousAtTheMargin() {
    Tensor pred = Tensor.of(new float[] {1f, -1f, 0.999f});
    Tensor target = Tensor.of(new float[] {1, -1, 1});
    LossResult res = loss().evaluate(Reduction.SUM, pred, target);
    assertArrayEquals(new float[] {0, 0, -0.002f}, res.grad(0).data(), 1e-6f);
  }
}

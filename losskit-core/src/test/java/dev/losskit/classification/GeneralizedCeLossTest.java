package dev.losskit.classification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.LossResult;
import dev.losskit.LossSpec;
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

class GeneralizedCeLossTest extends LossContractTest {
  private static final LossSpec S = GeneralizedCeLoss.SPEC;

  @Override
  protected String id() {
    return "generalized-ce";
  }

  static Oracle naive(double[] x, int[] shape, double[] t, double qexp) {
    int classes = shape.length == 1 ? shape[0] : shape[1];
    int inner = 1;
    for (int d = 2; d < shape.length; d++) {
      inner *= shape[d];
    }
    double[] l = new double[t.length];
    for (int row = 0; row < t.length; row++) {
      int n = row / inner;
      int j = row % inner;
      double z = 0;
      for (int c = 0; c < classes; c++) {
        z += Math.exp(x[(n * classes + c) * inner + j]);
      }
      double q = Math.exp(x[(n * classes + (int) t[row]) * inner + j]) / z;
      l[row] = (1 - Math.pow(q, qexp)) / qexp;
    }
    return Oracle.of(l);
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    return naive(in.get(0), in.shape(0), in.get(1), p.real("qexp"));
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("qexp", 1.0), Map.of("qexp", "0.1"), Map.of("qexp", 0.5), Map.of("qexp", 1e-3));
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    Tensor pred =
        Tensor.of(new float[] {1000f, -1000f, 0f, -1000f, 1000f, 1000f, 5000f, -5000f, 0f}, 3, 3);
    return List.<Tensor[]>of(
        new Tensor[] {pred, Tensor.indices(new int[] {0, 1, 1}, 3)},
        new Tensor[] {pred, Tensor.indices(new int[] {1, 0, 2}, 3)},
        new Tensor[] {Samples.normal(r, 1000, 2, 3, 2, 2), Samples.classes(r, 3, 2, 2, 2)},
        new Tensor[] {Tensor.of(new float[0], 0, 3), Tensor.indices(new int[0], 0)});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor pred = Samples.normal(r, 1, 3, 4);
    return List.of(
        new BadInput(
            "class index out of range",
            new Tensor[] {pred, Tensor.indices(new int[] {0, 4, 1}, 3)},
            "target",
            "found 4",
            "C = 4"),
        new BadInput(
            "no ignore-index: -100 is out of range",
            new Tensor[] {pred, Tensor.indices(new int[] {0, -100, 1}, 3)},
            "target",
            "found -100"),
        new BadInput(
            "target of another shape",
            new Tensor[] {pred, Tensor.indices(new int[] {0, 1}, 2)},
            "target",
            "(3)",
            "(2)"),
        new BadInput(
            "floating target",
            new Tensor[] {pred, Tensor.of(new float[] {0f, 1f, 2f}, 3)},
            "target",
            "integer"),
        new BadInput(
            "scalar pred",
            new Tensor[] {Tensor.scalar(1f), Tensor.integral(new float[] {0f})},
            "pred",
            "()"));
  }

  // ---------------------------------------------------------------- beyond the contract

  @Test
  void spatialAndUnbatchedLayoutsMatchTheOracle() {
    SplittableRandom r = new SplittableRandom(9);
    for (int[] shape : new int[][] {{2, 3, 5}, {2, 4, 2, 3}, {4}}) {
      Tensor pred = Samples.normal(r, 2, shape);
      Tensor target =
          shape.length == 1
              ? Tensor.integral(new float[] {3f})
              : Samples.classes(r, shape[1], dev.losskit.Shapes.drop(shape, 1));
      SoftmaxOracleCheck.check(
          S.create(),
          new Tensor[] {pred, target},
          x -> naive(x[0], shape, x[1], 0.7),
          dev.losskit.Shapes.toString(shape));
    }
  }

  @Test
  void qexpOneIsOneMinusTheTargetProbability() {
    Tensor pred = Tensor.of(new float[] {0f, (float) Math.log(3), 0.5f, 0.5f}, 2, 2);
    Tensor target = Tensor.indices(new int[] {1, 0}, 2);
    // q = (0.25, 0.75) and (0.5, 0.5): 1 - q_y = 0.25 and 0.5.
    assertEquals(0.75 / 2, S.create(Map.of("qexp", 1)).value(pred, target), 1e-7);
  }

  @Test
  void smallQexpApproachesCrossEntropy() {
    SplittableRandom r = new SplittableRandom(5);
    Tensor pred = Samples.normal(r, 2, 8, 5);
    Tensor target = Samples.classes(r, 5, 8);
    double ce = CrossEntropyLoss.SPEC.create().value(pred, target);
    assertEquals(ce, S.create(Map.of("qexp", 1e-6)).value(pred, target), 1e-4 * ce);
  }

  @Test
  void theLossIsBoundedByOneOverQexpAndItsGradientVanishesOnHopelessRows() {
    Tensor pred = Tensor.of(new float[] {1000f, -1000f}, 1, 2);
    LossResult res =
        S.create(Map.of("qexp", 0.5))
            .evaluate(Reduction.SUM, pred, Tensor.indices(new int[] {1}, 1));
    assertEquals(2.0, res.value(), 0);
    for (float g : res.grad(0).data()) {
      assertEquals(0f, g, 0f);
    }
    assertTrue(
        S.create(Map.of("qexp", 0.5))
                .value(Tensor.of(new float[] {3f, -3f}, 1, 2), Tensor.indices(new int[] {1}, 1))
            < 2);
  }
}

package dev.losskit.classification;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

class SymmetricCeLossTest extends LossContractTest {
  private static final LossSpec S = SymmetricCeLoss.SPEC;

  @Override
  protected String id() {
    return "symmetric-ce";
  }

  /** a CE + b RCE with RCE = -sum_c q_c log(t_c) over the one-hot label, log 0 clamped at A. */
  static Oracle naive(double[] x, int[] shape, double[] t, double a, double b, double clampA) {
    int classes = shape.length == 1 ? shape[0] : shape[1];
    int inner = 1;
    for (int d = 2; d < shape.length; d++) {
      inner *= shape[d];
    }
    double[] l = new double[t.length];
    for (int row = 0; row < t.length; row++) {
      int n = row / inner;
      int j = row % inner;
      int y = (int) t[row];
      double z = 0;
      for (int c = 0; c < classes; c++) {
        z += Math.exp(x[(n * classes + c) * inner + j]);
      }
      double ce = -Math.log(Math.exp(x[(n * classes + y) * inner + j]) / z);
      double rce = 0;
      for (int c = 0; c < classes; c++) {
        double qc = Math.exp(x[(n * classes + c) * inner + j]) / z;
        double onehot = c == y ? 1 : 0;
        rce -= qc * Math.max(Math.log(onehot), clampA);
      }
      l[row] = a * ce + b * rce;
    }
    return Oracle.of(l);
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    return naive(in.get(0), in.shape(0), in.get(1), p.real("a"), p.real("b"), p.real("A"));
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("a", 1.0, "b", 0.0),
        Map.of("a", "0", "b", "1"),
        Map.of("A", Math.log(1e-4)),
        Map.of("a", 0.5, "b", 2.5, "A", "-1"));
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    Tensor pred =
        Tensor.of(new float[] {1000f, -1000f, 0f, -1000f, 1000f, 1000f, 5000f, -5000f, 0f}, 3, 3);
    return List.<Tensor[]>of(
        new Tensor[] {pred, Tensor.indices(new int[] {0, 1, 1}, 3)},
        new Tensor[] {pred, Tensor.indices(new int[] {1, 0, 2}, 3)},
        new Tensor[] {Samples.normal(r, 1000, 2, 3, 2, 2), Samples.classes(r, 3, 2, 2, 2)});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor pred = Samples.normal(r, 1, 3, 4);
    return List.of(
        new BadInput(
            "class index out of range",
            new Tensor[] {pred, Tensor.indices(new int[] {0, 9, 1}, 3)},
            "target",
            "found 9",
            "C = 4"),
        new BadInput(
            "target of another shape",
            new Tensor[] {pred, Tensor.indices(new int[] {0, 1, 1, 1}, 4)},
            "target",
            "(3)",
            "(4)"),
        new BadInput(
            "floating target",
            new Tensor[] {pred, Tensor.of(new float[] {0f, 1f, 2f}, 3)},
            "target",
            "integer"),
        new BadInput(
            "A of zero",
            Map.of("A", 0),
            new Tensor[] {pred, Tensor.indices(new int[] {0, 1, 2}, 3)},
            "A",
            "< 0"));
  }

  // ---------------------------------------------------------------- beyond the contract

  @Test
  void spatialAndUnbatchedLayoutsMatchTheOracle() {
    SplittableRandom r = new SplittableRandom(19);
    for (int[] shape : new int[][] {{2, 3, 5}, {2, 4, 2, 3}, {4}}) {
      Tensor pred = Samples.normal(r, 2, shape);
      Tensor target =
          shape.length == 1
              ? Tensor.integral(new float[] {1f})
              : Samples.classes(r, shape[1], dev.losskit.Shapes.drop(shape, 1));
      SoftmaxOracleCheck.check(
          S.create(),
          new Tensor[] {pred, target},
          x -> naive(x[0], shape, x[1], 0.1, 1.0, -4),
          dev.losskit.Shapes.toString(shape));
    }
  }

  @Test
  void withoutTheReverseTermItIsCrossEntropy() {
    SplittableRandom r = new SplittableRandom(2);
    Tensor pred = Samples.normal(r, 2, 7, 4);
    Tensor target = Samples.classes(r, 4, 7);
    LossResult ce = CrossEntropyLoss.SPEC.create().evaluate(Reduction.MEAN, pred, target);
    LossResult sce = S.create(Map.of("a", 1, "b", 0)).evaluate(Reduction.MEAN, pred, target);
    assertEquals(ce.value(), sce.value(), 1e-6 * Math.abs(ce.value()));
    for (int i = 0; i < pred.size(); i++) {
      assertEquals(ce.grad(0).data()[i], sce.grad(0).data()[i], 1e-7f);
    }
  }

  @Test
  void theReverseTermIsMinusATimesOneMinusTheTargetProbability() {
    // q = (0.25, 0.75): RCE = 4 (1 - 0.75) = 1 with A = -4; a CE adds 0.1 (-log 0.75).
    Tensor pred = Tensor.of(new float[] {0f, (float) Math.log(3)}, 1, 2);
    Tensor target = Tensor.indices(new int[] {1}, 1);
    assertEquals(1.0, S.create(Map.of("a", 0)).value(pred, target), 1e-7);
    assertEquals(1.0 - 0.1 * Math.log(0.75), S.create().value(pred, target), 1e-7);
    assertEquals(
        -Math.log(1e-4) * 0.25,
        S.create(Map.of("a", 0, "A", Math.log(1e-4))).value(pred, target),
        1e-6);
  }

  @Test
  void parameterAIsCaseSensitiveAndDistinctFromA() {
    assertEquals(2, S.params(Map.of("a", 2, "A", -2)).real("a"), 0);
    assertEquals(-2, S.params(Map.of("a", 2, "A", -2)).real("A"), 0);
  }
}

package dev.losskit.classification;

import static dev.losskit.classification.MarginTestSupport.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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

class PerceptronLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "perceptron";
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[] x = in.get(0);
    double[] t = in.get(1);
    double[] l = new double[x.length];
    for (int i = 0; i < l.length; i++) {
      double y = t[i] == 0 ? -1 : t[i];
      l[i] = Math.max(0, -y * x[i]);
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {1000, -1000, 1000, -1000, 3e38f, -3e38f, 0, 0}),
          Tensor.of(new float[] {1, 1, -1, 0, -1, 1, 1, -1})
        });
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "target of another shape",
            new Tensor[] {Tensor.of(new float[6], 2, 3), Tensor.of(new float[6], 6)},
            "target",
            "(2, 3)",
            "(6)"),
        new BadInput(
            "label -2",
            new Tensor[] {Tensor.of(new float[2]), Tensor.of(new float[] {1, -2})},
            "target",
            "labels -1 or +1",
            "-2.0"));
  }

  private static Loss loss() {
    return Catalog.builtin().create("perceptron");
  }

  @Test
  void onlyMistakesCostAndTheBoundaryHasZeroGradient() {
    Tensor pred = Tensor.of(new float[] {0.5f, -0.5f, 0f, 0f, -3f, 3f});
    Tensor target = Tensor.of(new float[] {1, 1, 1, 0, 0, 0});
    LossResult res = loss().evaluate(Reduction.SUM, pred, target);
    assertArrayEquals(new float[] {0, -1, 0, 0, 0, 1}, res.grad(0).data(), 0f);
    assertClose(0.5 + 3, res.value(), 1e-12, 0, "sum");
  }

  @Test
  void equalsHingeWithTheScoreShiftedByTheLabel() {
    // max(0, -y p) = max(0, 1 - y (p + y)) for y in {-1, +1}.
    SplittableRandom r = new SplittableRandom(21);
    int n = 37;
    float[] p = new float[n];
    float[] y = new float[n];
    float[] shifted = new float[n];
    for (int i = 0; i < n; i++) {
      p[i] = (float) (r.nextDouble() * 6 - 3);
      y[i] = r.nextBoolean() ? 1 : -1;
      shifted[i] = p[i] + y[i];
    }
    Loss hinge = Catalog.builtin().create("hinge");
    LossResult a = loss().evaluate(Reduction.NONE, Tensor.of(p), Tensor.of(y));
    LossResult b = hinge.evaluate(Reduction.NONE, Tensor.of(shifted), Tensor.of(y));
    assertArrayEquals(b.values().data(), a.values().data(), 1e-6f);
    assertArrayEquals(b.grad(0).data(), a.grad(0).data(), 0f);
  }
}

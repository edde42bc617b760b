package dev.losskit.regression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.Params;
import dev.losskit.Tensor;
import dev.losskit.internal.Samples;
import dev.losskit.testing.LossContractTest;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RmseLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "rmse";
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[] x = in.get(0);
    double[] y = in.get(1);
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += (x[i] - y[i]) * (x[i] - y[i]);
    }
    return new Oracle(new double[] {Math.sqrt(s / x.length)}, 1);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {3e38f, -3e38f, 0}), Tensor.of(new float[] {-3e38f, 3e38f, 0})
        },
        new Tensor[] {Tensor.of(new float[] {1, 2, 3}), Tensor.of(new float[] {1, 2, 3})},
        new Tensor[] {Tensor.of(new float[] {1e-30f, 0}), Tensor.of(new float[] {0, 1e-30f})});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "target of another shape",
            new Tensor[] {Tensor.of(new float[6], 2, 3), Tensor.of(new float[6], 3, 2)},
            "target",
            "(2, 3)",
            "(3, 2)"));
  }

  private static Loss rmse() {
    return Catalog.builtin().get("rmse").create();
  }

  @Test
  void isTheSquareRootOfMseOverTheWholeTensorWithScalarShape() {
    SplittableRandom r = new SplittableRandom(4);
    Tensor p = Samples.normal(r, 2, 5, 7);
    Tensor t = Samples.normal(r, 1, 5, 7);
    double mse = Catalog.builtin().get("mse").create().value(p, t);
    assertEquals(Math.sqrt(mse), rmse().value(p, t), 1e-7 * Math.sqrt(mse));
    assertEquals(0, rmse().check(new Tensor[] {p, t}).length);
    assertEquals(
        0.6123724356957945,
        rmse()
            .value(Tensor.of(new float[] {2.5f, 0, 2, 8}), Tensor.of(new float[] {3, -0.5f, 2, 7})),
        1e-7);
  }

  @Test
  void perfectFitGivesZeroAndAZeroGradient() {
    Tensor p = Tensor.of(new float[] {1, -2, 3});
    LossResult res = rmse().evaluate(p, p.copy());
    assertEquals(0, res.value(), 0);
    assertArrayEquals(new float[3], res.grad(0).data(), 0f);
  }

  @Test
  void gradientIsResidualOverNTimesRmse() {
    // residuals 3 and -4: rmse = sqrt(12.5)
    LossResult res = rmse().evaluate(Tensor.of(new float[] {3, 0}), Tensor.of(new float[] {0, 4}));
    double v = Math.sqrt(12.5);
    assertEquals(v, res.value(), 1e-7);
    assertArrayEquals(
        new float[] {(float) (3 / (2 * v)), (float) (-4 / (2 * v))}, res.grad(0).data(), 1e-7f);
  }

  @Test
  void hugeResidualsDoNotOverflow() {
    LossResult res =
        rmse()
            .evaluate(
                Tensor.of(new float[] {3e38f, -3e38f}), Tensor.of(new float[] {-3e38f, 3e38f}));
    assertEquals(6e38, res.value(), 1e33);
    assertArrayEquals(new float[] {0.5f, -0.5f}, res.grad(0).data(), 1e-6f);
  }
}

package dev.losskit.regression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SmapeLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "smape";
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[] x = in.get(0);
    double[] y = in.get(1);
    double[] l = new double[x.length];
    for (int i = 0; i < l.length; i++) {
      double a = Math.abs(x[i]) + Math.abs(y[i]);
      l[i] = a == 0 ? 0 : 2 * Math.abs(x[i] - y[i]) / a;
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {0, 0, 1, 1e30f, -1e30f}),
          Tensor.of(new float[] {0, 1, 0, 0, 1e30f})
        },
        new Tensor[] {
          Tensor.of(new float[] {1e-30f, 3e38f, -3e38f}),
          Tensor.of(new float[] {-1e-30f, -3e38f, 1})
        });
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "target of another shape",
            new Tensor[] {Tensor.of(new float[4], 4), Tensor.of(new float[4], 2, 2)},
            "target",
            "(4)",
            "(2, 2)"));
  }

  private static Loss smape() {
    return Catalog.builtin().get("smape").create();
  }

  @Test
  void bothZeroGivesZeroValueAndZeroGradient() {
    LossResult res =
        smape()
            .evaluate(Reduction.NONE, Tensor.of(new float[] {0, 0}), Tensor.of(new float[] {0, 3}));
    assertArrayEquals(new float[] {0, 2}, res.values().data(), 0f);
    assertEquals(0f, res.grad(0).data()[0], 0f);
  }

  @Test
  void valuesLieInZeroToTwoAndOppositeSignsGiveTwo() {
    SplittableRandom r = new SplittableRandom(8);
    Tensor p = Samples.normal(r, 3, 1000);
    Tensor t = Samples.normal(r, 3, 1000);
    for (float v : smape().evaluate(Reduction.NONE, p, t).values().data()) {
      assertTrue(v >= 0 && v <= 2, "value " + v);
    }
    assertEquals(
        2.0,
        smape().value(Tensor.of(new float[] {3, -5}), Tensor.of(new float[] {-1, 0.5f})),
        1e-7);
    assertEquals(
        2 * 10.0 / 30.0,
        smape().value(Tensor.of(new float[] {10}), Tensor.of(new float[] {20})),
        1e-7);
  }

  @Test
  void gradientAtZeroPredictionIsTheMidpointSubgradient() {
    // pred = 0, target = 1: one-sided slopes 0 (left) and -4 (right); sign(0) = 0 gives -2.
    float g =
        smape()
            .evaluate(Reduction.SUM, Tensor.of(new float[] {0}), Tensor.of(new float[] {1}))
            .grad(0)
            .data()[0];
    assertEquals(-2f, g, 1e-7f);
    // Away from the kinks the gradient is 2 sign(r) / a - 2 |r| sign(p) / a^2.
    float g2 =
        smape()
            .evaluate(Reduction.SUM, Tensor.of(new float[] {3}), Tensor.of(new float[] {1}))
            .grad(0)
            .data()[0];
    assertEquals(2.0 / 4 - 2.0 * 2 / 16, g2, 1e-7);
  }
}

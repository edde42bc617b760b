package dev.losskit.regression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

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

class MaeLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "mae";
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[] x = in.get(0);
    double[] y = in.get(1);
    double[] l = new double[x.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = Math.abs(x[i] - y[i]);
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.of(
        new Tensor[] {
          Tensor.of(new float[] {3e38f, -3e38f, 1e30f}),
          Tensor.of(new float[] {-3e38f, 3e38f, -1e30f})
        },
        new Tensor[] {Tensor.of(new float[] {0, 1, -2.5f}), Tensor.of(new float[] {0, 1, -2.5f})});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "target of another shape",
            new Tensor[] {Tensor.of(new float[6], 2, 3), Tensor.of(new float[6], 3, 2)},
            "target",
            "(2, 3)",
            "(3, 2)"),
        new BadInput(
            "target of another rank",
            new Tensor[] {Tensor.of(new float[6], 6), Tensor.of(new float[6], 1, 6)},
            "target",
            "(6)",
            "(1, 6)"));
  }

  @Test
  void subgradientIsZeroWherePredEqualsTarget() {
    Loss loss = spec().create();
    LossResult r =
        loss.evaluate(
            Reduction.SUM,
            Tensor.of(new float[] {1.5f, 2, -3}),
            Tensor.of(new float[] {1.5f, 1, -1}));
    assertArrayEquals(new float[] {0, 1, -1}, r.grad(0).data());
    assertEquals(3.0, r.value(), 0);
  }

  @Test
  void aliasL1IsTheSameEntry() {
    assertSame(spec(), Catalog.builtin().get("l1"));
  }

  @Test
  void meanDividesByTheElementCountOfAnyShape() {
    Loss loss = spec().create();
    float[] p = {1, 2, 3, 4, 5, 6};
    float[] t = {0, 0, 0, 0, 0, 0};
    assertEquals(3.5, loss.value(Reduction.MEAN, Tensor.of(p, 2, 3), Tensor.of(t, 2, 3)), 0);
    float[] g =
        loss.evaluate(Reduction.MEAN, Tensor.of(p, 1, 2, 3), Tensor.of(t, 1, 2, 3)).grad(0).data();
    for (float v : g) {
      assertEquals(1.0 / 6, v, 1e-7);
    }
  }
}

package dev.losskit.regression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.testing.LossContractTest;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EuclideanLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "euclidean";
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[] x = in.get(0);
    double[] y = in.get(1);
    double[] l = new double[x.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = (x[i] - y[i]) * (x[i] - y[i]) / 2;
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.of(
        new Tensor[] {
          Tensor.of(new float[] {1e18f, -1e18f, 0}), Tensor.of(new float[] {-1e18f, 1e18f, 0})
        },
        new Tensor[] {
          Tensor.of(new float[] {1e30f, -1e30f, 3e38f}),
          Tensor.of(new float[] {-1e30f, 1e30f, 3e38f})
        });
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "target of another shape",
            new Tensor[] {Tensor.of(new float[4], 4), Tensor.of(new float[5], 5)},
            "target",
            "(4)",
            "(5)"));
  }

  @Test
  void defaultReductionIsTheSum() {
    Loss loss = spec().create();
    assertEquals(Reduction.SUM, spec().defaultReduction());
    Tensor p = Tensor.of(new float[] {1, 2, 3});
    Tensor t = Tensor.of(new float[] {0, 4, 3});
    assertEquals(0.5 * (1 + 4 + 0), loss.value(p, t), 0);
    assertArrayEquals(new float[] {1, -2, 0}, loss.evaluate(p, t).grad(0).data());
  }

  @Test
  void isHalfTheSummedMse() {
    Loss loss = spec().create();
    Loss mse = Catalog.builtin().create("mse");
    SplittableRandom r = new SplittableRandom(3);
    Tensor[] in = spec().sample(spec().defaults(), r, 101);
    assertEquals(
        mse.value(Reduction.SUM, in) / 2, loss.value(in), 1e-6 * mse.value(Reduction.SUM, in));
    float[] g = loss.evaluate(Reduction.MEAN, in).grad(0).data();
    float[] gm = mse.evaluate(Reduction.MEAN, in).grad(0).data();
    for (int i = 0; i < g.length; i++) {
      assertEquals(gm[i] / 2, g[i], 1e-7 * Math.abs(gm[i]));
    }
  }
}

package dev.losskit.tabular;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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

class GiniLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "gini";
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[][] rows = ImpurityOracles.rows(in);
    double[] l = new double[rows.length];
    for (int n = 0; n < l.length; n++) {
      double total = 0;
      double squares = 0;
      for (double q : rows[n]) {
        total += q;
        squares += q * q;
      }
      l[n] = total == 0 ? 0 : 1 - squares;
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {Tensor.of(new float[] {0.2f, 0.5f, 0.3f})},
        new Tensor[] {Tensor.of(new float[] {1, 1}, 2, 1)},
        new Tensor[] {Samples.simplex(r, 5, 11)});
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {Tensor.of(new float[] {0, 1, 0, 1, 0, 0, 0.5f, 0.5f, 0}, 3, 3)},
        new Tensor[] {Tensor.indices(new int[] {0, 0, 0, 16_000_000, 1, 0, 7, 7, 7}, 3, 3)},
        new Tensor[] {Tensor.indices(new int[] {0, 0})});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return ImpurityOracles.badInputs();
  }

  private static Loss gini() {
    return Catalog.builtin().get("gini").create();
  }

  @Test
  void countsGiveTheImpurityOfTheirProportionsAndNoGradient() {
    LossResult res =
        gini().evaluate(Reduction.NONE, Tensor.indices(new int[] {3, 1, 0, 0, 5, 5, 0, 0}, 4, 2));
    assertArrayEquals(new float[] {0.375f, 0, 0.5f, 0}, res.values().data(), 1e-7f);
    assertArrayEquals(new float[8], res.grad(0).data(), 0f);
    float[] q = {0.75f, 0.25f};
    assertEquals(0.375, gini().value(Tensor.of(q)), 1e-7);
  }

  @Test
  void probabilityGradientIsMinusTwoP() {
    float[] p = {0.1f, 0.6f, 0.3f};
    LossResult res = gini().evaluate(Reduction.SUM, Tensor.of(p));
    assertArrayEquals(new float[] {-0.2f, -1.2f, -0.6f}, res.grad(0).data(), 1e-7f);
    assertEquals(1 - (0.01 + 0.36 + 0.09), res.value(), 1e-7);
  }

  @Test
  void uniformDistributionIsTheMaximum() {
    int c = 7;
    float[] p = new float[c];
    java.util.Arrays.fill(p, 1f / c);
    assertEquals(1 - 1.0 / c, gini().value(Tensor.of(p)), 1e-7);
  }
}

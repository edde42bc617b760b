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

class EntropyImpurityLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "entropy-impurity";
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[][] rows = ImpurityOracles.rows(in);
    double[] l = new double[rows.length];
    for (int n = 0; n < l.length; n++) {
      for (double q : rows[n]) {
        if (q > 0) {
          l[n] -= q * Math.log(q) / Math.log(2);
        }
      }
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
        new Tensor[] {Tensor.of(new float[] {Float.MIN_VALUE, 1, 1e-40f, 1}, 2, 2)},
        new Tensor[] {Tensor.indices(new int[] {0, 0, 0, 16_000_000, 1, 0, 7, 7, 7}, 3, 3)},
        new Tensor[] {Tensor.indices(new int[] {0, 0})});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return ImpurityOracles.badInputs();
  }

  private static Loss entropy() {
    return Catalog.builtin().get("entropy-impurity").create();
  }

  @Test
  void countsGiveTheEntropyOfTheirProportionsInBitsAndNoGradient() {
    LossResult res =
        entropy()
            .evaluate(Reduction.NONE, Tensor.indices(new int[] {3, 1, 0, 0, 5, 5, 0, 0}, 4, 2));
    double h = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)) / Math.log(2);
    assertArrayEquals(new float[] {(float) h, 0, 1, 0}, res.values().data(), 1e-7f);
    assertArrayEquals(new float[8], res.grad(0).data(), 0f);
  }

  @Test
  void uniformDistributionHasLog2COfBits() {
    for (int c : new int[] {2, 4, 10}) {
      float[] p = new float[c];
      java.util.Arrays.fill(p, 1f / c);
      assertEquals(Math.log(c) / Math.log(2), entropy().value(Tensor.of(p)), 1e-6);
    }
  }

  /** A probability of exactly 0 adds nothing, and its gradient is that of ln p clamped at -100. */
  @Test
  void zeroProbabilityHasTheClampedGradient() {
    LossResult res = entropy().evaluate(Reduction.SUM, Tensor.of(new float[] {0, 0.5f, 0.5f}));
    assertEquals(1, res.value(), 1e-7);
    double ln2 = Math.log(2);
    assertEquals(100 / ln2, res.grad(0).data()[0], 1e-4);
    assertEquals(-(Math.log(0.5) + 1) / ln2, res.grad(0).data()[1], 1e-6);
  }
}

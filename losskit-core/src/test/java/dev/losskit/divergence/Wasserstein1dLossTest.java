package dev.losskit.divergence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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

class Wasserstein1dLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "wasserstein-1d";
  }

  /** sum_k |F_k - G_k| over the bins (last axis) of each histogram; mean over histograms. */
  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[] x = in.get(0);
    double[] y = in.get(1);
    int[] shape = in.shape(0);
    int bins = shape[shape.length - 1];
    int rows = x.length / bins;
    double[] l = new double[rows];
    for (int n = 0; n < rows; n++) {
      for (int k = 0; k < bins; k++) {
        double f = 0;
        double g = 0;
        for (int b = 0; b <= k; b++) {
          f += x[n * bins + b];
          g += y[n * bins + b];
        }
        l[n] += Math.abs(f - g);
      }
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    // One histogram (B); a (2, 3, 5) batch; one bin; normalised dyadic histograms whose CDFs meet
    // exactly at the last bin (and at bin 1), where sign(0) = 0 and central differences agree.
    return List.<Tensor[]>of(
        new Tensor[] {Samples.uniform(r, 0.05, 1, 6), Samples.uniform(r, 0.05, 1, 6)},
        new Tensor[] {Samples.uniform(r, 0.05, 1, 2, 3, 5), Samples.uniform(r, 0.05, 1, 2, 3, 5)},
        new Tensor[] {Samples.uniform(r, 0.05, 1, 4, 1), Samples.uniform(r, 1.05, 2, 4, 1)},
        new Tensor[] {
          Tensor.of(new float[] {0.25f, 0.25f, 0.125f, 0.375f}, 1, 4),
          Tensor.of(new float[] {0.375f, 0.125f, 0.25f, 0.25f}, 1, 4)
        });
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {Tensor.of(new float[8], 2, 4), Tensor.of(new float[8], 2, 4)},
        new Tensor[] {
          Tensor.of(new float[] {1f, 0f, 0f, 0f, 3e38f, 3e38f, 0f, 0f}, 2, 4),
          Tensor.of(new float[] {0f, 0f, 0f, 1f, 0f, 0f, 3e38f, 3e38f}, 2, 4)
        });
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "negative mass",
            new Tensor[] {Tensor.of(new float[] {0.5f, -0.5f}), Tensor.of(new float[] {1f, 0f})},
            "pred",
            "non-negative",
            "-0.5"),
        new BadInput(
            "target on other bins",
            new Tensor[] {Tensor.of(new float[6], 2, 3), Tensor.of(new float[6], 3, 2)},
            "target",
            "(2, 3)",
            "(3, 2)"),
        new BadInput(
            "scalar pred",
            new Tensor[] {Tensor.scalar(1f), Tensor.scalar(1f)},
            "pred",
            "(N, B)",
            "()"));
  }

  // ---------------------------------------------------------------- beyond the contract

  private static final Loss W = Wasserstein1dLoss.SPEC.create();

  @Test
  void movingUnitMassCostsTheDistanceMoved() {
    Tensor p = Tensor.of(new float[] {1f, 0f, 0f, 0f, 0f, 1f, 0f, 0f, 0.5f, 0f, 0f, 0.5f}, 3, 4);
    Tensor q = Tensor.of(new float[] {0f, 0f, 0f, 1f, 0f, 0f, 1f, 0f, 0f, 0.5f, 0.5f, 0f}, 3, 4);
    LossResult r = W.evaluate(Reduction.NONE, p, q);
    assertArrayEquals(new float[] {3f, 1f, 1f}, r.values().data(), 0f);
    // Row 0: F - G = (1, 1, 1, 0): gradient sum_{k >= b} sign = (3, 2, 1, 0).
    assertArrayEquals(new float[] {3f, 2f, 1f, 0f}, java.util.Arrays.copyOf(r.grad(0).data(), 4));
  }

  @Test
  void unequalMassesAddTheDifferenceOfTheTotals() {
    Tensor p = Tensor.of(new float[] {1f, 1f});
    Tensor q = Tensor.of(new float[] {1f, 0f});
    assertEquals(1.0, W.value(p, q), 0.0);
    assertArrayEquals(new float[] {1f, 1f}, W.evaluate(p, q).grad(0).data(), 0f);
  }

  @Test
  void meanIsOverHistograms() {
    SplittableRandom r = new SplittableRandom(5);
    Tensor p = Samples.uniform(r, 0, 1, 6, 9);
    Tensor q = Samples.uniform(r, 0, 1, 6, 9);
    assertEquals(W.value(Reduction.SUM, p, q) / 6, W.value(Reduction.MEAN, p, q), 1e-12);
  }

  @Test
  void equalsScipyWassersteinDistanceOnNormalisedHistograms() {
    // scipy.stats.wasserstein_distance(range(5), range(5), u, v) for these weights: 1.0.
    Tensor u = Tensor.of(new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0f});
    Tensor v = Tensor.of(new float[] {0.4f, 0.3f, 0.2f, 0.1f, 0f});
    assertEquals(1.0, W.value(u, v), 1e-6);
  }
}

package dev.losskit.divergence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

class GaussianKlLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "gaussian-kl";
  }

  /** -1/2 sum_j (1 + logvar - mu^2 - exp(logvar)) per sample (dimension 0); mean over samples. */
  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[] mu = in.get(0);
    double[] lv = in.get(1);
    int[] shape = in.shape(0);
    int samples = shape.length == 1 ? 1 : shape[0];
    double[] l = new double[samples];
    for (int i = 0; i < mu.length; i++) {
      int n = samples == 1 ? 0 : i / (mu.length / samples);
      l[n] += -0.5 * (1 + lv[i] - mu[i] * mu[i] - Math.exp(lv[i]));
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    // One sample (D); latents (N, C, H, W) of a convolutional VAE; wide variances and means (up to
    // where double central differences of the sum still resolve the mu gradient; logvar = +/-50
    // is checked on its own below).
    return List.<Tensor[]>of(
        new Tensor[] {Samples.normal(r, 1, 6), Samples.normal(r, 1, 6)},
        new Tensor[] {Samples.normal(r, 1, 2, 3, 2, 2), Samples.normal(r, 2, 2, 3, 2, 2)},
        new Tensor[] {
          Tensor.of(new float[] {3f, -40f, 0.5f, 0f}, 2, 2),
          Tensor.of(new float[] {8f, -30f, 5f, -8f}, 2, 2)
        });
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {0f, 0f, 1e3f, -1e3f, 0f, 0f, 0f, 0f}, 4, 2),
          Tensor.of(new float[] {50f, -50f, 88f, -88f, 89f, 100f, 1000f, -1000f}, 4, 2)
        },
        new Tensor[] {
          Tensor.of(new float[] {1e19f, -1e19f, 0f}), Tensor.of(new float[] {3e38f, -3e38f, 0f})
        });
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "logvar of another shape",
            new Tensor[] {Tensor.of(new float[6], 2, 3), Tensor.of(new float[6], 3, 2)},
            "logvar",
            "(2, 3)",
            "(3, 2)"),
        new BadInput(
            "scalar mu",
            new Tensor[] {Tensor.scalar(0f), Tensor.scalar(0f)},
            "mu",
            "(N, D)",
            "()"));
  }

  // ---------------------------------------------------------------- beyond the contract

  private static final Loss KL = GaussianKlLoss.SPEC.create();

  @Test
  void standardNormalCostsNothingAndGradientsAreMuAndHalfExpMinusOne() {
    Tensor mu = Tensor.of(new float[] {0f, 0f, 1f, -2f}, 2, 2);
    Tensor lv = Tensor.of(new float[] {0f, 0f, (float) Math.log(3), -1f}, 2, 2);
    LossResult r = KL.evaluate(Reduction.NONE, mu, lv);
    assertEquals(0f, r.values().data()[0], 0f);
    double expected = -0.5 * (1 + Math.log(3) - 1 - 3) - 0.5 * (1 - 1 - 4 - Math.exp(-1));
    assertEquals(expected, r.values().data()[1], 1e-6);
    assertArrayEquals(new float[] {0f, 0f, 1f, -2f}, r.grad(0).data(), 0f);
    assertEquals(1.0, r.grad(1).data()[2], 1e-6);
    assertEquals(0.5 * (Math.exp(-1) - 1), r.grad(1).data()[3], 1e-7);
  }

  @Test
  void logvarOfFiftyIsExactAndBeyondTheFloatRangeExpIsContinuedByItsTangent() {
    Tensor mu = Tensor.of(new float[] {0f, 0f, 0f, 0f});
    Tensor lv = Tensor.of(new float[] {50f, -50f, 88f, 100f});
    LossResult r = GaussianKlLoss.SPEC.create().evaluate(Reduction.SUM, mu, lv);
    double cap = Math.log(Float.MAX_VALUE);
    double expected =
        0.5 * (Math.exp(50) - 51)
            + 0.5 * (Math.exp(-50) + 49)
            + 0.5 * (Math.exp(88) - 89)
            + 0.5 * (Math.exp(cap) * (1 + 100 - cap) - 101);
    assertEquals(expected, r.value(), 1e-12 * expected);
    float[] g = r.grad(1).data();
    assertEquals(0.5 * (Math.exp(50) - 1), g[0], 1e-7 * Math.exp(50));
    assertEquals(0.5 * (Math.exp(-50) - 1), g[1], 1e-7);
    assertEquals(0.5 * (Math.exp(88) - 1), g[2], 1e-7 * Math.exp(88));
    // Slope of the tangent: exp(cap) / 2, finite in float32.
    assertEquals(Float.MAX_VALUE / 2, g[3], 1e-6 * Float.MAX_VALUE);
    assertTrue(Float.isFinite(g[3]));
  }

  @Test
  void veryNegativeLogvarGrowsLinearly() {
    LossResult r =
        KL.evaluate(Reduction.SUM, Tensor.of(new float[] {0f}), Tensor.of(new float[] {-1e30f}));
    assertEquals(0.5 * (1e30f - 1), r.value(), 1e-7 * 1e30);
    assertEquals(-0.5f, r.grad(1).data()[0], 0f);
  }

  @Test
  void meanIsOverSamplesNotElements() {
    SplittableRandom r = new SplittableRandom(12);
    Tensor mu = Samples.normal(r, 1, 4, 7);
    Tensor lv = Samples.normal(r, 1, 4, 7);
    assertEquals(KL.value(Reduction.SUM, mu, lv) / 4, KL.value(Reduction.MEAN, mu, lv), 1e-12);
    assertArrayEquals(new int[] {4}, KL.evaluate(Reduction.NONE, mu, lv).values().shape());
  }
}

package dev.losskit.generative;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GradientPenaltyLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "gradient-penalty";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("kind", "r1"),
        Map.of("lambda", "0.5"),
        Map.of("kind", "r1", "lambda", 2.5),
        Map.of("lambda", 0));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[] g = in.get(0);
    int n = in.shape(0)[0];
    double lambda = p.real("lambda");
    double[] l = new double[n];
    for (int s = 0; s < n; s++) {
      double ss = 0;
      for (int j = s * (g.length / n); j < (s + 1) * (g.length / n); j++) {
        ss += g[j] * g[j];
      }
      l[s] =
          p.text("kind").equals("r1") ? lambda / 2 * ss : lambda * Math.pow(Math.sqrt(ss) - 1, 2);
    }
    return Oracle.of(l);
  }

  /**
   * One scalar gradient per sample, 4-D image gradients, and a batch with a zero gradient (the
   * WGAN-GP peak, where the subgradient 0 is also the central difference) and one of norm 1.
   */
  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {Tensor.of(new float[] {0.5f, -1.7f, 2.5f})},
        new Tensor[] {
          Tensor.of(new float[] {0.1f, -0.4f, 0.3f, 0.2f, -0.9f, 0.6f, 0.5f, 0.5f}, 2, 1, 2, 2)
        },
        new Tensor[] {Tensor.of(new float[] {0, 0, 0, 0.6f, -0.8f, 0, 1, 2, 2}, 3, 3)});
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {Tensor.of(new float[6], 2, 3)},
        new Tensor[] {Tensor.of(new float[] {1e30f, -1e30f, 1e30f, 1e30f}, 2, 2)},
        new Tensor[] {Tensor.of(new float[] {1e-30f, 0, Float.MIN_VALUE, 0}, 2, 2)});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "a 0-d gradient has no sample dimension",
            new Tensor[] {Tensor.scalar(1)},
            "pred",
            "(N, ...)",
            "()"),
        new BadInput(
            "negative lambda",
            Map.of("lambda", "-1"),
            new Tensor[] {Tensor.of(new float[] {1})},
            "lambda",
            "-1"));
  }

  private static Loss loss(Map<String, ?> p) {
    return Catalog.builtin().get("gradient-penalty").create(p);
  }

  @Test
  void wganGpPenalisesTheDistanceOfTheNormFromOne() {
    // Sample norms 5 and 1: lambda (5 - 1)^2 = 160 and 0.
    Tensor g = Tensor.of(new float[] {3, 4, 0.6f, 0.8f}, 2, 2);
    LossResult res = loss(Map.of()).evaluate(Reduction.NONE, g);
    assertArrayEquals(new float[] {160, 0}, res.values().data(), 1e-5f);
    // 2 lambda (norm - 1) g / norm = 16 (3, 4), 0 at norm 1.
    assertArrayEquals(new float[] {48, 64, 0, 0}, res.grad(0).data(), 1e-4f);
    assertEquals(80, loss(Map.of()).value(g), 1e-5);
  }

  @Test
  void r1IsHalfLambdaTimesTheSquaredNorm() {
    Tensor g = Tensor.of(new float[] {3, 4, 1, 0}, 2, 2);
    LossResult res = loss(Map.of("kind", "r1", "lambda", 2)).evaluate(Reduction.MEAN, g);
    assertEquals((25 + 1) / 2.0, res.value(), 1e-12);
    assertArrayEquals(new float[] {3, 4, 1, 0}, res.grad(0).data(), 0f);
  }

  @Test
  void zeroGradientGivesLambdaAndTheSubgradientZero() {
    LossResult res = loss(Map.of()).evaluate(Reduction.SUM, Tensor.of(new float[4], 1, 4));
    assertEquals(10, res.value(), 0);
    assertArrayEquals(new float[4], res.grad(0).data(), 0f);
  }

  @Test
  void hugeGradientsGiveFiniteNorms() {
    // The squared norm, 1.8e77, exceeds float32 but not the double accumulator.
    Tensor g = Tensor.of(new float[] {3e38f, 3e38f}, 1, 2);
    LossResult res = loss(Map.of("lambda", 0.1)).evaluate(Reduction.MEAN, g);
    double norm = Math.sqrt(2) * 3e38f;
    assertEquals(0.1 * (norm - 1) * (norm - 1), res.value(), 1e-9 * res.value());
    assertEquals(0.2 * 3e38f, res.grad(0).data()[0], 1e32f);
    LossResult r1 = loss(Map.of("kind", "r1", "lambda", 1)).evaluate(Reduction.MEAN, g);
    assertEquals(0.5 * norm * norm, r1.value(), 1e-9 * r1.value());
    assertEquals(3e38f, r1.grad(0).data()[1], 0f);
  }
}

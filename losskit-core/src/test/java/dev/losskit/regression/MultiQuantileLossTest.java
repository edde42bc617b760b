package dev.losskit.regression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.testing.LossContractTest;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MultiQuantileLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "multi-quantile";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("quantiles", "0.05,0.25,0.5,0.75,0.95"),
        Map.of("crossing-penalty", "0.5"),
        Map.of("quantiles", "0.3", "crossing-penalty", 1.0),
        Map.of("quantiles", new double[] {0.2, 0.8}, "crossing-penalty", "2"));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[] levels = p.reals("quantiles");
    double lambda = p.real("crossing-penalty");
    int q = levels.length;
    double[] x = in.get(0);
    double[] y = in.get(1);
    double[] l = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      double pinball = 0;
      for (int j = 0; j < q; j++) {
        double d = y[i] - x[i * q + j];
        pinball += Math.max(levels[j] * d, (levels[j] - 1) * d);
      }
      double crossing = 0;
      for (int j = 0; j + 1 < q; j++) {
        crossing += Math.max(0, x[i * q + j] - x[i * q + j + 1]);
      }
      l[i] = pinball / q + lambda * crossing;
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    int q = p.reals("quantiles").length;
    float[] big = new float[2 * q];
    float[] flat = new float[2 * q];
    for (int j = 0; j < 2 * q; j++) {
      big[j] = j % 2 == 0 ? 3e38f : -3e38f;
      flat[j] = j < q ? 1.5f : -2;
    }
    return List.of(
        new Tensor[] {Tensor.of(big, 2, q), Tensor.of(new float[] {-3e38f, 1e30f})},
        new Tensor[] {Tensor.of(flat, 2, q), Tensor.of(new float[] {1.5f, -2})});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor target = Tensor.of(new float[4], 4);
    return List.of(
        new BadInput(
            "too few quantile predictions",
            new Tensor[] {Tensor.of(new float[8], 4, 2), target},
            "pred",
            "(4, 3)",
            "(4, 2)"),
        new BadInput(
            "pred without the quantile dimension",
            new Tensor[] {Tensor.of(new float[4], 4), target},
            "pred",
            "(4, 3)",
            "(4)"),
        new BadInput(
            "leading shapes differ",
            new Tensor[] {Tensor.of(new float[15], 5, 3), target},
            "pred",
            "(4, 3)",
            "(5, 3)"),
        new BadInput(
            "decreasing quantiles",
            Map.of("quantiles", "0.5,0.1"),
            new Tensor[] {Tensor.of(new float[8], 4, 2), target},
            "quantiles",
            "strictly increasing",
            "0.5,0.1"),
        new BadInput(
            "repeated quantile",
            Map.of("quantiles", "0.1,0.5,0.5"),
            new Tensor[] {Tensor.of(new float[12], 4, 3), target},
            "quantiles",
            "strictly increasing"),
        new BadInput(
            "quantile outside (0, 1)",
            Map.of("quantiles", "0.1,1.5"),
            new Tensor[] {Tensor.of(new float[8], 4, 2), target},
            "quantiles",
            "(0, 1)",
            "0.1,1.5"),
        new BadInput(
            "not a list of numbers",
            Map.of("quantiles", "0.1,,0.9"),
            new Tensor[] {Tensor.of(new float[12], 4, 3), target},
            "quantiles",
            "comma-separated"));
  }

  @Test
  void oneLevelWithoutPenaltyIsTheQuantileLoss() {
    Loss multi = spec().create(Map.of("quantiles", "0.7", "crossing-penalty", 3));
    Loss single = Catalog.builtin().create("quantile", Map.of("quantile", 0.7));
    Tensor[] in = ResidualSamples.awayFromZero(new SplittableRandom(41), 41, 0.05, 3);
    for (Reduction red : new Reduction[] {Reduction.MEAN, Reduction.SUM}) {
      LossResult a = multi.evaluate(red, in[0].reshape(41, 1), in[1]);
      LossResult b = single.evaluate(red, in);
      assertEquals(b.value(), a.value(), 1e-6 * Math.abs(b.value()));
      assertArrayEquals(b.grad(0).data(), a.grad(0).data(), 0f);
    }
  }

  @Test
  void valueIsTheMeanOfPinballLossesPlusThePenalty() {
    Loss loss = spec().create(Map.of("crossing-penalty", 0.5));
    // target 1; predictions 2, 0, 3 for levels 0.1, 0.5, 0.9: the first two cross by 2.
    Tensor p = Tensor.of(new float[] {2, 0, 3}, 1, 3);
    Tensor t = Tensor.of(new float[] {1}, 1);
    LossResult r = loss.evaluate(Reduction.NONE, p, t);
    double pinball = (0.9 * 1 + 0.5 * 1 + 0.1 * 2) / 3;
    assertEquals(pinball + 0.5 * 2, r.values().data()[0], 1e-6);
    assertArrayEquals(new int[] {1}, r.values().shape());
    float[] g = r.grad(0).data();
    assertEquals(0.9 / 3 + 0.5, g[0], 1e-6);
    assertEquals(-0.5 / 3 - 0.5, g[1], 1e-6);
    assertEquals(0.1 / 3, g[2], 1e-6);
  }

  @Test
  void orderedPredictionsPayNoPenalty() {
    Tensor p = Tensor.of(new float[] {-1, 0.5f, 2, -3, -3, -3}, 2, 3);
    Tensor t = Tensor.of(new float[] {0.2f, -3});
    Loss plain = spec().create();
    Loss penalised = spec().create(Map.of("crossing-penalty", 100));
    LossResult a = plain.evaluate(Reduction.SUM, p, t);
    LossResult b = penalised.evaluate(Reduction.SUM, p, t);
    assertEquals(a.value(), b.value(), 0);
    assertArrayEquals(a.grad(0).data(), b.grad(0).data(), 0f);
    assertArrayEquals(new float[] {0, 0, 0}, Arrays.copyOfRange(b.grad(0).data(), 3, 6), 0f);
  }

  @Test
  void targetKeepsItsShapeAndScalarTargetsWork() {
    Loss loss = spec().create();
    Tensor[] flat = spec().sample(spec().defaults(), new SplittableRandom(9), 6);
    Tensor p = flat[0].reshape(2, 3, 3);
    Tensor t = flat[1].reshape(2, 3);
    LossResult grid = loss.evaluate(Reduction.NONE, p, t);
    LossResult line = loss.evaluate(Reduction.NONE, flat);
    assertArrayEquals(new int[] {2, 3}, grid.values().shape());
    assertArrayEquals(line.values().data(), grid.values().data(), 0f);
    assertArrayEquals(line.grad(0).data(), grid.grad(0).data(), 0f);
    assertEquals(line.value(), grid.value(), 0);
    Tensor scalarTarget = Tensor.scalar(0.5f);
    LossResult one =
        loss.evaluate(Reduction.MEAN, Tensor.of(new float[] {0, 0.5f, 1}), scalarTarget);
    assertEquals((0.1 * 0.5 + 0 + 0.1 * 0.5) / 3, one.value(), 1e-7);
    assertTrue(one.grad(0).hasShape(3));
  }

  @Test
  void levelsMustMatchThePredictionWidth() {
    Loss five = spec().create(Map.of("quantiles", "0.1,0.3,0.5,0.7,0.9"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> five.value(Tensor.of(new float[6], 2, 3), Tensor.of(new float[2])));
    assertTrue(
        e.getMessage().contains("(2, 5)") && e.getMessage().contains("5 quantiles"),
        e.getMessage());
  }
}

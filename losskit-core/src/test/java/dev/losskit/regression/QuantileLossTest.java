package dev.losskit.regression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
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

class QuantileLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "quantile";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("quantile", "0.1"), Map.of("quantile", 0.9), Map.of("quantile", "0.025"));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double q = p.real("quantile");
    double[] x = in.get(0);
    double[] y = in.get(1);
    double[] l = new double[x.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = Math.max(q * (y[i] - x[i]), (q - 1) * (y[i] - x[i]));
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
        new Tensor[] {Tensor.of(new float[] {0, 4, -2}), Tensor.of(new float[] {0, 4, -2})});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor two = Tensor.of(new float[2]);
    return List.of(
        new BadInput(
            "target of another shape",
            new Tensor[] {Tensor.of(new float[6], 2, 3), Tensor.of(new float[6], 6)},
            "target",
            "(2, 3)",
            "(6)"),
        new BadInput(
            "quantile 0",
            Map.of("quantile", "0"),
            new Tensor[] {two, two},
            "quantile",
            "(0, 1)",
            "'0'"),
        new BadInput(
            "quantile 1",
            Map.of("quantile", "1"),
            new Tensor[] {two, two},
            "quantile",
            "(0, 1)",
            "'1'"));
  }

  @Test
  void medianIsHalfTheAbsoluteError() {
    Tensor[] in = spec().sample(spec().defaults(), new SplittableRandom(5), 77);
    Loss median = spec().create();
    Loss mae = Catalog.builtin().create("mae");
    for (Reduction red : new Reduction[] {Reduction.MEAN, Reduction.SUM}) {
      LossResult a = median.evaluate(red, in);
      LossResult b = mae.evaluate(red, in);
      assertEquals(b.value() / 2, a.value(), 1e-12 * b.value());
      for (int i = 0; i < 77; i++) {
        assertEquals(b.grad(0).data()[i] / 2, a.grad(0).data()[i], 0f);
      }
    }
  }

  @Test
  void asymmetricSlopesAndZeroSubgradientAtTies() {
    Loss loss = spec().create(Map.of("quantile", 0.8));
    Tensor p = Tensor.of(new float[] {0, 2, 1});
    Tensor t = Tensor.of(new float[] {1, 0, 1});
    LossResult r = loss.evaluate(Reduction.NONE, p, t);
    assertArrayEquals(new float[] {0.8f, 0.4f, 0}, r.values().data(), 1e-7f);
    assertArrayEquals(new float[] {-0.8f, 0.2f, 0}, r.grad(0).data(), 1e-7f);
  }

  @Test
  void theEmpiricalQuantileIsAStationaryPoint() {
    double[] y = {3.1, -0.4, 7.7, 1.2, 0.3, 5.5, -2.2, 4.4, 2.6, 9.1};
    double[] sorted = y.clone();
    Arrays.sort(sorted);
    double q = 0.3;
    Loss loss = spec().create(Map.of("quantile", q));
    // Any constant between the 3rd and 4th order statistics minimises the mean pinball loss at q =
    // 0.3.
    float c = (float) ((sorted[2] + sorted[3]) / 2);
    float[] p = new float[y.length];
    Arrays.fill(p, c);
    Tensor target = Tensor.of(y);
    LossResult at = loss.evaluate(Reduction.SUM, Tensor.of(p), target);
    double total = 0;
    for (float g : at.grad(0).data()) {
      total += g;
    }
    assertEquals(0, total, 1e-6);
    for (float shift : new float[] {-1.5f, 1.5f}) {
      float[] moved = p.clone();
      for (int i = 0; i < moved.length; i++) {
        moved[i] += shift;
      }
      assertTrue(loss.value(Tensor.of(moved), target) > at.value() / y.length);
    }
  }

  @Test
  void aliasPinballIsTheSameEntry() {
    assertSame(spec(), Catalog.builtin().get("pinball"));
    assertThrows(IllegalArgumentException.class, () -> spec().create(Map.of("alpha", 0.5)));
  }
}

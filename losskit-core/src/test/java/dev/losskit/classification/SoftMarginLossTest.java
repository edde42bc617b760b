package dev.losskit.classification;

import static dev.losskit.classification.MarginTestSupport.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

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
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SoftMarginLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "soft-margin";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("balance", "true"), Map.of("balance", false));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[] x = in.get(0);
    double[] y = in.get(1);
    int n = x.length;
    double pos = 0;
    for (double v : y) {
      pos += v > 0 ? 1 : 0;
    }
    double neg = n - pos;
    double groups = (pos > 0 ? 1 : 0) + (neg > 0 ? 1 : 0);
    double[] l = new double[n];
    for (int i = 0; i < n; i++) {
      double w = p.bool("balance") ? n / (groups * (y[i] > 0 ? pos : neg)) : 1;
      // log(1 + exp(-y x)), written so that exp cannot overflow.
      double m = -y[i] * x[i];
      l[i] = w * (m > 0 ? m + Math.log(1 + Math.exp(-m)) : Math.log(1 + Math.exp(m)));
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {1000, -1000, 1000, -1000, 3e38f, -3e38f, 0}),
          Tensor.of(new float[] {1, 1, -1, -1, -1, -1, 1})
        },
        new Tensor[] {Tensor.of(new float[] {-1000, -1000}), Tensor.of(new float[] {1, 1})},
        new Tensor[] {Tensor.of(new float[0]), Tensor.of(new float[0])});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "label 0 (soft-margin needs -1 or +1)",
            new Tensor[] {Tensor.of(new float[2]), Tensor.of(new float[] {0, 1})},
            "target",
            "labels -1 or +1",
            "0.0"),
        new BadInput(
            "response map and labels of different shapes",
            new Tensor[] {
              Tensor.of(new float[50], 2, 1, 5, 5), Tensor.of(new float[] {1, 1, 1, 1}, 2, 1, 2, 1)
            },
            "target",
            "(2, 1, 5, 5)",
            "(2, 1, 2, 1)"),
        new BadInput(
            "balance not a boolean",
            Map.of("balance", "yes"),
            new Tensor[] {Tensor.of(new float[1]), Tensor.of(new float[] {1})},
            "balance",
            "yes"));
  }

  private static Loss loss(boolean balance) {
    return Catalog.builtin().create("soft-margin", Map.of("balance", balance));
  }

  @Test
  void crossCorrelationIsAnAlias() {
    assertSame(Catalog.builtin().get("soft-margin"), Catalog.builtin().get("cross-correlation"));
  }

  @Test
  void largeWrongScoresGiveTheirMarginWherePyTorchOverflows() {
    // torch.nn.functional.soft_margin_loss(tensor([-1000.]), tensor([1.])) is inf, its gradient
    // NaN.
    Tensor pred = Tensor.of(new float[] {-1000, 1000, 100});
    Tensor target = Tensor.of(new float[] {1, 1, -1});
    LossResult res = loss(false).evaluate(Reduction.NONE, pred, target);
    assertArrayEquals(new float[] {1000, 0, 100}, res.values().data(), 1e-4f);
    assertArrayEquals(new float[] {-1, 0, 1}, res.grad(0).data(), 1e-7f);
  }

  @Test
  void balancedMeanIsTheAverageOfThePositiveAndNegativeMeans() {
    SplittableRandom r = new SplittableRandom(4);
    // A response map (N, 1, H, W) with a few positives at the centre, as in SiamFC.
    int n = 2;
    int h = 9;
    float[] x = Samples.normal(r, 2, n, 1, h, h).data();
    float[] y = new float[x.length];
    double posSum = 0;
    double negSum = 0;
    int pos = 0;
    for (int i = 0; i < y.length; i++) {
      int row = (i % (h * h)) / h;
      int col = i % h;
      boolean centre = Math.abs(row - h / 2) <= 1 && Math.abs(col - h / 2) <= 1;
      y[i] = centre ? 1 : -1;
      double l = Math.log1p(Math.exp(-y[i] * x[i]));
      if (centre) {
        posSum += l;
        pos++;
      } else {
        negSum += l;
      }
    }
    int neg = y.length - pos;
    double expected = (posSum / pos + negSum / neg) / 2;
    Tensor pred = Tensor.of(x, n, 1, h, h);
    Tensor target = Tensor.of(y, n, 1, h, h);
    assertClose(expected, loss(true).value(Reduction.MEAN, pred, target), 1e-9, 0, "balanced mean");
    assertClose(
        expected * y.length,
        loss(true).value(Reduction.SUM, pred, target),
        1e-9,
        0,
        "balanced sum");
    // The plain loss runs on the float lanes of the bce-with-logits kernel: float-accurate.
    assertClose(
        (posSum + negSum) / y.length, loss(false).value(pred, target), 1e-6, 0, "plain mean");
  }

  @Test
  void balanceChangesNothingWhenTheGroupsAreEqualOrOneIsAbsent() {
    Tensor pred = Tensor.of(new float[] {0.3f, -1.2f, 2.2f, 0.1f, -0.7f, 1.5f});
    for (float[] y :
        List.of(
            new float[] {1, -1, 1, -1, -1, 1},
            new float[] {1, 1, 1, 1, 1, 1},
            new float[] {-1, -1, -1, -1, -1, -1})) {
      Tensor target = Tensor.of(y);
      LossResult a = loss(true).evaluate(Reduction.NONE, pred, target);
      LossResult b = loss(false).evaluate(Reduction.NONE, pred, target);
      assertArrayEquals(b.values().data(), a.values().data(), 1e-7f);
      assertArrayEquals(b.grad(0).data(), a.grad(0).data(), 1e-7f);
    }
  }

  @Test
  void balancedWeightsAverageOne() {
    // One positive among four: w+ = 4 / (2 * 1) = 2, w- = 4 / (2 * 3) = 2/3.
    Tensor pred = Tensor.of(new float[] {0, 0, 0, 0});
    Tensor target = Tensor.of(new float[] {1, -1, -1, -1});
    LossResult res = loss(true).evaluate(Reduction.NONE, pred, target);
    double l0 = Math.log(2);
    assertArrayEquals(
        new float[] {
          (float) (2 * l0), (float) (l0 * 2 / 3), (float) (l0 * 2 / 3), (float) (l0 * 2 / 3)
        },
        res.values().data(),
        1e-7f);
    assertArrayEquals(new float[] {-1, 1f / 3, 1f / 3, 1f / 3}, res.grad(0).data(), 1e-7f);
    assertEquals(l0, loss(true).value(pred, target), 1e-7);
  }
}

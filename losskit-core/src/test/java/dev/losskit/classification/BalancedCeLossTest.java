package dev.losskit.classification;

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

class BalancedCeLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "balanced-ce";
  }

  /** beta = 1 - mean(t); -beta t max(log p, -100) - (1 - beta)(1 - t) max(log(1 - p), -100). */
  static double[] formula(double[][] in, int[][] shapes, Params params) {
    double[] p = in[0];
    double[] t = in[1];
    double mean = 0;
    for (double v : t) {
      mean += v / t.length;
    }
    double beta = 1 - mean;
    double[] l = new double[p.length];
    for (int i = 0; i < l.length; i++) {
      l[i] =
          -beta * t[i] * Math.max(Math.log(p[i]), -100)
              - (1 - beta) * (1 - t[i]) * Math.max(Math.log(1 - p[i]), -100);
    }
    return l;
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    return Oracle.of(BinaryLossChecks.values(BalancedCeLossTest::formula, in, p));
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    Tensor pred = Tensor.of(new float[] {0, 1, 0, 1, 1e-45f, 1 - 6e-8f});
    return List.<Tensor[]>of(
        new Tensor[] {pred, Tensor.of(new float[] {0, 1, 1, 0, 1, 0})},
        new Tensor[] {pred, Tensor.of(new float[] {0, 0, 0, 0, 0, 0})},
        new Tensor[] {pred, Tensor.of(new float[] {1, 1, 1, 1, 1, 1})},
        new Tensor[] {pred, Tensor.of(new float[] {0.5f, 0.5f, 0.1f, 0.9f, 0.3f, 0.7f})});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "probability above 1",
            new Tensor[] {Tensor.of(new float[] {1.25f, 0.5f}), Tensor.of(new float[] {0, 1})},
            "pred",
            "probabilities in [0, 1]",
            "1.25"),
        new BadInput(
            "target below 0",
            new Tensor[] {Tensor.of(new float[] {0.5f, 0.5f}), Tensor.of(new float[] {0, -1})},
            "target",
            "-1.0"),
        new BadInput(
            "target of another shape",
            new Tensor[] {Tensor.of(new float[4], 2, 2), Tensor.of(new float[4], 4)},
            "target",
            "(2, 2)",
            "(4)"));
  }

  @Test
  void betaIsTheFractionOfNegativesInTheBatch() {
    Loss loss = Catalog.builtin().get("balanced-ce").create();
    Tensor p = Tensor.of(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, 2, 2);
    Tensor t = Tensor.of(new float[] {1, 0, 0, 0}, 2, 2);
    float[] v = loss.evaluate(Reduction.NONE, p, t).values().data();
    double log2 = Math.log(2);
    double[] expected = {0.75 * log2, 0.25 * log2, 0.25 * log2, 0.25 * log2};
    for (int i = 0; i < 4; i++) {
      BinaryLossChecks.close(expected[i], v[i], 1e-6, 0, "value " + i);
    }
  }

  @Test
  void binaryTargetsEqualBceWithBalancingWeightsIncludingAtZeroAndOne() {
    SplittableRandom r = new SplittableRandom(31);
    int n = 41;
    float[] p = new float[n];
    float[] t = new float[n];
    for (int i = 0; i < n; i++) {
      int k = r.nextInt(4);
      p[i] = k == 0 ? 0f : k == 1 ? 1f : (float) r.nextDouble();
      t[i] = r.nextInt(5) == 0 ? 1f : 0f;
    }
    double mean = 0;
    for (float v : t) {
      mean += v;
    }
    double beta = 1 - mean / n;
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = (float) (t[i] == 1 ? beta : 1 - beta);
    }
    Loss balanced = Catalog.builtin().get("balanced-ce").create();
    Loss bce = Catalog.builtin().get("bce").create();
    for (Reduction red : new Reduction[] {Reduction.MEAN, Reduction.SUM, Reduction.NONE}) {
      LossResult a = balanced.evaluate(red, Tensor.of(p), Tensor.of(t));
      LossResult b = bce.evaluate(red, Tensor.of(p), Tensor.of(t), Tensor.of(w));
      BinaryLossChecks.close(b.value(), a.value(), 1e-6, 0, red.id());
      for (int i = 0; i < n; i++) {
        BinaryLossChecks.close(
            b.grad(0).data()[i], a.grad(0).data()[i], 1e-6, 0, red.id() + " gradient " + i);
      }
    }
  }

  @Test
  void softTargetsAndShapes() {
    SplittableRandom r = new SplittableRandom(32);
    int[][] shapes = {{1}, {5}, {3, 4}, {2, 3, 4, 5}};
    for (int[] s : shapes) {
      Tensor p = BinaryLossChecks.tensor(() -> 0.02 + 0.96 * r.nextDouble(), s);
      Tensor t = BinaryLossChecks.tensor(r::nextDouble, s);
      BinaryLossChecks.check(
          "balanced-ce", Map.of(), new Tensor[] {p, t}, BalancedCeLossTest::formula);
    }
  }
}

package dev.losskit.classification;

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
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BceLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "bce";
  }

  /** -w (t max(log p, -100) + (1 - t) max(log(1 - p), -100)), w broadcast to pred. */
  static double[] formula(double[][] in, int[][] shapes, Params params) {
    double[] p = in[0];
    double[] t = in[1];
    double[] l = new double[p.length];
    for (int i = 0; i < l.length; i++) {
      double w = BinaryLossChecks.weightAt(in, shapes, 2, i);
      l[i] =
          -w
              * (t[i] * Math.max(Math.log(p[i]), -100)
                  + (1 - t[i]) * Math.max(Math.log(1 - p[i]), -100));
    }
    return l;
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    return Oracle.of(BinaryLossChecks.values(BceLossTest::formula, in, p));
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    Tensor pred = Tensor.of(new float[] {0, 1, 0, 1, 0, 1, 1e-45f, 1 - 6e-8f, 1e-30f});
    Tensor target = Tensor.of(new float[] {0, 1, 1, 0, 0.5f, 0.5f, 1, 0, 0.25f});
    Tensor weight = Tensor.of(new float[] {3, 0, 2, 1, 0.5f, 7, 1, 1, 1});
    return List.<Tensor[]>of(
        new Tensor[] {pred, target},
        new Tensor[] {pred, target, weight},
        new Tensor[] {pred, target, Tensor.scalar(1e6f)});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor p23 = Tensor.of(new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f}, 2, 3);
    return List.of(
        new BadInput(
            "probability above 1",
            new Tensor[] {Tensor.of(new float[] {0.5f, 1.5f}), Tensor.of(new float[] {0, 1})},
            "pred",
            "probabilities in [0, 1]",
            "1.5"),
        new BadInput(
            "negative probability",
            new Tensor[] {Tensor.of(new float[] {-0.1f, 0.5f}), Tensor.of(new float[] {0, 1})},
            "pred",
            "-0.1"),
        new BadInput(
            "target above 1",
            new Tensor[] {Tensor.of(new float[] {0.5f, 0.5f}), Tensor.of(new float[] {0, 2})},
            "target",
            "probabilities in [0, 1]",
            "2.0"),
        new BadInput(
            "target of another shape",
            new Tensor[] {p23, Tensor.of(new float[6], 3, 2)},
            "target",
            "(2, 3)",
            "(3, 2)"),
        new BadInput(
            "weight that does not broadcast",
            new Tensor[] {p23, p23, Tensor.of(new float[] {1, 1, 1, 1}, 4)},
            "weight",
            "broadcasts",
            "(2, 3)",
            "(4)"),
        new BadInput(
            "weight of higher rank than pred",
            new Tensor[] {p23, p23, Tensor.of(new float[6], 1, 2, 3)},
            "weight",
            "(1, 2, 3)"),
        new BadInput(
            "weight along the wrong dimension",
            new Tensor[] {p23, p23, Tensor.of(new float[] {1, 1}, 2)},
            "weight",
            "(2)"),
        new BadInput(
            "negative weight",
            new Tensor[] {p23, p23, Tensor.of(new float[] {1, -1, 1}, 3)},
            "weight",
            "non-negative",
            "-1.0"));
  }

  @Test
  void valuesAndGradientsAtZeroAndOneAreTorchs() {
    Loss loss = Catalog.builtin().get("bce").create();
    Tensor p = Tensor.of(new float[] {0, 1, 0, 1, 0, 1, 0.25f});
    Tensor t = Tensor.of(new float[] {1, 0, 0, 1, 0.5f, 0.25f, 1});
    Tensor w = Tensor.of(new float[] {2, 3, 1, 1, 1, 1, 1});
    LossResult res = loss.evaluate(Reduction.NONE, p, t, w);
    // torch 1.13: F.binary_cross_entropy(p, t, w, reduction='none') and its backward.
    double[] values = {200, 300, 0, 0, 50, 75, -Math.log(0.25)};
    double[] grads = {-2e12, 3e12, 0, 0, -0.5e12, 0.75e12, -0.75 / (0.75 * 0.25)};
    for (int i = 0; i < values.length; i++) {
      BinaryLossChecks.close(values[i], res.values().data()[i], 1e-6, 0, "value " + i);
      BinaryLossChecks.close(grads[i], res.grad(0).data()[i], 1e-6, 0, "gradient " + i);
    }
    LossResult mean = loss.evaluate(Reduction.MEAN, p, t, w);
    BinaryLossChecks.close(-2e12 / 7, mean.grad(0).data()[0], 1e-6, 0, "gradient of the mean");
  }

  @Test
  void logsAreClampedAtMinus100() {
    Loss loss = Catalog.builtin().get("bce").create();
    // log(1e-45) = -103.6 is clamped to -100; log(1e-40) = -92.1 is not.
    float[] v =
        loss.evaluate(
                Reduction.NONE,
                Tensor.of(new float[] {1e-45f, 1e-40f}),
                Tensor.of(new float[] {1, 1}))
            .values()
            .data();
    assertEquals(100f, v[0], 1e-4f);
    assertEquals((float) -Math.log(1e-40f), v[1], 1e-4f);
  }

  @Test
  void weightsBroadcastAsInPytorch() {
    SplittableRandom r = new SplittableRandom(21);
    int[][][] cases = {
      {{4, 3}, {4, 3}},
      {{4, 3}, {3}},
      {{4, 3}, {1, 3}},
      {{4, 3}, {4, 1}},
      {{4, 3}, {1}},
      {{4, 3}, {}},
      {{2, 3, 4, 5}, {3, 1, 1}},
      {{2, 3, 4, 5}, {5}},
      {{2, 3, 4, 5}, {2, 1, 4, 1}},
      {{7}, {7}},
    };
    for (int[][] c : cases) {
      Tensor p = BinaryLossChecks.tensor(() -> 0.02 + 0.96 * r.nextDouble(), c[0]);
      Tensor t = BinaryLossChecks.tensor(r::nextDouble, c[0]);
      Tensor w = BinaryLossChecks.tensor(() -> 2 * r.nextDouble(), c[1]);
      BinaryLossChecks.check("bce", Map.of(), new Tensor[] {p, t, w}, BceLossTest::formula);
    }
  }

  @Test
  void meanDividesByElementsWhateverTheWeights() {
    Loss loss = Catalog.builtin().get("bce").create();
    Tensor p = Tensor.of(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, 2, 2);
    Tensor t = Tensor.of(new float[] {1, 0, 1, 0}, 2, 2);
    Tensor w = Tensor.of(new float[] {1, 3}, 2);
    assertEquals(Math.log(2) * (1 + 3 + 1 + 3) / 4, loss.value(Reduction.MEAN, p, t, w), 1e-6);
  }

  @Test
  void nonFiniteWeightIsRejectedByName() {
    Loss loss = Catalog.builtin().get("bce").create();
    Tensor p = Tensor.of(new float[] {0.5f, 0.5f});
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> loss.value(p, p, Tensor.of(new float[] {1, Float.NaN})));
    assertTrue(e.getMessage().startsWith("weight:"), e.getMessage());
  }
}

package dev.losskit.classification;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.TwiceDifferentiable;
import dev.losskit.testing.LossContractTest;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BceWithLogitsLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "bce-with-logits";
  }

  /** -w (q t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))), naively. */
  static double[] formula(double[][] in, int[][] shapes, Params params) {
    double[] x = in[0];
    double[] t = in[1];
    double[] l = new double[x.length];
    for (int i = 0; i < l.length; i++) {
      double w = BinaryLossChecks.weightAt(in, shapes, 2, i);
      double q = BinaryLossChecks.weightAt(in, shapes, 3, i);
      double s = 1 / (1 + Math.exp(-x[i]));
      l[i] = -w * (q * t[i] * Math.log(s) + (1 - t[i]) * Math.log(1 - s));
    }
    return l;
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    return Oracle.of(BinaryLossChecks.values(BceWithLogitsLossTest::formula, in, p));
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    Tensor x = Tensor.of(new float[] {1000, -1000, 1000, -1000, 1e30f, -1e30f, 88, -104, 0}, 9);
    Tensor t = Tensor.of(new float[] {1, 0, 0, 1, 0.5f, 0.5f, 0, 1, 0});
    Tensor w = Tensor.of(new float[] {1, 2, 0, 1, 1, 0.5f, 2, 1, 0}, 9);
    return List.<Tensor[]>of(
        new Tensor[] {x, t},
        new Tensor[] {x, t, w, Tensor.of(new float[] {3})},
        new Tensor[] {x, t, null, w});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor x23 = Tensor.of(new float[] {-2, -1, 0, 1, 2, 3}, 2, 3);
    Tensor t23 = Tensor.of(new float[] {0, 1, 0.5f, 1, 0, 1}, 2, 3);
    return List.of(
        new BadInput(
            "target above 1",
            new Tensor[] {Tensor.of(new float[] {0, 0}), Tensor.of(new float[] {0, 1.5f})},
            "target",
            "probabilities in [0, 1]",
            "1.5"),
        new BadInput(
            "target of another shape",
            new Tensor[] {x23, Tensor.of(new float[6], 6)},
            "target",
            "(2, 3)",
            "(6)"),
        new BadInput(
            "pos-weight along the wrong dimension",
            new Tensor[] {x23, t23, null, Tensor.of(new float[] {1, 2}, 2)},
            "pos-weight",
            "broadcasts",
            "(2, 3)",
            "(2)"),
        new BadInput(
            "negative pos-weight",
            new Tensor[] {x23, t23, null, Tensor.of(new float[] {1, -2, 1}, 3)},
            "pos-weight",
            "non-negative",
            "-2.0"),
        new BadInput(
            "weight that does not broadcast",
            new Tensor[] {x23, t23, Tensor.of(new float[4], 2, 2)},
            "weight",
            "(2, 3)",
            "(2, 2)"),
        new BadInput(
            "infinite logit",
            new Tensor[] {
              Tensor.of(new float[] {0, Float.POSITIVE_INFINITY}), Tensor.of(new float[] {0, 1})
            },
            "pred",
            "finite",
            "Infinity"));
  }

  @Test
  void logitsOfPlusMinus1000AreExact() {
    Loss loss = Catalog.builtin().get("bce-with-logits").create();
    Tensor x = Tensor.of(new float[] {1000, -1000, 1000, -1000, 1000});
    Tensor t = Tensor.of(new float[] {1, 0, 0, 1, 0.25f});
    Tensor q = Tensor.of(new float[] {3});
    LossResult res = loss.evaluate(Reduction.NONE, x, t, null, q);
    // torch: F.binary_cross_entropy_with_logits(x, t, pos_weight=q, reduction='none') and backward.
    double[] values = {0, 0, 1000, 3000, 750};
    double[] grads = {0, 0, 1, -3, 0.75};
    float[] h = ((TwiceDifferentiable) loss).hessian(x, t, null, q).data();
    for (int i = 0; i < values.length; i++) {
      BinaryLossChecks.close(values[i], res.values().data()[i], 1e-7, 0, "value " + i);
      BinaryLossChecks.close(grads[i], res.grad(0).data()[i], 1e-7, 0, "gradient " + i);
      BinaryLossChecks.close(0, h[i], 0, 0, "second derivative " + i);
    }
  }

  @Test
  void tinyLossesKeepTheirRelativePrecision() {
    // softplus(-40) = 4.25e-18: the sum-of-softplus form keeps it, (1 - t) x + softplus(-x) would
    // not.
    Loss loss = Catalog.builtin().get("bce-with-logits").create();
    float v =
        loss.evaluate(Reduction.NONE, Tensor.of(new float[] {-40}), Tensor.of(new float[] {0}))
            .values()
            .data()[0];
    BinaryLossChecks.close(Math.log1p(Math.exp(-40)), v, 1e-6, 0, "softplus(-40)");
  }

  @Test
  void weightAndPosWeightBroadcastAsInPytorch() {
    SplittableRandom r = new SplittableRandom(22);
    int[][][] cases = {
      {{4, 3}, {4, 3}, {3}},
      {{4, 3}, {3}, {4, 3}},
      {{4, 3}, {}, {1}},
      {{4, 3}, null, {3}},
      {{4, 3}, {4, 1}, null},
      {{2, 3, 4, 5}, {3, 1, 1}, {5}},
      {{2, 3, 4, 5}, {5}, {3, 1, 1}},
      {{2, 3, 4, 5}, {1, 3, 4, 1}, {2, 3, 4, 5}},
      {{9}, {9}, {9}},
    };
    for (int[][] c : cases) {
      Tensor x = BinaryLossChecks.tensor(() -> 3 * dev.losskit.internal.Samples.gaussian(r), c[0]);
      Tensor t = BinaryLossChecks.tensor(() -> r.nextInt(3) / 2.0, c[0]);
      Tensor w = c[1] == null ? null : BinaryLossChecks.tensor(() -> 2 * r.nextDouble(), c[1]);
      Tensor q =
          c[2] == null ? null : BinaryLossChecks.tensor(() -> 0.1 + 4 * r.nextDouble(), c[2]);
      BinaryLossChecks.check(
          "bce-with-logits", Map.of(), new Tensor[] {x, t, w, q}, BceWithLogitsLossTest::formula);
    }
  }

  @Test
  void equalsBceOnSigmoidOfTheLogits() {
    SplittableRandom r = new SplittableRandom(23);
    int n = 33;
    double[] x = new double[n];
    float[] p = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = 2 * dev.losskit.internal.Samples.gaussian(r);
      p[i] = (float) (1 / (1 + Math.exp(-x[i])));
    }
    Tensor t = BinaryLossChecks.tensor(r::nextDouble, n);
    Tensor w = BinaryLossChecks.tensor(() -> 2 * r.nextDouble(), n);
    Loss logits = Catalog.builtin().get("bce-with-logits").create();
    Loss probs = Catalog.builtin().get("bce").create();
    LossResult a = logits.evaluate(Reduction.NONE, Tensor.of(x), t, w);
    LossResult b = probs.evaluate(Reduction.NONE, Tensor.of(p), t, w);
    for (int i = 0; i < n; i++) {
      // The float32 rounding of sigmoid(x) limits the agreement near p = 0 or 1.
      BinaryLossChecks.close(b.values().data()[i], a.values().data()[i], 1e-4, 1e-6, "value " + i);
      double dp = b.grad(0).data()[i] * p[i] * (1.0 - p[i]);
      BinaryLossChecks.close(dp, a.grad(0).data()[i], 1e-4, 1e-6, "chain rule " + i);
    }
  }

  @Test
  void nonFiniteOptionalInputsAreRejectedByName() {
    Loss loss = Catalog.builtin().get("bce-with-logits").create();
    Tensor x = Tensor.of(new float[] {0.5f, 0.5f});
    Tensor bad = Tensor.of(new float[] {1, Float.NaN});
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> loss.value(x, x, bad));
    assertTrue(e.getMessage().startsWith("weight:"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> loss.value(x, x, null, bad));
    assertTrue(e.getMessage().startsWith("pos-weight:"), e.getMessage());
  }
}

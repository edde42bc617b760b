package dev.losskit.classification;

import static dev.losskit.classification.MarginTestSupport.assertClose;
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

class MultilabelSoftMarginLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "multilabel-soft-margin";
  }

  /** log(sigmoid(v)), with exp never overflowing. */
  private static double logSigmoid(double v) {
    return v >= 0 ? -Math.log(1 + Math.exp(-v)) : v - Math.log(1 + Math.exp(v));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[] x = in.get(0);
    double[] t = in.get(1);
    double[] w = in.get(2);
    int[] shape = in.shape(0);
    int classes = shape[shape.length - 1];
    int n = shape.length == 2 ? shape[0] : 1;
    double[] l = new double[n];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int c = 0; c < classes; c++) {
        int k = i * classes + c;
        s -= (w == null ? 1 : w[c]) * (t[k] * logSigmoid(x[k]) + (1 - t[k]) * logSigmoid(-x[k]));
      }
      l[i] = s / classes;
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {1000, -1000, 1000, -1000, 3e38f, -3e38f}, 2, 3),
          Tensor.of(new float[] {1, 0, 0, 1, 0.5f, 1}, 2, 3),
          Tensor.of(new float[] {1, 0, 2})
        },
        new Tensor[] {
          Tensor.of(new float[] {1000, -1000, 0}), Tensor.of(new float[] {0, 1, 0}), null
        },
        new Tensor[] {Tensor.of(new float[0], 0, 4), Tensor.of(new float[0], 0, 4), null});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor pred = Tensor.of(new float[6], 2, 3);
    Tensor target = Tensor.of(new float[6], 2, 3);
    return List.of(
        new BadInput(
            "target of another shape",
            new Tensor[] {pred, Tensor.of(new float[6], 3, 2)},
            "target",
            "(2, 3)",
            "(3, 2)"),
        new BadInput(
            "target above 1",
            new Tensor[] {pred, Tensor.of(new float[] {0, 1, 1.5f, 0, 0, 0}, 2, 3)},
            "target",
            "probabilities",
            "1.5"),
        new BadInput(
            "negative target",
            new Tensor[] {pred, Tensor.of(new float[] {0, -1, 0, 0, 0, 0}, 2, 3)},
            "target",
            "probabilities",
            "-1.0"),
        new BadInput(
            "weight of the wrong length",
            new Tensor[] {pred, target, Tensor.of(new float[] {1, 1})},
            "weight",
            "(3)",
            "(2)"),
        new BadInput(
            "weight per sample",
            new Tensor[] {pred, target, Tensor.of(new float[6], 2, 3)},
            "weight",
            "(3)",
            "(2, 3)"),
        new BadInput(
            "negative weight",
            new Tensor[] {pred, target, Tensor.of(new float[] {1, -2, 1})},
            "weight",
            "non-negative"),
        new BadInput(
            "NaN weight",
            new Tensor[] {pred, target, Tensor.of(new float[] {1, Float.NaN, 1})},
            "weight",
            "NaN"),
        new BadInput(
            "pred of rank 3",
            new Tensor[] {Tensor.of(new float[12], 2, 3, 2), Tensor.of(new float[12], 2, 3, 2)},
            "pred",
            "(N, C)"));
  }

  private static Loss loss() {
    return Catalog.builtin().create("multilabel-soft-margin");
  }

  @Test
  void unweightedIsTheClassMeanOfSoftMarginWithLabelsTwoTMinusOne() {
    SplittableRandom r = new SplittableRandom(31);
    int n = 5;
    int classes = 7;
    Tensor x = Samples.normal(r, 3, n, classes);
    Tensor t = Samples.binary(r, n, classes);
    float[] signs = new float[t.size()];
    for (int i = 0; i < signs.length; i++) {
      signs[i] = 2 * t.data()[i] - 1;
    }
    LossResult soft =
        Catalog.builtin()
            .create("soft-margin")
            .evaluate(Reduction.NONE, x, Tensor.of(signs, n, classes));
    LossResult ours = loss().evaluate(Reduction.NONE, x, t);
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int c = 0; c < classes; c++) {
        s += soft.values().data()[i * classes + c];
      }
      assertClose(s / classes, ours.values().data()[i], 1e-6, 0, "sample " + i);
    }
    for (int k = 0; k < t.size(); k++) {
      // Both through float kernels: sigmoid(x) - 1 for x well above 0 keeps the float rounding of
      // sigmoid(x) (about 6e-8) as an absolute error.
      assertClose(
          soft.grad(0).data()[k] / classes,
          ours.grad(0).data()[k],
          1e-6,
          2e-7 / classes,
          "gradient " + k);
    }
  }

  @Test
  void aSingleSampleOfRankOneIsOneValueAndTheMeanDividesBySamples() {
    Tensor x = Tensor.of(new float[] {0.5f, -1, 2});
    Tensor t = Tensor.of(new float[] {1, 0, 1});
    Tensor w = Tensor.of(new float[] {2, 0, 4});
    Loss l = loss();
    assertArrayEquals(new int[0], l.check(new Tensor[] {x, t, w}));
    double expected = (2 * Math.log1p(Math.exp(-0.5)) + 4 * Math.log1p(Math.exp(-2))) / 3;
    assertEquals(expected, l.value(Reduction.MEAN, x, t, w), 1e-6);
    // Two samples, mean over samples (not over the weight sum).
    Tensor x2 = Tensor.of(new float[] {0.5f, -1, 2, 0.5f, -1, 2}, 2, 3);
    Tensor t2 = Tensor.of(new float[] {1, 0, 1, 1, 0, 1}, 2, 3);
    assertEquals(expected, l.value(Reduction.MEAN, x2, t2, w), 1e-6);
    assertEquals(2 * expected, l.value(Reduction.SUM, x2, t2, w), 1e-6);
  }

  @Test
  void zeroWeightClassesHaveNoGradient() {
    Tensor x = Tensor.of(new float[] {0.5f, -1, 2, 3, 3, -3}, 2, 3);
    Tensor t = Tensor.of(new float[] {1, 0, 1, 0, 1, 1}, 2, 3);
    LossResult res = loss().evaluate(Reduction.SUM, x, t, Tensor.of(new float[] {1, 0, 1}));
    assertEquals(0f, res.grad(0).data()[1], 0f);
    assertEquals(0f, res.grad(0).data()[4], 0f);
  }
}

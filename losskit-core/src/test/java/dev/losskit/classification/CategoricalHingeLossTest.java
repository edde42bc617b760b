package dev.losskit.classification;

import static dev.losskit.classification.MarginTestSupport.assertClose;
import static dev.losskit.classification.MarginTestSupport.doubles;
import static dev.losskit.classification.MarginTestSupport.numericGradient;
import static dev.losskit.classification.MarginTestSupport.sum;
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

class CategoricalHingeLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "categorical-hinge";
  }

  /**
   * Keras's categorical_hinge per row: max(0, max_c (1 - t_c) x_c - sum_c t_c x_c + 1). Integer
   * targets (one index per row) are expanded to one-hot rows first.
   */
  static double[] keras(double[] x, double[] t, boolean indices, int classes) {
    int n = classes == 0 ? 0 : x.length / classes;
    double[] l = new double[n];
    for (int i = 0; i < n; i++) {
      double pos = 0;
      double neg = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        double tc = indices ? (t[i] == c ? 1 : 0) : t[i * classes + c];
        pos += tc * x[i * classes + c];
        neg = Math.max(neg, (1 - tc) * x[i * classes + c]);
      }
      l[i] = Math.max(0, neg - pos + 1);
    }
    return l;
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    return Oracle.of(keras(in.get(0), in.get(1), in.integral(1), in.shape(0)[1]));
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(
              new float[] {1000, -1000, 0, -1000, 1000, 0, 1e30f, -1e30f, 5, 3e38f, -3e38f, 0},
              4,
              3),
          Tensor.of(new float[] {1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0}, 4, 3)
        },
        new Tensor[] {
          Tensor.of(new float[] {1000, -1000, 0, -1000, 1000, 0}, 2, 3),
          Tensor.indices(new int[] {1, 0})
        },
        new Tensor[] {Tensor.of(new float[0], 0, 3), Tensor.of(new float[0], 0, 3)});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "pred of rank 1",
            new Tensor[] {Tensor.of(new float[3]), Tensor.of(new float[3])},
            "pred",
            "(N, C)",
            "(3)"),
        new BadInput(
            "target of another shape",
            new Tensor[] {Tensor.of(new float[6], 2, 3), Tensor.of(new float[6], 3, 2)},
            "target",
            "(2, 3)",
            "(3, 2)"),
        new BadInput(
            "class index out of range",
            new Tensor[] {Tensor.of(new float[6], 2, 3), Tensor.indices(new int[] {0, 3})},
            "target",
            "[0, 3)",
            "found 3"),
        new BadInput(
            "negative class index",
            new Tensor[] {Tensor.of(new float[6], 2, 3), Tensor.indices(new int[] {-1, 0})},
            "target",
            "found -1"),
        new BadInput(
            "class indices of the wrong shape",
            new Tensor[] {Tensor.of(new float[6], 2, 3), Tensor.indices(new int[] {0, 1, 2})},
            "target",
            "(2)",
            "(3)"),
        new BadInput(
            "target above 1",
            new Tensor[] {Tensor.of(new float[2], 1, 2), Tensor.of(new float[] {0, 2}, 1, 2)},
            "target",
            "probabilities",
            "2.0"));
  }

  private static Loss loss() {
    return Catalog.builtin().create("categorical-hinge");
  }

  @Test
  void kerasDocumentedValue() {
    // keras.losses.CategoricalHinge()([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]) == 1.4 in Keras's
    // documentation.
    Tensor pred = Tensor.of(new float[] {0.6f, 0.4f, 0.4f, 0.6f}, 2, 2);
    Tensor target = Tensor.of(new float[] {0, 1, 0, 0}, 2, 2);
    assertEquals(1.4, loss().value(pred, target), 1e-6);
  }

  @Test
  void theTrueClassEntersTheMaxWithZero() {
    // Every wrong class scores below 0: neg = (1 - 1) * 0.5 = 0, not max_{c != y} pred_c = -0.2.
    Tensor pred = Tensor.of(new float[] {0.5f, -0.2f, -0.3f}, 1, 3);
    Tensor target = Tensor.of(new float[] {1, 0, 0}, 1, 3);
    LossResult res = loss().evaluate(Reduction.SUM, pred, target);
    assertEquals(0.5, res.value(), 1e-6);
    // The max is attained by the true class, whose (1 - t) factor is 0: only -pos moves.
    assertArrayEquals(new float[] {-1, 0, 0}, res.grad(0).data(), 0f);
    // With a wrong class at or above 0 it is the catalogue's max(0, 1 + max_{c != y} pred_c -
    // pred_y).
    Tensor pred2 = Tensor.of(new float[] {0.5f, 0.2f, -0.3f}, 1, 3);
    LossResult res2 = loss().evaluate(Reduction.SUM, pred2, target);
    assertEquals(1 + 0.2 - 0.5, res2.value(), 1e-6);
    assertArrayEquals(new float[] {-1, 1, 0}, res2.grad(0).data(), 0f);
  }

  @Test
  void classIndicesEqualOneHotRows() {
    SplittableRandom r = new SplittableRandom(8);
    int n = 19;
    int classes = 7;
    Tensor pred = Samples.normal(r, 1, n, classes);
    Tensor y = Samples.classes(r, classes, n);
    float[] oneHot = new float[n * classes];
    for (int i = 0; i < n; i++) {
      oneHot[i * classes + (int) y.data()[i]] = 1;
    }
    for (Reduction red : List.of(Reduction.MEAN, Reduction.SUM, Reduction.NONE)) {
      LossResult a = loss().evaluate(red, pred, y);
      LossResult b = loss().evaluate(red, pred, Tensor.of(oneHot, n, classes));
      assertEquals(b.value(), a.value(), 0.0, red.id());
      assertArrayEquals(b.grad(0).data(), a.grad(0).data(), 0f, red.id());
    }
  }

  @Test
  void softTargetsAgreeWithKerasFormulaInValueAndGradient() {
    SplittableRandom r = new SplittableRandom(9);
    for (int n : new int[] {1, 4, 13}) {
      int classes = 5;
      Tensor pred = Samples.normal(r, 1.5, n, classes);
      Tensor target = Samples.simplex(r, n, classes);
      double[] x = doubles(pred.data());
      double[] t = doubles(target.data());
      LossResult res = loss().evaluate(Reduction.MEAN, pred, target);
      assertClose(sum(keras(x, t, false, classes)) / n, res.value(), 1e-6, 1e-7, "mean n=" + n);
      double[] numeric = numericGradient(v -> sum(keras(v, t, false, classes)) / n, x);
      MarginTestSupport.assertClose(numeric, res.grad(0).data(), 1e-4, 1e-6, "gradient n=" + n);
    }
  }

  @Test
  void aTieForTheMaximumSendsTheGradientToTheFirstClass() {
    Tensor pred = Tensor.of(new float[] {0.1f, 0.7f, 0.7f}, 1, 3);
    LossResult res = loss().evaluate(Reduction.SUM, pred, Tensor.indices(new int[] {0}));
    assertEquals(1.6, res.value(), 1e-6);
    assertArrayEquals(new float[] {-1, 1, 0}, res.grad(0).data(), 0f);
  }
}

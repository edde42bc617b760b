package dev.losskit.classification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.internal.Samples;
import dev.losskit.testing.LossContractTest;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SoftmaxFocalLossTest extends LossContractTest {
  private static final LossSpec S = SoftmaxFocalLoss.SPEC;

  @Override
  protected String id() {
    return "softmax-focal";
  }

  static Oracle naive(
      double[] x, int[] shape, double[] t, double[] alpha, double gamma, long ignore) {
    int classes = shape.length == 1 ? shape[0] : shape[1];
    int inner = 1;
    for (int d = 2; d < shape.length; d++) {
      inner *= shape[d];
    }
    double[] l = new double[t.length];
    double den = 0;
    for (int row = 0; row < t.length; row++) {
      int y = (int) t[row];
      if (y == ignore) {
        continue;
      }
      int n = row / inner;
      int j = row % inner;
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        max = Math.max(max, x[(n * classes + c) * inner + j]);
      }
      double z = 0;
      for (int c = 0; c < classes; c++) {
        z += Math.exp(x[(n * classes + c) * inner + j] - max);
      }
      double q = Math.exp(x[(n * classes + y) * inner + j] - max) / z;
      double a = alpha == null ? 1 : alpha[y];
      l[row] = -a * Math.pow(1 - q, gamma) * Math.log(q);
      den += 1;
    }
    return new Oracle(l, den);
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    return naive(
        in.get(0),
        in.shape(0),
        in.get(1),
        in.present(2) ? in.get(2) : null,
        p.real("gamma"),
        p.integer("ignore-index"));
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("gamma", 0.0),
        Map.of("gamma", "0.5"),
        Map.of("gamma", 1),
        Map.of("gamma", 5.0),
        Map.of("ignore-index", 0, "gamma", 1.5));
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    int ig = (int) p.integer("ignore-index");
    Tensor pred =
        Tensor.of(
            new float[] {1000f, -1000f, 0f, -1000f, 1000f, 1000f, 5000f, -5000f, 0f, 0f, 0f, 0f},
            4,
            3);
    List<Tensor[]> cases = new ArrayList<>();
    // Targets where q_y rounds to 1 (the 0^(gamma - 1) corner) and where q_y underflows to 0.
    cases.add(new Tensor[] {pred, Tensor.indices(new int[] {0, 1, 0, 2}, 4), null});
    cases.add(
        new Tensor[] {
          pred, Tensor.indices(new int[] {1, 0, 1, 2}, 4), Tensor.of(new float[] {0.25f, 0f, 4f})
        });
    cases.add(new Tensor[] {pred, Tensor.indices(new int[] {ig, ig, ig, ig}, 4), null});
    cases.add(
        new Tensor[] {Samples.normal(r, 1000, 2, 3, 2, 2), Samples.classes(r, 3, 2, 2, 2), null});
    return cases;
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor pred = Samples.normal(r, 1, 3, 4);
    return List.of(
        new BadInput(
            "class index out of range",
            new Tensor[] {pred, Tensor.indices(new int[] {0, 4, 1}, 3)},
            "target",
            "found 4",
            "C = 4"),
        new BadInput(
            "target of another shape",
            new Tensor[] {pred, Tensor.indices(new int[] {0, 1, 2, 3}, 4)},
            "target",
            "(3)",
            "(4)"),
        new BadInput(
            "floating target",
            new Tensor[] {pred, Tensor.of(new float[] {0f, 1f, 2f}, 3)},
            "target",
            "integer"),
        new BadInput(
            "alpha of another length",
            new Tensor[] {
              pred, Tensor.indices(new int[] {0, 1, 2}, 3), Tensor.of(new float[] {1f, 1f, 1f})
            },
            "alpha",
            "(4)",
            "(3)"),
        new BadInput(
            "negative alpha",
            new Tensor[] {
              pred, Tensor.indices(new int[] {0, 1, 2}, 3), Tensor.of(new float[] {1f, -1f, 1f, 1f})
            },
            "alpha",
            "-1.0"),
        new BadInput(
            "NaN alpha",
            new Tensor[] {
              pred,
              Tensor.indices(new int[] {0, 1, 2}, 3),
              Tensor.of(new float[] {1f, 1f, Float.NaN, 1f})
            },
            "alpha",
            "NaN"));
  }

  // ---------------------------------------------------------------- beyond the contract

  @Test
  void everyLayoutWithAndWithoutAlphaAndIgnoredTargetsMatchesTheOracle() {
    SplittableRandom r = new SplittableRandom(3);
    int[][] shapes = {{6, 3}, {2, 3, 5}, {2, 3, 2, 3}, {3}};
    for (int[] shape : shapes) {
      for (boolean weighted : new boolean[] {false, true}) {
        for (double gamma : new double[] {0, 0.5, 2}) {
          Tensor pred = Samples.normal(r, 2, shape);
          int[] rowShape = shape.length == 1 ? new int[0] : dev.losskit.Shapes.drop(shape, 1);
          float[] y = new float[dev.losskit.Shapes.size(rowShape)];
          for (int i = 0; i < y.length; i++) {
            y[i] = i % 4 == 1 ? -100 : r.nextInt(3);
          }
          Tensor alpha = weighted ? Tensor.of(new float[] {0.25f, 2f, 1.5f}) : null;
          SoftmaxOracleCheck.check(
              S.create(Map.of("gamma", gamma)),
              new Tensor[] {pred, Tensor.integral(y, rowShape), alpha},
              x -> naive(x[0], shape, x[1], x[2], gamma, -100),
              dev.losskit.Shapes.toString(shape) + " alpha=" + weighted + " gamma=" + gamma);
        }
      }
    }
  }

  @Test
  void gammaZeroIsCrossEntropyWeightedByAlpha() {
    SplittableRandom r = new SplittableRandom(21);
    Tensor pred = Samples.normal(r, 2, 6, 4);
    Tensor target = Tensor.indices(new int[] {0, 3, -100, 1, 2, 2}, 6);
    Tensor alpha = Tensor.of(new float[] {0.25f, 1f, 2f, 0.5f});
    Loss focal = S.create(Map.of("gamma", 0));
    Loss ce = CrossEntropyLoss.SPEC.create();
    LossResult f = focal.evaluate(Reduction.SUM, pred, target, alpha);
    LossResult c = ce.evaluate(Reduction.SUM, pred, target, alpha);
    assertEquals(c.value(), f.value(), 1e-6);
    for (int i = 0; i < 24; i++) {
      assertEquals(c.grad(0).data()[i], f.grad(0).data()[i], 1e-6f);
    }
    // The mean divides by the 5 targets that are not ignored, not by their alpha.
    assertEquals(f.value() / 5, focal.value(Reduction.MEAN, pred, target, alpha), 1e-12);
  }

  @Test
  void documentedValues() {
    // q_y = 1/2: -(1/2)^2 log(1/2).
    Tensor even = Tensor.of(new float[] {0.3f, 0.3f}, 1, 2);
    assertEquals(
        0.25 * Math.log(2), S.create().value(even, Tensor.indices(new int[] {1}, 1)), 1e-12);
    // q_y underflows: the loss is the cross-entropy 2000 and the gradient q - onehot.
    LossResult far =
        S.create()
            .evaluate(
                Reduction.SUM,
                Tensor.of(new float[] {1000f, -1000f, 0f}, 1, 3),
                Tensor.indices(new int[] {1}, 1));
    assertEquals(2000.0, far.value(), 0);
    assertEquals(1f, far.grad(0).data()[0], 0f);
    assertEquals(-1f, far.grad(0).data()[1], 0f);
  }

  @Test
  void confidentCorrectRowsHaveFiniteGradientsForGammaBelowOne() {
    // q_y rounds to 1: (1 - q)^(gamma - 1) alone would be infinite for gamma < 1.
    Tensor pred = Tensor.of(new float[] {40f, -40f, 0f}, 1, 3);
    for (double gamma : new double[] {0.25, 0.5, 1}) {
      LossResult res =
          S.create(Map.of("gamma", gamma))
              .evaluate(Reduction.SUM, pred, Tensor.indices(new int[] {0}, 1));
      for (float g : res.grad(0).data()) {
        assertTrue(Float.isFinite(g) && Math.abs(g) < 1e-8, "gamma " + gamma + ": " + g);
      }
    }
  }
}

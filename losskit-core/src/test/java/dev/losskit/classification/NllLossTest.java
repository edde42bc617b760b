package dev.losskit.classification;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

class NllLossTest extends LossContractTest {
  private static final LossSpec S = NllLoss.SPEC;

  @Override
  protected String id() {
    return "nll";
  }

  static Oracle naive(double[] x, int[] shape, double[] t, double[] w, long ignore) {
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
      double wy = w == null ? 1 : w[y];
      l[row] = -wy * x[(n * classes + y) * inner + j];
      den += wy;
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
        p.integer("ignore-index"));
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("ignore-index", 0), Map.of("ignore-index", "3"));
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    int ig = (int) p.integer("ignore-index");
    Tensor pred = Tensor.of(new float[] {-1e30f, 0f, -1000f, 0f, -1e-30f, -3e38f}, 2, 3);
    List<Tensor[]> cases = new ArrayList<>();
    cases.add(
        new Tensor[] {
          pred, Tensor.indices(new int[] {0, 2}, 2), Tensor.of(new float[] {1f, 0f, 1f})
        });
    cases.add(new Tensor[] {pred, Tensor.indices(new int[] {ig, ig}, 2), null});
    cases.add(new Tensor[] {pred, Tensor.indices(new int[] {1, 1}, 2), Tensor.of(new float[3])});
    cases.add(new Tensor[] {Tensor.of(new float[0], 0, 3), Tensor.indices(new int[0], 0), null});
    return cases;
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor pred = Samples.normal(r, 1, 3, 4);
    return List.of(
        new BadInput(
            "class index out of range",
            new Tensor[] {pred, Tensor.indices(new int[] {0, 7, 1}, 3)},
            "target",
            "found 7",
            "C = 4"),
        new BadInput(
            "negative index that is not the ignore-index",
            Map.of("ignore-index", 2),
            new Tensor[] {pred, Tensor.indices(new int[] {0, -100, 1}, 3)},
            "target",
            "found -100",
            "ignore-index 2"),
        new BadInput(
            "floating target",
            new Tensor[] {pred, Tensor.of(new float[] {0f, 1f, 2f}, 3)},
            "target",
            "integer"),
        new BadInput(
            "target of another batch size",
            new Tensor[] {pred, Tensor.indices(new int[] {0, 1}, 2)},
            "target",
            "(3)",
            "(2)"),
        new BadInput(
            "weight of another length",
            new Tensor[] {
              pred, Tensor.indices(new int[] {0, 1, 2}, 3), Tensor.of(new float[] {1f, 1f})
            },
            "weight",
            "(4)",
            "(2)"),
        new BadInput(
            "negative weight",
            new Tensor[] {
              pred, Tensor.indices(new int[] {0, 1, 2}, 3), Tensor.of(new float[] {1f, 1f, -2f, 1f})
            },
            "weight",
            "-2.0"),
        new BadInput(
            "NaN weight",
            new Tensor[] {
              pred,
              Tensor.indices(new int[] {0, 1, 2}, 3),
              Tensor.of(new float[] {1f, Float.NaN, 1f, 1f})
            },
            "weight",
            "NaN"),
        new BadInput(
            "scalar pred",
            new Tensor[] {Tensor.scalar(-1f), Tensor.integral(new float[] {0f})},
            "pred",
            "()"));
  }

  // ---------------------------------------------------------------- beyond the contract

  @Test
  void everyLayoutWithAndWithoutWeightsAndIgnoredTargetsMatchesTheOracle() {
    SplittableRandom r = new SplittableRandom(77);
    int[][] shapes = {{6, 3}, {2, 3, 5}, {2, 3, 2, 3}, {3}};
    for (int[] shape : shapes) {
      for (boolean weighted : new boolean[] {false, true}) {
        for (long ignore : new long[] {-100, 1}) {
          Tensor pred = Samples.normal(r, 2, shape);
          int[] rowShape = shape.length == 1 ? new int[0] : dev.losskit.Shapes.drop(shape, 1);
          int size = dev.losskit.Shapes.size(rowShape);
          float[] y = new float[size];
          for (int i = 0; i < size; i++) {
            y[i] = i % 4 == 1 ? ignore : r.nextInt(3);
          }
          Tensor target = Tensor.integral(y, rowShape);
          Tensor w = weighted ? Tensor.of(new float[] {0.25f, 2f, 1.5f}) : null;
          SoftmaxOracleCheck.check(
              S.create(Map.of("ignore-index", ignore)),
              new Tensor[] {pred, target, w},
              x -> naive(x[0], shape, x[1], x[2], ignore),
              dev.losskit.Shapes.toString(shape) + " weighted=" + weighted + " ignore=" + ignore);
        }
      }
    }
  }

  @Test
  void equalsCrossEntropyOfTheLogitsWhoseLogSoftmaxItIs() {
    SplittableRandom r = new SplittableRandom(12);
    Tensor logits = Samples.normal(r, 3, 5, 4, 3);
    float[] lp = logits.data().clone();
    for (int n = 0; n < 5; n++) {
      for (int j = 0; j < 3; j++) {
        double lse = dev.losskit.internal.Numerics.logSumExp(lp, n * 12 + j, 3, 4);
        for (int c = 0; c < 4; c++) {
          lp[n * 12 + c * 3 + j] -= (float) lse;
        }
      }
    }
    Tensor target =
        Tensor.indices(new int[] {0, 3, 2, -100, 1, 1, 2, 0, 3, 3, -100, 0, 1, 2, 2}, 5, 3);
    Tensor w = Tensor.of(new float[] {1f, 0.5f, 2f, 1f});
    Loss ce = CrossEntropyLoss.SPEC.create();
    assertEquals(
        ce.value(logits, target, w), S.create().value(Tensor.of(lp, 5, 4, 3), target, w), 1e-5);
  }

  @Test
  void gradientIsMinusTheScaledWeightOnTheTargetAndZeroElsewhere() {
    Tensor pred = Tensor.of(new float[] {-1f, -2f, -3f, -0.5f, -0.7f, -4f}, 3, 2);
    Tensor target = Tensor.indices(new int[] {1, -100, 0}, 3);
    Tensor w = Tensor.of(new float[] {2f, 3f});
    LossResult r = S.create().evaluate(Reduction.MEAN, pred, target, w);
    assertEquals((3 * 2 + 2 * 0.7) / 5, r.value(), 1e-6);
    assertEquals(List.of(0f, -0.6f, 0f, 0f, -0.4f, 0f), boxed(r.grad(0).data()));
  }

  private static List<Float> boxed(float[] x) {
    List<Float> out = new ArrayList<>();
    for (float v : x) {
      out.add(v);
    }
    return out;
  }
}

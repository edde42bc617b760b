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

class CrossEntropyLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "cross-entropy";
  }

  /** Straight from the formula: log-softmax per row, then the index or probability form. */
  static Oracle naive(
      double[] x, int[] shape, double[] t, boolean indices, double[] w, long ignore, double s) {
    int classes = shape.length == 1 ? shape[0] : shape[1];
    int rows = shape.length == 1 ? 1 : shape[0];
    int inner = 1;
    for (int d = 2; d < shape.length; d++) {
      inner *= shape[d];
    }
    double[] l = new double[rows * inner];
    double den = 0;
    for (int n = 0; n < rows; n++) {
      for (int j = 0; j < inner; j++) {
        double[] logq = new double[classes];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
          max = Math.max(max, x[(n * classes + c) * inner + j]);
        }
        double z = 0;
        for (int c = 0; c < classes; c++) {
          z += Math.exp(x[(n * classes + c) * inner + j] - max);
        }
        for (int c = 0; c < classes; c++) {
          logq[c] = x[(n * classes + c) * inner + j] - max - Math.log(z);
        }
        int row = n * inner + j;
        if (indices) {
          int y = (int) t[row];
          if (y == ignore) {
            continue;
          }
          double wy = w == null ? 1 : w[y];
          double smooth = 0;
          for (int c = 0; c < classes; c++) {
            smooth -= (w == null ? 1 : w[c]) * logq[c];
          }
          l[row] = (1 - s) * wy * -logq[y] + s / classes * smooth;
          den += wy;
        } else {
          for (int c = 0; c < classes; c++) {
            double tc = (1 - s) * t[(n * classes + c) * inner + j] + s / classes;
            l[row] -= (w == null ? 1 : w[c]) * tc * logq[c];
          }
          den += 1;
        }
      }
    }
    return new Oracle(l, den);
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    return naive(
        in.get(0),
        in.shape(0),
        in.get(1),
        in.integral(1),
        in.present(2) ? in.get(2) : null,
        p.integer("ignore-index"),
        p.real("label-smoothing"));
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("label-smoothing", 0.1),
        Map.of("label-smoothing", "1"),
        Map.of("ignore-index", 0),
        Map.of("ignore-index", "2", "label-smoothing", "0.25"));
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    long ignore = p.integer("ignore-index");
    float[] big = {1000f, -1000f, 0f, -1000f, 1000f, 1000f, 5000f, -5000f, 0f, 0f, -1000f, 1000f};
    Tensor pred = Tensor.of(big, 4, 3);
    List<Tensor[]> cases = new ArrayList<>();
    cases.add(new Tensor[] {pred, Tensor.indices(new int[] {1, 2, 1, 0}, 4), null});
    cases.add(
        new Tensor[] {
          pred, Tensor.indices(new int[] {1, 0, 2, 1}, 4), Tensor.of(new float[] {0.5f, 2f, 1f})
        });
    // Every target ignored, and zero total weight: a mean over nothing.
    int ig = (int) ignore;
    cases.add(new Tensor[] {pred, Tensor.indices(new int[] {ig, ig, ig, ig}, 4), null});
    cases.add(
        new Tensor[] {pred, Tensor.indices(new int[] {0, 1, 2, 0}, 4), Tensor.of(new float[3])});
    // No samples at all.
    cases.add(new Tensor[] {Tensor.of(new float[0], 0, 3), Tensor.indices(new int[0], 0), null});
    // Spatial, huge logits on a strided class axis.
    Tensor spatial = Samples.normal(r, 1000, 2, 3, 2, 2);
    cases.add(
        new Tensor[] {
          spatial, Samples.classes(r, 3, 2, 2, 2), Tensor.of(new float[] {1f, 0f, 3f})
        });
    if (ignore < 0) {
      float[] onehot = {0f, 1f, 0f, 1f, 0f, 0f, 0f, 0f, 1f, 0.5f, 0.5f, 0f};
      cases.add(new Tensor[] {pred, Tensor.of(onehot, 4, 3), null});
      cases.add(new Tensor[] {pred, Tensor.of(onehot, 4, 3), Tensor.of(new float[] {0f, 1f, 2f})});
    }
    return cases;
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor pred = Samples.normal(r, 1, 4, 3);
    return List.of(
        new BadInput(
            "class index equal to C",
            new Tensor[] {pred, Tensor.indices(new int[] {0, 3, 1, 2}, 4)},
            "target",
            "found 3",
            "C = 3"),
        new BadInput(
            "negative class index that is not the ignore-index",
            new Tensor[] {pred, Tensor.indices(new int[] {0, -1, 1, 2}, 4)},
            "target",
            "found -1",
            "-100"),
        new BadInput(
            "the default ignore-index is no class when another one is set",
            Map.of("ignore-index", 1),
            new Tensor[] {pred, Tensor.indices(new int[] {0, -100, 1, 2}, 4)},
            "target",
            "found -100"),
        new BadInput(
            "index target with another batch size",
            new Tensor[] {pred, Tensor.indices(new int[] {0, 1, 2}, 3)},
            "target",
            "(4)",
            "(3)"),
        new BadInput(
            "spatial index target of the wrong shape",
            new Tensor[] {Samples.normal(r, 1, 2, 3, 4), Tensor.indices(new int[6], 2, 3)},
            "target",
            "(2, 4)",
            "(2, 3)"),
        new BadInput(
            "index target of pred's shape",
            new Tensor[] {pred, Tensor.indices(new int[12], 4, 3)},
            "target",
            "integer",
            "(4, 3)"),
        new BadInput(
            "floating target of the index shape",
            new Tensor[] {pred, Tensor.of(new float[] {0f, 1f, 1f, 0f}, 4)},
            "target",
            "floating",
            "(4, 3)"),
        new BadInput(
            "probability target of another shape",
            new Tensor[] {pred, Samples.probabilities(r, 4, 2)},
            "target",
            "(4, 3)",
            "(4, 2)"),
        new BadInput(
            "probability above 1",
            new Tensor[] {
              pred, Tensor.of(new float[] {0, 0, 1.5f, 0, 1, 0, 1, 0, 0, 0, 0, 1}, 4, 3)
            },
            "target",
            "1.5"),
        new BadInput(
            "probability targets with a non-negative ignore-index",
            Map.of("ignore-index", 1),
            new Tensor[] {pred, Samples.simplex(r, 4, 3)},
            "ignore-index",
            "probability",
            "1"),
        new BadInput(
            "weight of the wrong length",
            new Tensor[] {pred, Tensor.indices(new int[] {0, 1, 2, 0}, 4), Tensor.of(new float[4])},
            "weight",
            "(3)",
            "(4)"),
        new BadInput(
            "negative weight",
            new Tensor[] {
              pred, Tensor.indices(new int[] {0, 1, 2, 0}, 4), Tensor.of(new float[] {1, -1, 1})
            },
            "weight",
            "-1.0"),
        new BadInput(
            "NaN weight",
            new Tensor[] {
              pred,
              Tensor.indices(new int[] {0, 1, 2, 0}, 4),
              Tensor.of(new float[] {1, Float.NaN, 1})
            },
            "weight",
            "NaN"),
        new BadInput(
            "scalar pred",
            new Tensor[] {Tensor.scalar(1f), Tensor.integral(new float[] {0f})},
            "pred",
            "()"),
        new BadInput(
            "no classes",
            new Tensor[] {Tensor.of(new float[0], 2, 0), Tensor.indices(new int[] {0, 0}, 2)},
            "pred",
            "C >= 1"),
        new BadInput(
            "infinite logit",
            new Tensor[] {
              Tensor.of(new float[] {Float.POSITIVE_INFINITY, 0, 0}, 1, 3),
              Tensor.indices(new int[] {0}, 1)
            },
            "pred"));
  }

  // ---------------------------------------------------------------- beyond the contract

  private static final LossSpec S = CrossEntropyLoss.SPEC;

  private static Loss loss(double smoothing, long ignore) {
    return S.create(Map.of("label-smoothing", smoothing, "ignore-index", ignore));
  }

  @Test
  void everyCombinationOfTargetWeightSmoothingIgnoreAndLayoutMatchesTheOracle() {
    SplittableRandom r = new SplittableRandom(2024);
    int[][] shapes = {{5, 4}, {3, 4, 5}, {2, 4, 3, 2}, {4}};
    for (int[] shape : shapes) {
      for (String kind : new String[] {"indices", "ignored", "probabilities"}) {
        for (boolean weighted : new boolean[] {false, true}) {
          for (double s : new double[] {0, 0.2}) {
            for (long ignore : new long[] {-100, 1}) {
              if (kind.equals("probabilities") && ignore >= 0) {
                continue;
              }
              Tensor pred = Samples.normal(r, 3, shape);
              int[] rowShape = shape.length == 1 ? new int[0] : dropOne(shape);
              Tensor target;
              if (kind.equals("probabilities")) {
                target =
                    shape.length == 1
                        ? Samples.simplex(r, 1, 4).reshape(4)
                        : Samples.simplex(r, shape);
              } else {
                int[] y = new int[dev.losskit.Shapes.size(rowShape)];
                for (int i = 0; i < y.length; i++) {
                  y[i] = kind.equals("ignored") && i % 3 == 1 ? (int) ignore : r.nextInt(4);
                }
                target =
                    rowShape.length == 0
                        ? Tensor.integral(new float[] {y[0]})
                        : Tensor.indices(y, rowShape);
              }
              Tensor w = weighted ? Tensor.of(new float[] {0.5f, 1f, 2f, 3f}) : null;
              Tensor[] in = {pred, target, w};
              boolean indices = target.isIntegral();
              SoftmaxOracleCheck.check(
                  loss(s, ignore),
                  in,
                  x -> naive(x[0], shape, x[1], indices, x[2], ignore, s),
                  "shape "
                      + dev.losskit.Shapes.toString(shape)
                      + " "
                      + kind
                      + " weighted="
                      + weighted
                      + " s="
                      + s
                      + " ignore="
                      + ignore);
            }
          }
        }
      }
    }
  }

  private static int[] dropOne(int[] shape) {
    return dev.losskit.Shapes.drop(shape, 1);
  }

  @Test
  void uniformLogitsCostLogC() {
    Tensor pred =
        Tensor.of(new float[] {0.7f, 0.7f, 0.7f, 0.7f, 0.7f, -3f, -3f, -3f, -3f, -3f}, 2, 5);
    Tensor target = Tensor.indices(new int[] {4, 0}, 2);
    for (double s : new double[] {0, 0.3, 1}) {
      assertEquals(Math.log(5), loss(s, -100).value(pred, target), 1e-12);
    }
  }

  @Test
  void extremeLogitsGiveExactValuesAndGradients() {
    Tensor pred = Tensor.of(new float[] {1000f, -1000f, 0f}, 1, 3);
    LossResult r = S.create().evaluate(Reduction.SUM, pred, Tensor.indices(new int[] {1}, 1));
    assertEquals(2000.0, r.value(), 0);
    float[] g = r.grad(0).data();
    assertEquals(1f, g[0], 0f);
    assertEquals(-1f, g[1], 0f);
    assertEquals(0f, g[2], 0f);
    assertEquals(0.0, S.create().value(Reduction.SUM, pred, Tensor.indices(new int[] {0}, 1)), 0);
  }

  @Test
  void ignoredTargetsContributeNothingAndLeaveTheMeanDenominator() {
    SplittableRandom r = new SplittableRandom(8);
    Tensor pred = Samples.normal(r, 2, 5, 3);
    Tensor w = Tensor.of(new float[] {0.5f, 2f, 1f});
    Tensor target = Tensor.indices(new int[] {2, -100, 0, -100, 1}, 5);
    Loss loss = loss(0.1, -100);
    LossResult full = loss.evaluate(Reduction.MEAN, pred, target, w);
    // The three kept rows alone give the same mean: ignored rows are out of the denominator.
    float[] kept = new float[9];
    int[] rows = {0, 2, 4};
    for (int k = 0; k < 3; k++) {
      System.arraycopy(pred.data(), rows[k] * 3, kept, k * 3, 3);
    }
    double subset =
        loss.value(
            Reduction.MEAN, Tensor.of(kept, 3, 3), Tensor.indices(new int[] {2, 0, 1}, 3), w);
    assertEquals(subset, full.value(), 1e-12);
    float[] g = full.grad(0).data();
    for (int c = 0; c < 3; c++) {
      assertEquals(0f, g[3 + c], 0f);
      assertEquals(0f, g[9 + c], 0f);
    }
    // Whatever the logits of ignored rows, the value is the same.
    float[] moved = pred.data().clone();
    moved[4] = 50f;
    moved[10] = -50f;
    assertEquals(
        full.value(), loss.value(Reduction.MEAN, Tensor.of(moved, 5, 3), target, w), 1e-12);
    // Every target ignored: PyTorch gives NaN; this gives 0 and a zero gradient.
    LossResult none =
        loss.evaluate(
            Reduction.MEAN, pred, Tensor.indices(new int[] {-100, -100, -100, -100, -100}, 5), w);
    assertEquals(0.0, none.value(), 0);
    for (float v : none.grad(0).data()) {
      assertEquals(0f, v, 0f);
    }
  }

  @Test
  void weightedMeanDividesByTheWeightsOfTheTargetClasses() {
    Tensor pred = Tensor.of(new float[] {1f, 2f, 0f, 0f}, 2, 2);
    Tensor target = Tensor.indices(new int[] {0, 1}, 2);
    Tensor w = Tensor.of(new float[] {3f, 1f});
    double l0 = Math.log1p(Math.exp(1)); // -log softmax([1, 2])[0]
    double l1 = Math.log(2);
    assertEquals((3 * l0 + l1) / 4, S.create().value(pred, target, w), 1e-12);
    assertEquals(3 * l0 + l1, S.create().value(Reduction.SUM, pred, target, w), 1e-12);
  }

  @Test
  void smoothingWithWeightsFollowsPyTorch() {
    // PyTorch 1.13: (1 - s) * nll_loss(weight) + s / C * sum_c w_c (-log q_c), both over sum of
    // w_y.
    Tensor pred = Tensor.of(new float[] {1f, 2f, 0f, 0f}, 2, 2);
    Tensor target = Tensor.indices(new int[] {0, 1}, 2);
    Tensor w = Tensor.of(new float[] {3f, 1f});
    double s = 0.4;
    double a0 = Math.log1p(Math.exp(1));
    double a1 = Math.log1p(Math.exp(-1));
    double b = Math.log(2);
    double expected = ((1 - s) * (3 * a0 + b) + s / 2 * ((3 * a0 + a1) + (3 * b + b))) / 4;
    assertEquals(expected, loss(s, -100).value(pred, target, w), 1e-12);
  }

  @Test
  void spatialLogitsEqualTheirRowsTransposed() {
    SplittableRandom r = new SplittableRandom(31);
    int n = 2;
    int c = 3;
    int h = 4;
    int wd = 5;
    Tensor pred = Samples.normal(r, 2, n, c, h, wd);
    Tensor target = Samples.classes(r, c, n, h, wd);
    float[] rows = new float[pred.size()];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < c; k++) {
        for (int j = 0; j < h * wd; j++) {
          rows[((i * h * wd) + j) * c + k] = pred.data()[(i * c + k) * h * wd + j];
        }
      }
    }
    Tensor flatPred = Tensor.of(rows, n * h * wd, c);
    Tensor flatTarget = target.reshape(n * h * wd);
    Tensor weight = Tensor.of(new float[] {1f, 2f, 0.5f});
    Loss loss = loss(0.2, -100);
    LossResult spatial = loss.evaluate(Reduction.MEAN, pred, target, weight);
    LossResult flat = loss.evaluate(Reduction.MEAN, flatPred, flatTarget, weight);
    assertEquals(flat.value(), spatial.value(), 1e-12);
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < c; k++) {
        for (int j = 0; j < h * wd; j++) {
          assertEquals(
              flat.grad(0).data()[((i * h * wd) + j) * c + k],
              spatial.grad(0).data()[(i * c + k) * h * wd + j],
              0f);
        }
      }
    }
  }

  @Test
  void unbatchedLogitsEqualABatchOfOne() {
    Tensor pred = Tensor.of(new float[] {0.3f, -1f, 2f, 0.5f});
    Loss loss = loss(0.1, -100);
    LossResult one = loss.evaluate(Reduction.NONE, pred, Tensor.integral(new float[] {2f}));
    LossResult batch =
        loss.evaluate(Reduction.NONE, pred.reshape(1, 4), Tensor.indices(new int[] {2}, 1));
    assertEquals(
        0, S.create().check(new Tensor[] {pred, Tensor.integral(new float[] {2f}), null}).length);
    assertEquals(1, one.values().size());
    assertEquals(batch.values().data()[0], one.values().data()[0], 0f);
    for (int i = 0; i < 4; i++) {
      assertEquals(batch.grad(0).data()[i], one.grad(0).data()[i], 0f);
    }
  }

  @Test
  void oneHotProbabilitiesEqualClassIndices() {
    SplittableRandom r = new SplittableRandom(4);
    Tensor pred = Samples.normal(r, 2, 6, 4);
    int[] y = {3, 0, 2, 1, 1, 3};
    float[] onehot = new float[24];
    for (int i = 0; i < 6; i++) {
      onehot[i * 4 + y[i]] = 1f;
    }
    Tensor w = Tensor.of(new float[] {0.5f, 1f, 2f, 3f});
    for (double s : new double[] {0, 0.3}) {
      Loss loss = loss(s, -100);
      // Unweighted, both means divide by the number of rows.
      assertEquals(
          loss.value(pred, Tensor.indices(y, 6)), loss.value(pred, Tensor.of(onehot, 6, 4)), 1e-6);
      // Weighted, the sums agree (the means do not: PyTorch divides probability targets by N).
      assertEquals(
          loss.value(Reduction.SUM, pred, Tensor.indices(y, 6), w),
          loss.value(Reduction.SUM, pred, Tensor.of(onehot, 6, 4), w),
          1e-5);
    }
    assertEquals(
        loss(0, -100).value(Reduction.SUM, pred, Tensor.of(onehot, 6, 4), w) / 6,
        loss(0, -100).value(pred, Tensor.of(onehot, 6, 4), w),
        1e-12);
  }

  @Test
  void aliasNamesTheSameLoss() {
    assertEquals(S, dev.losskit.Catalog.builtin().get("pixelwise-softmax-ce"));
  }
}

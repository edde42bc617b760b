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
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CategoricalCeLossTest extends LossContractTest {
  private static final LossSpec S = CategoricalCeLoss.SPEC;

  @Override
  protected String id() {
    return "categorical-ce";
  }

  /** -sum_c t_c log(clip(p_c, eps, 1)) along the axis, element by element from multi-indices. */
  static Oracle naive(double[] p, double[] t, int[] shape, long axis, double eps) {
    int a = (int) (axis < 0 ? axis + shape.length : axis);
    int[] out = new int[shape.length - 1];
    for (int d = 0, k = 0; d < shape.length; d++) {
      if (d != a) {
        out[k++] = shape[d];
      }
    }
    int size = 1;
    for (int d : out) {
      size *= d;
    }
    double[] l = new double[size];
    int[] idx = new int[shape.length];
    for (int i = 0; i < p.length; i++) {
      // Unravel i, then ravel it without the class axis.
      int rest = i;
      for (int d = shape.length - 1; d >= 0; d--) {
        idx[d] = rest % shape[d];
        rest /= shape[d];
      }
      int pos = 0;
      for (int d = 0; d < shape.length; d++) {
        if (d != a) {
          pos = pos * shape[d] + idx[d];
        }
      }
      l[pos] -= t[i] * Math.log(Math.min(1, Math.max(p[i], eps)));
    }
    return Oracle.of(l);
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    return naive(in.get(0), in.get(1), in.shape(0), p.integer("axis"), p.real("eps"));
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("axis", -1),
        Map.of("axis", "0"),
        Map.of("axis", 2),
        Map.of("axis", -3),
        Map.of("eps", 1e-3),
        Map.of("eps", "0.05"));
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    // Probabilities of exactly 0 and 1, on and off the target, in the layout the axis asks for.
    float[] pred = {0f, 1f, 0f, 1f, 0f, 0f, 1e-30f, 0.5f, 0.5f, 0f, 0f, 0f};
    float[] target = {1f, 0f, 0f, 1f, 0f, 0f, 1f, 0f, 0f, 0.5f, 0.5f, 0f};
    long axis = p.integer("axis");
    int rank = (int) Math.max(2, axis < 0 ? -axis : axis + 1);
    int[] shape = new int[rank];
    java.util.Arrays.fill(shape, 1);
    int a = (int) (axis < 0 ? axis + rank : axis);
    shape[a] = 3;
    shape[a == 0 ? 1 : 0] = 4;
    Tensor pt = Tensor.of(pred.clone(), shape);
    Tensor tt = Tensor.of(target.clone(), shape);
    return List.<Tensor[]>of(new Tensor[] {pt, tt});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor p = Samples.simplex(r, 4, 3);
    return List.of(
        new BadInput(
            "axis beyond the rank",
            Map.of("axis", 2),
            new Tensor[] {p, p},
            "axis",
            "found 2",
            "(4, 3)"),
        new BadInput(
            "negative axis beyond the rank",
            Map.of("axis", -3),
            new Tensor[] {p, p},
            "axis",
            "found -3"),
        new BadInput(
            "scalar pred", new Tensor[] {Tensor.scalar(0.5f), Tensor.scalar(1f)}, "axis", "()"),
        new BadInput(
            "target of another shape",
            new Tensor[] {p, Samples.simplex(r, 3, 4)},
            "target",
            "(4, 3)",
            "(3, 4)"),
        new BadInput(
            "probability above 1",
            new Tensor[] {
              Tensor.of(new float[] {0.5f, 1.25f}, 1, 2), Tensor.of(new float[] {1f, 0f}, 1, 2)
            },
            "pred",
            "1.25"),
        new BadInput(
            "negative target",
            new Tensor[] {
              Tensor.of(new float[] {0.5f, 0.5f}, 1, 2), Tensor.of(new float[] {-1f, 0f}, 1, 2)
            },
            "target",
            "-1.0"));
  }

  // ---------------------------------------------------------------- beyond the contract

  @Test
  void oneHotTargetsGiveMinusLogOfTheTargetProbability() {
    Tensor p = Tensor.of(new float[] {0.2f, 0.7f, 0.1f, 0.6f, 0.3f, 0.1f}, 2, 3);
    Tensor t = Tensor.of(new float[] {0f, 1f, 0f, 0f, 0f, 1f}, 2, 3);
    assertEquals((-Math.log(0.7f) - Math.log(0.1f)) / 2, S.create().value(p, t), 1e-7);
  }

  @Test
  void probabilitiesBelowEpsAreClippedWithAZeroGradient() {
    Tensor p = Tensor.of(new float[] {0f, 1f, 1e-9f, 1f - 1e-9f}, 2, 2);
    Tensor t = Tensor.of(new float[] {1f, 0f, 0.5f, 0.5f}, 2, 2);
    LossResult r = S.create().evaluate(Reduction.NONE, p, t);
    assertEquals(-Math.log(1e-7), r.values().data()[0], 1e-5);
    assertEquals(-0.5 * Math.log(1e-7), r.values().data()[1], 1e-5);
    assertEquals(0f, r.grad(0).data()[0], 0f);
    assertEquals(0f, r.grad(0).data()[2], 0f);
    assertEquals(-0.5f, r.grad(0).data()[3], 1e-6f);
    Loss coarse = S.create(Map.of("eps", 0.01));
    assertEquals(
        -Math.log(0.01),
        coarse.value(Reduction.SUM, p, Tensor.of(new float[] {1f, 0f, 0f, 0f}, 2, 2)),
        1e-12);
  }

  @Test
  void probabilityOneOnTheTargetCostsNothing() {
    Tensor p = Tensor.of(new float[] {0f, 1f, 0f}, 1, 3);
    LossResult r = S.create().evaluate(Reduction.SUM, p, Tensor.of(new float[] {0f, 1f, 0f}, 1, 3));
    assertEquals(0.0, r.value(), 0);
    assertEquals(-1f, r.grad(0).data()[1], 0f);
  }

  @Test
  void rowsAreNotRenormalised() {
    // Keras would renormalise [0.2, 0.2] to [0.5, 0.5] and give log 2; the catalogue formula gives
    // -log 0.2.
    Tensor p = Tensor.of(new float[] {0.2f, 0.2f}, 1, 2);
    Tensor t = Tensor.of(new float[] {1f, 0f}, 1, 2);
    assertEquals(-Math.log(0.2f), S.create().value(p, t), 1e-7);
  }

  @Test
  void channelsLastEqualsChannelsFirstTransposed() {
    SplittableRandom r = new SplittableRandom(6);
    int n = 2;
    int c = 4;
    int hw = 6;
    Tensor p = Samples.simplex(r, n, c, hw);
    Tensor t = Samples.simplex(r, n, c, hw);
    float[] pl = new float[p.size()];
    float[] tl = new float[t.size()];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < c; k++) {
        for (int j = 0; j < hw; j++) {
          pl[(i * hw + j) * c + k] = p.data()[(i * c + k) * hw + j];
          tl[(i * hw + j) * c + k] = t.data()[(i * c + k) * hw + j];
        }
      }
    }
    LossResult first = S.create().evaluate(Reduction.NONE, p, t);
    LossResult last =
        S.create(Map.of("axis", -1))
            .evaluate(Reduction.NONE, Tensor.of(pl, n, 2, 3, c), Tensor.of(tl, n, 2, 3, c));
    assertEquals(n * hw, last.values().size());
    for (int i = 0; i < n * hw; i++) {
      assertEquals(first.values().data()[i], last.values().data()[i], 1e-6f);
    }
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < c; k++) {
        for (int j = 0; j < hw; j++) {
          assertEquals(
              first.grad(0).data()[(i * c + k) * hw + j],
              last.grad(0).data()[(i * hw + j) * c + k],
              0f);
        }
      }
    }
  }

  @Test
  void aliasNamesTheSameLoss() {
    assertEquals(S, dev.losskit.Catalog.builtin().get("pixelwise-ce"));
  }
}

package dev.losskit.divergence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

class KlLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "kl";
  }

  /** sum_c p' log(p' / q') along the axis with p', q' clipped to [eps, 1]; mean over positions. */
  static Oracle naive(double[] q, double[] p, int[] shape, long axis, double eps) {
    int[][] rows = AxisIndex.rows(shape, axis);
    double[] l = new double[rows.length];
    for (int pos = 0; pos < rows.length; pos++) {
      for (int i : rows[pos]) {
        double pc = Math.min(1, Math.max(eps, p[i]));
        double qc = Math.min(1, Math.max(eps, q[i]));
        l[pos] += pc * Math.log(pc / qc);
      }
    }
    return Oracle.of(l);
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    return naive(in.get(0), in.get(1), in.shape(0), p.integer("axis"), p.real("eps"));
  }

  /** eps stays below the sampled probabilities (at least about 0.008): the clip is tested below. */
  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("axis", -1),
        Map.of("axis", "0"),
        Map.of("axis", 2),
        Map.of("axis", -3),
        Map.of("eps", 1e-3),
        Map.of("eps", "0.005", "axis", -1));
  }

  /** Rank-1 (one distribution) and spatial layouts, rows that do not sum to 1. */
  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    long axis = p.integer("axis");
    if (axis != 1 && axis != -1 && axis != 0) {
      return List.of();
    }
    float[] q = {0.3f, 0.6f, 0.05f, 0.9f, 0.2f, 0.4f};
    float[] t = {0.5f, 0.1f, 0.4f, 0.7f, 0.7f, 0.02f};
    List<Tensor[]> out =
        new java.util.ArrayList<>(
            List.<Tensor[]>of(new Tensor[] {Tensor.of(q, 3, 2), Tensor.of(t, 3, 2)}));
    if (axis != 1) {
      out.add(new Tensor[] {Tensor.of(q.clone()), Tensor.of(t.clone())});
    }
    return out;
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    // Zeros in p and q, ones, and both zero, in the layout the axis asks for.
    float[] q = {0f, 1f, 0f, 1f, 0f, 0f, 1e-30f, 0.5f, 0.5f, 0f, 0f, 1f};
    float[] t = {1f, 0f, 0f, 1f, 0f, 0f, 1f, 0f, 0f, 0.5f, 0.5f, 0f};
    long axis = p.integer("axis");
    int rank = (int) Math.max(2, axis < 0 ? -axis : axis + 1);
    int[] shape = new int[rank];
    java.util.Arrays.fill(shape, 1);
    int a = (int) (axis < 0 ? axis + rank : axis);
    shape[a] = 3;
    shape[a == 0 ? 1 : 0] = 4;
    return List.<Tensor[]>of(new Tensor[] {Tensor.of(q, shape), Tensor.of(t, shape)});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor p = AxisRows.simplex(r, new int[] {4, 3}, 1);
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
            new Tensor[] {p, AxisRows.simplex(r, new int[] {3, 4}, 1)},
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

  private static Loss kl(Map<String, ?> params) {
    return KlLoss.SPEC.create(params);
  }

  @Test
  void distributionsGiveTheKlDivergence() {
    Tensor q = Tensor.of(new float[] {0.2f, 0.3f, 0.5f}, 1, 3);
    Tensor p = Tensor.of(new float[] {0.1f, 0.1f, 0.8f}, 1, 3);
    double expected = 0;
    for (int c = 0; c < 3; c++) {
      double pc = p.data()[c];
      expected += pc * Math.log(pc / q.data()[c]);
    }
    assertEquals(expected, kl(Map.of()).value(q, p), 1e-7);
    assertEquals(0.0, kl(Map.of()).value(q, q), 0.0);
  }

  @Test
  void zerosAreClippedAtEpsAndClippedPredictionsGetNoGradient() {
    double eps = 1e-12;
    Tensor q = Tensor.of(new float[] {0f, 1f, 0.5f, 0.5f}, 2, 2);
    Tensor p = Tensor.of(new float[] {1f, 0f, 0f, 1f}, 2, 2);
    LossResult r = kl(Map.of()).evaluate(Reduction.NONE, q, p);
    // Row 0: 1 log(1 / eps) + eps log(eps / 1); row 1: eps log(eps / 0.5) + log(2).
    assertEquals(Math.log(1 / eps) + eps * Math.log(eps), r.values().data()[0], 1e-5);
    assertEquals(eps * Math.log(2 * eps) + Math.log(2), r.values().data()[1], 1e-6);
    assertArrayEquals(
        new float[] {0f, (float) -eps, (float) (-eps / 0.5), -2f}, r.grad(0).data(), 1e-12f);
    assertTrue(r.grad(0).data()[0] == 0f);
  }

  @Test
  void epsClipsBothInputs() {
    Tensor q = Tensor.of(new float[] {0.001f, 0.999f}, 1, 2);
    Tensor p = Tensor.of(new float[] {0.002f, 0.998f}, 1, 2);
    double eps = 0.01;
    double expected = 0.01 * Math.log(0.01 / 0.01) + 0.998 * Math.log(0.998 / (double) 0.999f);
    LossResult r = kl(Map.of("eps", eps)).evaluate(Reduction.SUM, q, p);
    assertEquals((float) 0.998 * Math.log((float) 0.998 / (double) 0.999f), r.value(), 1e-7);
    assertEquals(expected, r.value(), 1e-6);
    assertEquals(0f, r.grad(0).data()[0], 0f);
  }

  @Test
  void meanIsOverSamples() {
    SplittableRandom r = new SplittableRandom(3);
    Tensor q = AxisRows.simplex(r, new int[] {5, 4}, 1);
    Tensor p = AxisRows.simplex(r, new int[] {5, 4}, 1);
    Loss loss = kl(Map.of());
    assertEquals(loss.value(Reduction.SUM, q, p) / 5, loss.value(Reduction.MEAN, q, p), 1e-12);
  }
}

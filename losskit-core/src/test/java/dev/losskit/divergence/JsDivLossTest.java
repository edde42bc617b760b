package dev.losskit.divergence;

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

class JsDivLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "js-div";
  }

  /** 0.5 KL(p || m) + 0.5 KL(q || m), m = (p + q) / 2, 0 log 0 = 0; mean over positions. */
  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[] q = in.get(0);
    double[] t = in.get(1);
    int[][] rows = AxisIndex.rows(in.shape(0), p.integer("axis"));
    double[] l = new double[rows.length];
    for (int pos = 0; pos < rows.length; pos++) {
      double klP = 0;
      double klQ = 0;
      for (int i : rows[pos]) {
        double m = (t[i] + q[i]) / 2;
        klP += t[i] == 0 ? 0 : t[i] * Math.log(t[i] / m);
        klQ += q[i] == 0 ? 0 : q[i] * Math.log(q[i] / m);
      }
      l[pos] = 0.5 * klP + 0.5 * klQ;
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("axis", -1), Map.of("axis", "0"), Map.of("axis", 2), Map.of("axis", -3));
  }

  /** Rows that do not sum to 1 and a zero target entry (q > 0 there, so the loss is smooth). */
  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    long axis = p.integer("axis");
    if (axis != 1 && axis != -1) {
      return List.of();
    }
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {0.3f, 0.6f, 0.05f, 0.9f, 0.2f, 0.4f}, 2, 3),
          Tensor.of(new float[] {0.5f, 0f, 0.4f, 0.7f, 0.7f, 0.02f}, 2, 3)
        });
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
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
              Tensor.of(new float[] {0.5f, 0.5f}, 1, 2), Tensor.of(new float[] {1.5f, 0f}, 1, 2)
            },
            "target",
            "1.5"));
  }

  // ---------------------------------------------------------------- beyond the contract

  private static final Loss JS = JsDivLoss.SPEC.create();

  @Test
  void disjointDistributionsGiveLogTwo() {
    Tensor q = Tensor.of(new float[] {1f, 0f, 0f, 0f, 0.5f, 0.5f}, 2, 3);
    Tensor p = Tensor.of(new float[] {0f, 0.3f, 0.7f, 1f, 0f, 0f}, 2, 3);
    LossResult r = JS.evaluate(Reduction.NONE, q, p);
    assertEquals(Math.log(2), r.values().data()[0], 1e-7);
    assertEquals(Math.log(2), r.values().data()[1], 1e-7);
  }

  @Test
  void valueIsSymmetricAndZeroAtTheTarget() {
    SplittableRandom r = new SplittableRandom(8);
    Tensor q = AxisRows.simplex(r, new int[] {6, 5}, 1);
    Tensor p = AxisRows.simplex(r, new int[] {6, 5}, 1);
    assertEquals(JS.value(Reduction.SUM, q, p), JS.value(Reduction.SUM, p, q), 1e-12);
    assertEquals(0.0, JS.value(Reduction.SUM, q, q), 1e-12);
    double v = JS.value(Reduction.MEAN, q, p);
    assertTrue(v > 0 && v < Math.log(2), "between 0 and log 2: " + v);
  }

  @Test
  void gradientAtAZeroPredictionIsFinite() {
    // q = 0 with p > 0: 1/2 log(2 q / (p + q)) taken at q = Float.MIN_NORMAL; q = p = 0: log(2)/2.
    Tensor q = Tensor.of(new float[] {0f, 1f, 0f}, 1, 3);
    Tensor p = Tensor.of(new float[] {0.5f, 0.5f, 0f}, 1, 3);
    float[] g = JS.evaluate(Reduction.SUM, q, p).grad(0).data();
    double floor = Float.MIN_NORMAL;
    assertEquals(0.5 * Math.log(2 * floor / (0.5 + floor)), g[0], 1e-5);
    assertTrue(g[0] < -40);
    assertEquals(0.5 * Math.log(2 / 1.5), g[1], 1e-7);
    assertEquals(0.5 * Math.log(2), g[2], 1e-7);
  }

  @Test
  void gradientIsHalfTheLogRatioToTheMixture() {
    Tensor q = Tensor.of(new float[] {0.2f, 0.8f}, 1, 2);
    Tensor p = Tensor.of(new float[] {0.6f, 0.4f}, 1, 2);
    float[] g = JS.evaluate(Reduction.SUM, q, p).grad(0).data();
    assertEquals(0.5 * Math.log(0.2f / ((0.2f + 0.6f) / 2.0)), g[0], 1e-7);
    assertEquals(0.5 * Math.log(0.8f / ((0.8f + 0.4f) / 2.0)), g[1], 1e-7);
  }
}

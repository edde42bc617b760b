package dev.losskit.divergence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EntropyLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "entropy";
  }

  /** -sum p log p along the axis (p = softmax(pred) with from-logits); mean over positions. */
  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[] x = in.get(0);
    int[][] rows = AxisIndex.rows(in.shape(0), p.integer("axis"));
    double[] l = new double[rows.length];
    for (int pos = 0; pos < rows.length; pos++) {
      double[] prob = new double[rows[pos].length];
      double z = 0;
      for (int c = 0; c < prob.length; c++) {
        prob[c] = p.bool("from-logits") ? Math.exp(x[rows[pos][c]]) : x[rows[pos][c]];
        z += prob[c];
      }
      for (int c = 0; c < prob.length; c++) {
        double pc = p.bool("from-logits") ? prob[c] / z : prob[c];
        l[pos] -= pc == 0 ? 0 : pc * Math.log(pc);
      }
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("from-logits", true),
        Map.of("axis", -1),
        Map.of("axis", "0"),
        Map.of("axis", 2),
        Map.of("from-logits", "true", "axis", -1),
        Map.of("from-logits", true, "axis", -3));
  }

  /** Rank-1 (one distribution) and masses that do not sum to 1. */
  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    long axis = p.integer("axis");
    if (axis != 0 && axis != -1) {
      return List.of();
    }
    return List.<Tensor[]>of(
        new Tensor[] {Tensor.of(new float[] {0.1f, 0.2f, 0.7f})},
        new Tensor[] {Tensor.of(new float[] {0.3f, 0.5f, 0.05f, 0.2f, 0.9f, 0.4f}, 2, 3)});
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    float[] x =
        p.bool("from-logits")
            ? new float[] {1000f, -1000f, 0f, -1000f, -1000f, -1000f, 3e38f, -3e38f, 0f}
            : new float[] {0f, 1f, 0f, 0f, 0f, 0f, 1e-30f, 0.5f, 0.5f};
    long axis = p.integer("axis");
    int rank = (int) Math.max(2, axis < 0 ? -axis : axis + 1);
    int[] shape = new int[rank];
    java.util.Arrays.fill(shape, 1);
    int a = (int) (axis < 0 ? axis + rank : axis);
    shape[a] = 3;
    shape[a == 0 ? 1 : 0] = 3;
    return List.<Tensor[]>of(new Tensor[] {Tensor.of(x, shape)});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "negative probability",
            new Tensor[] {Tensor.of(new float[] {0.5f, -0.5f, 1f}, 1, 3)},
            "pred",
            "probabilities in [0, 1]",
            "-0.5"),
        new BadInput(
            "probability above 1",
            new Tensor[] {Tensor.of(new float[] {0.5f, 1.5f, 0f}, 1, 3)},
            "pred",
            "probabilities in [0, 1]",
            "1.5"),
        new BadInput(
            "axis beyond the rank",
            Map.of("axis", 2),
            new Tensor[] {Tensor.of(new float[] {0.5f, 0.5f}, 1, 2)},
            "axis",
            "found 2",
            "(1, 2)"),
        new BadInput("scalar pred", new Tensor[] {Tensor.scalar(0.5f)}, "axis", "()"));
  }

  // ---------------------------------------------------------------- beyond the contract

  @Test
  void uniformDistributionsHaveEntropyLogCAndOneHotOnesZero() {
    Tensor p = Tensor.of(new float[] {0.25f, 0.25f, 0.25f, 0.25f, 0f, 1f, 0f, 0f}, 2, 4);
    LossResult r = EntropyLoss.SPEC.create().evaluate(Reduction.NONE, p);
    assertEquals(Math.log(4), r.values().data()[0], 1e-7);
    assertEquals(0f, r.values().data()[1], 0f);
    Tensor logits = Tensor.of(new float[] {7f, 7f, 7f, 7f, 1000f, -1000f, 0f, -5f}, 2, 4);
    LossResult fromLogits =
        EntropyLoss.SPEC.create(Map.of("from-logits", true)).evaluate(Reduction.NONE, logits);
    assertEquals(Math.log(4), fromLogits.values().data()[0], 1e-7);
    assertEquals(0f, fromLogits.values().data()[1], 0f);
  }

  @Test
  void gradientAtAZeroProbabilityIsTakenAtTheSmallestNormalFloat() {
    Tensor p = Tensor.of(new float[] {0f, 1f, 0.5f}, 1, 3);
    float[] g = EntropyLoss.SPEC.create().evaluate(Reduction.SUM, p).grad(0).data();
    assertEquals(-Math.log(Float.MIN_NORMAL) - 1, g[0], 1e-5);
    assertTrue(g[0] > 86 && g[0] < 87, "about 86.3: " + g[0]);
    assertEquals(-1f, g[1], 0f);
    assertEquals(Math.log(2) - 1, g[2], 1e-7);
  }

  @Test
  void logitsGiveTheEntropyOfTheirSoftmaxAndTheChainRuleGradient() {
    SplittableRandom r = new SplittableRandom(19);
    Tensor x = Samples.normal(r, 2, 3, 5);
    float[] q = new float[15];
    for (int n = 0; n < 3; n++) {
      double z = 0;
      for (int c = 0; c < 5; c++) {
        z += Math.exp(x.data()[n * 5 + c]);
      }
      for (int c = 0; c < 5; c++) {
        q[n * 5 + c] = (float) (Math.exp(x.data()[n * 5 + c]) / z);
      }
    }
    Loss probs = EntropyLoss.SPEC.create();
    Loss logits = EntropyLoss.SPEC.create(Map.of("from-logits", true));
    LossResult a = probs.evaluate(Reduction.NONE, Tensor.of(q, 3, 5));
    LossResult b = logits.evaluate(Reduction.NONE, x);
    for (int n = 0; n < 3; n++) {
      assertEquals(a.values().data()[n], b.values().data()[n], 1e-6f);
      // dH/dx_j = sum_c dH/dp_c q_c ([c = j] - q_j).
      for (int j = 0; j < 5; j++) {
        double chain = 0;
        for (int c = 0; c < 5; c++) {
          double dq = q[n * 5 + c] * ((c == j ? 1 : 0) - q[n * 5 + j]);
          chain += a.grad(0).data()[n * 5 + c] * dq;
        }
        assertEquals(chain, b.grad(0).data()[n * 5 + j], 1e-6);
      }
    }
  }
}

package dev.losskit.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
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

class CosFaceLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "cosface";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("scale", "30", "margin", "0.1"), Map.of("margin", 0.0));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double s = p.real("scale");
    double m = p.real("margin");
    double[] cos = in.get(0);
    double[] y = in.get(1);
    int n = in.shape(0)[0];
    int classes = in.shape(0)[1];
    double[] l = new double[n];
    double[] z = new double[classes];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < classes; j++) {
        z[j] = s * (cos[i * classes + j] - (j == (int) y[i] ? m : 0));
      }
      l[i] = Naive.logSumExp(z) - z[(int) y[i]];
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return MetricCases.cosineExtremes();
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return MetricCases.cosineBadInputs();
  }

  @Test
  void theMarginIsSubtractedFromTheTargetCosine() {
    // s (c_y - m) = 2 (0.85 - 0.35) = 1, other logit 2 * 0.5 = 1: l = log 2.
    LossResult r =
        Catalog.builtin()
            .create("cosface", Map.of("scale", 2))
            .evaluate(
                Reduction.SUM,
                Tensor.of(new float[] {0.5f, 0.85f}, 1, 2),
                Tensor.indices(new int[] {1}));
    assertEquals(Math.log(2), r.value(), 1e-6);
    assertEquals(2 * 0.5, r.grad("cosine").data()[0], 1e-6);
    assertEquals(2 * -0.5, r.grad("cosine").data()[1], 1e-6);
  }

  @Test
  void aConfidentCorrectRowHasATinyButNonZeroLossAndGradient() {
    LossResult r =
        Catalog.builtin()
            .create("cosface")
            .evaluate(
                Reduction.SUM,
                Tensor.of(new float[] {1, -1, -1}, 1, 3),
                Tensor.indices(new int[] {0}));
    // 1 - softmax_y = 2 exp(-64 * 1.65) / (...) ~ 2e-46: computed without cancellation.
    double rest = 2 * Math.exp(-64 * 1.65);
    assertEquals(rest, r.value(), 1e-3 * rest);
    // -64 (1 - softmax_y) ~ -1.8e-44 is a float32 subnormal: non-zero, of the right sign.
    assertTrue(r.grad("cosine").data()[0] < 0);
  }
}

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

class ArcFaceLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "arcface";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("scale", "30", "margin", "0.2"), Map.of("margin", 0.0));
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
        double c = cos[i * classes + j];
        if (j == (int) y[i]) {
          double theta = Math.acos(Math.max(-1 + 1e-7, Math.min(1 - 1e-7, c)));
          z[j] = s * Math.cos(theta + m);
        } else {
          z[j] = s * c;
        }
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
  void withoutMarginItIsSoftmaxCrossEntropyOfScaledCosines() {
    Tensor[] in = MarginSoftmax.sample(new SplittableRandom(6), 9);
    Map<String, Object> noMargin = Map.of("margin", 0, "scale", 10);
    LossResult arc = Catalog.builtin().create("arcface", noMargin).evaluate(Reduction.SUM, in);
    LossResult cos = Catalog.builtin().create("cosface", noMargin).evaluate(Reduction.SUM, in);
    double expected = 0;
    float[] c = in[0].data();
    for (int i = 0; i < 9; i++) {
      double[] z = new double[5];
      for (int j = 0; j < 5; j++) {
        z[j] = 10.0 * c[i * 5 + j];
      }
      expected += Naive.logSumExp(z) - z[(int) in[1].data()[i]];
    }
    assertEquals(expected, arc.value(), 1e-9 * expected);
    assertEquals(expected, cos.value(), 1e-9 * expected);
    float[] ga = arc.grad("cosine").data();
    float[] gc = cos.grad("cosine").data();
    for (int k = 0; k < ga.length; k++) {
      assertEquals(gc[k], ga[k], 1e-5 * (1 + Math.abs(gc[k])));
    }
  }

  @Test
  void theTargetLogitIsTheCosineOfTheEnlargedAngle() {
    // One class pair: cos_y = cos(pi/3) = 0.5, margin pi/6 -> target cos(pi/2) = 0; other logit 0.
    LossResult r =
        Catalog.builtin()
            .create("arcface", Map.of("scale", 1, "margin", Math.PI / 6))
            .evaluate(
                Reduction.SUM,
                Tensor.of(new float[] {0.5f, 0}, 1, 2),
                Tensor.indices(new int[] {0}));
    assertEquals(Math.log(2), r.value(), 1e-6);
    // dl/dc_y = (softmax_y - 1) sin(pi/2) / sin(pi/3) = -0.5 / (sqrt(3)/2)
    assertEquals(-1 / Math.sqrt(3), r.grad("cosine").data()[0], 1e-6);
    assertEquals(0.5, r.grad("cosine").data()[1], 1e-6);
  }

  @Test
  void cosinesOfExactlyPlusMinusOneGiveFiniteGradients() {
    LossResult r =
        Catalog.builtin()
            .create("arcface")
            .evaluate(
                Reduction.SUM,
                Tensor.of(new float[] {1, -1, 0.5f, -1, 1, 0.5f}, 2, 3),
                Tensor.indices(new int[] {0, 0}));
    assertTrue(Double.isFinite(r.value()));
    float[] g = r.grad("cosine").data();
    // The clamp is active at the target: no gradient there, as through torch.clamp.
    assertEquals(0, g[0], 0);
    assertEquals(0, g[3], 0);
    for (float v : g) {
      assertTrue(Float.isFinite(v));
    }
    // Just inside the clamp the gradient is large but finite.
    LossResult near =
        Catalog.builtin()
            .create("arcface")
            .evaluate(
                Reduction.SUM,
                Tensor.of(new float[] {0.9999999f, 0.99f}, 1, 2),
                Tensor.indices(new int[] {0}));
    assertTrue(Float.isFinite(near.grad("cosine").data()[0]));
    assertTrue(near.grad("cosine").data()[0] < -1);
  }
}

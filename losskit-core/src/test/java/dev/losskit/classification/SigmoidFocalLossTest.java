package dev.losskit.classification;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.TwiceDifferentiable;
import dev.losskit.internal.Samples;
import dev.losskit.testing.LossContractTest;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SigmoidFocalLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "sigmoid-focal";
  }

  /**
   * torchvision's definition, naively: alpha_t (1 - p_t)^gamma BCE(sigmoid(x), t), 1 - p as
   * sigmoid(-x).
   */
  static double[] formula(double[][] in, int[][] shapes, Params params) {
    double alpha = params.real("alpha");
    double gamma = params.real("gamma");
    double[] x = in[0];
    double[] t = in[1];
    double[] l = new double[x.length];
    for (int i = 0; i < l.length; i++) {
      double p = 1 / (1 + Math.exp(-x[i]));
      double q = 1 / (1 + Math.exp(x[i])); // 1 - p, without cancellation
      double ce = -(t[i] * Math.log(p) + (1 - t[i]) * Math.log(q));
      double pt = p * t[i] + q * (1 - t[i]);
      double v = ce * Math.pow(1 - pt, gamma);
      if (alpha >= 0) {
        v *= alpha * t[i] + (1 - alpha) * (1 - t[i]);
      }
      l[i] = v;
    }
    return l;
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    return Oracle.of(BinaryLossChecks.values(SigmoidFocalLossTest::formula, in, p));
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("gamma", 0.0),
        Map.of("gamma", 0.5),
        Map.of("gamma", 1.0),
        Map.of("gamma", 1.5),
        Map.of("gamma", 3.0),
        Map.of("alpha", -1.0),
        Map.of("alpha", "-1", "gamma", "0"),
        Map.of("alpha", 0.0),
        Map.of("alpha", 1.0, "gamma", 0.25),
        Map.of("alpha", 0.5));
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    Tensor x =
        Tensor.of(new float[] {1000, -1000, 1000, -1000, 1000, -1000, 1e30f, -1e30f, 40, -40, 0});
    Tensor t = Tensor.of(new float[] {1, 0, 0, 1, 0.5f, 0.5f, 1, 0, 1, 0, 1});
    Tensor soft =
        Tensor.of(
            new float[] {
              1e-7f, 1 - 6e-8f, 1e-45f, 1 - 6e-8f, 0.5f, 1e-45f, 1e-7f, 1 - 6e-8f, 1e-7f, 1, 0
            });
    return List.<Tensor[]>of(new Tensor[] {x, t}, new Tensor[] {x, soft});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor[] ok = {Tensor.of(new float[] {0.5f}), Tensor.of(new float[] {1})};
    return List.of(
        new BadInput(
            "alpha between -1 and 0",
            Map.of("alpha", -0.5),
            ok,
            "parameter alpha",
            "-1 or a number in [0, 1]",
            "-0.5"),
        new BadInput("alpha above 1", Map.of("alpha", 1.5), ok, "alpha", "1.5"),
        new BadInput("negative gamma", Map.of("gamma", -1), ok, "gamma", "-1"),
        new BadInput(
            "target above 1",
            new Tensor[] {Tensor.of(new float[] {0, 0}), Tensor.of(new float[] {0, 2})},
            "target",
            "probabilities in [0, 1]",
            "2.0"),
        new BadInput(
            "target of another shape",
            new Tensor[] {Tensor.of(new float[6], 2, 3), Tensor.of(new float[6], 1, 6)},
            "target",
            "(2, 3)",
            "(1, 6)"));
  }

  @Test
  void gammaZeroEqualsAlphaWeightedBceWithLogits() {
    SplittableRandom r = new SplittableRandom(51);
    int n = 45;
    float[] x = new float[n];
    float[] t = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = i < 4 ? (i % 2 == 0 ? 1000f : -1000f) : (float) (4 * Samples.gaussian(r));
      t[i] = i % 3 == 0 ? 0f : i % 3 == 1 ? 1f : (float) r.nextDouble();
    }
    Loss bce = Catalog.builtin().get("bce-with-logits").create();
    for (double alpha : new double[] {0.25, 0.0, 1.0, 0.6, -1.0}) {
      float[] w = new float[n];
      for (int i = 0; i < n; i++) {
        w[i] = alpha < 0 ? 1f : (float) (alpha * t[i] + (1 - alpha) * (1 - t[i]));
      }
      Loss focal =
          Catalog.builtin().get("sigmoid-focal").create(Map.of("alpha", alpha, "gamma", 0.0));
      LossResult a = focal.evaluate(Reduction.NONE, Tensor.of(x), Tensor.of(t));
      LossResult b = bce.evaluate(Reduction.NONE, Tensor.of(x), Tensor.of(t), Tensor.of(w));
      float[] ha = ((TwiceDifferentiable) focal).hessian(Tensor.of(x), Tensor.of(t)).data();
      float[] hb =
          ((TwiceDifferentiable) bce).hessian(Tensor.of(x), Tensor.of(t), Tensor.of(w)).data();
      for (int i = 0; i < n; i++) {
        String what = "alpha " + alpha + " element " + i;
        BinaryLossChecks.close(
            b.values().data()[i], a.values().data()[i], 1e-6, 1e-30, what + " value");
        BinaryLossChecks.close(
            b.grad(0).data()[i], a.grad(0).data()[i], 1e-6, 1e-30, what + " gradient");
        BinaryLossChecks.close(hb[i], ha[i], 1e-6, 1e-30, what + " second derivative");
      }
    }
  }

  @Test
  void logitsOfPlusMinus1000AreExact() {
    Tensor x = Tensor.of(new float[] {1000, -1000, 1000, -1000, 1000});
    Tensor t = Tensor.of(new float[] {0, 1, 1, 0, 0.5f});
    // torchvision (float32 gives NaN gradients at m = 0 for gamma < 1; the limits are 0):
    // 0.75 * 1000 * 1^gamma, 0.25 * 1000 * 1^gamma, 0, 0, 0.5 * 500 * 0.5^gamma, and
    // dl/dx = alpha_t m^gamma (gamma r ce + s - t) with r = 0 at every one of these points.
    for (double gamma : new double[] {2, 0, 0.5, 1}) {
      Loss loss = Catalog.builtin().get("sigmoid-focal").create(Map.of("gamma", gamma));
      LossResult res = loss.evaluate(Reduction.NONE, x, t);
      double half = Math.pow(0.5, gamma);
      double[] values = {750, 250, 0, 0, 250 * half};
      double[] grads = {0.75, -0.25, 0, 0, 0.25 * half};
      float[] h = ((TwiceDifferentiable) loss).hessian(x, t).data();
      for (int i = 0; i < values.length; i++) {
        String what = "gamma " + gamma + " element " + i;
        BinaryLossChecks.close(values[i], res.values().data()[i], 1e-7, 0, what + " value");
        BinaryLossChecks.close(grads[i], res.grad(0).data()[i], 1e-7, 0, what + " gradient");
        BinaryLossChecks.close(0, h[i], 0, 0, what + " second derivative");
      }
    }
  }

  @Test
  void secondDerivativeMatchesSecondDifferencesNearConfidentPredictions() {
    // Where p_t approaches 1, m = 1 - p_t approaches 0 and m^(gamma - 2) diverges for gamma < 2;
    // the ratio form keeps every term finite and exact.
    float[] xs = {-20, -12, -6, -3, -1, -0.25f, 0.25f, 1, 3, 6, 12, 20};
    for (double gamma : new double[] {0, 0.25, 0.5, 1, 1.5, 2, 2.5, 4}) {
      for (float t : new float[] {0, 1, 1e-3f, 0.999f, 0.3f}) {
        float[] tv = new float[xs.length];
        java.util.Arrays.fill(tv, t);
        BinaryLossChecks.check(
            "sigmoid-focal",
            Map.of("gamma", gamma),
            new Tensor[] {Tensor.of(xs.clone()), Tensor.of(tv)},
            SigmoidFocalLossTest::formula);
      }
    }
  }

  @Test
  void shapesAreElementwise() {
    SplittableRandom r = new SplittableRandom(52);
    int[][] shapes = {{1}, {5, 7}, {2, 3, 4, 5}};
    for (int[] s : shapes) {
      Tensor x = BinaryLossChecks.tensor(() -> 3 * Samples.gaussian(r), s);
      Tensor t = BinaryLossChecks.tensor(() -> r.nextInt(3) / 2.0, s);
      BinaryLossChecks.check(
          "sigmoid-focal", Map.of(), new Tensor[] {x, t}, SigmoidFocalLossTest::formula);
    }
  }

  @Test
  void alphaMinusOneIsAcceptedAndOtherNegativesAreNot() {
    LossSpec spec = Catalog.builtin().get("sigmoid-focal");
    spec.create(Map.of("alpha", "-1"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> spec.create(Map.of("alpha", "-0.999")));
    assertTrue(
        e.getMessage().contains("alpha") && e.getMessage().contains("-0.999"), e.getMessage());
  }
}

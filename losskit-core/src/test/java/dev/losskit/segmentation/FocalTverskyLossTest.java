package dev.losskit.segmentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.losskit.LossResult;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FocalTverskyLossTest extends RegionLossContract {
  @Override
  protected String id() {
    return "focal-tversky";
  }

  @Override
  protected List<Map<String, ?>> ownParamCases() {
    return List.of(
        Map.of("gamma", 1),
        Map.of("gamma", 2, "alpha", 0.5, "beta", 0.5, "per-image", true),
        Map.of("gamma", 0.5, "alpha", 0.2, "beta", 0.8, "from-logits", true));
  }

  @Override
  protected SegOracle.PerClass perClass(Params p) {
    double a = p.real("alpha");
    double b = p.real("beta");
    double g = p.real("gamma");
    double s = p.real("smooth");
    return (i, ps, t, fp, fn, q, r) -> Math.pow(SegOracle.tversky(a, b, s, i, fp, fn), g);
  }

  @Test
  void handComputedValue() {
    // I = 1.5, FP = 0.3, FN = 0.5, alpha 0.7, beta 0.3, gamma 0.75
    double tl = 1 - 2.5 / (1.5 + 0.7 * 0.3 + 0.3 * 0.5 + 1);
    assertEquals(
        Math.pow(tl, 0.75),
        SegChecks.value(spec(), Map.of(), Reduction.MEAN, DiceLossTest.PRED, DiceLossTest.MASK),
        1e-7);
  }

  @Test
  void gammaOneIsTversky() {
    for (Tensor[] in : layouts(new SplittableRandom(11), false, -100)) {
      Map<String, ?> ft = Map.of("gamma", 1, "alpha", 0.6, "beta", 0.4, "per-image", true);
      Map<String, ?> tv = Map.of("alpha", 0.6, "beta", 0.4, "per-image", true);
      assertEquals(
          SegChecks.value(DiceLossTest.specOf("tversky"), tv, Reduction.MEAN, in),
          SegChecks.value(spec(), ft, Reduction.MEAN, in),
          1e-7);
      assertArrayEquals(
          SegChecks.grad(DiceLossTest.specOf("tversky"), tv, Reduction.MEAN, in),
          SegChecks.grad(spec(), ft, Reduction.MEAN, in),
          1e-7f);
    }
  }

  @Test
  void aPerfectPredictionHasValueZeroAndAZeroGradient() {
    // The derivative of TL^0.75 is infinite at TL = 0; the minimum gets a zero gradient.
    Tensor mask = f(new float[] {1, 0, 0, 1, 1, 0}, 2, 3);
    for (Map<String, ?> given :
        List.<Map<String, ?>>of(Map.of(), Map.of("smooth", 0), Map.of("per-image", true))) {
      LossResult r = spec().create(given).evaluate(Reduction.MEAN, mask, mask);
      assertEquals(0.0, r.value());
      assertArrayEquals(new float[6], r.grad(0).data());
    }
    // Near the minimum the gradient is large but finite, and grows as TL falls.
    Tensor near = f(new float[] {1, 1e-6f, 0, 1, 1, 0}, 2, 3);
    Tensor nearer = f(new float[] {1, 1e-12f, 0, 1, 1, 0}, 2, 3);
    float g1 = spec().create().evaluate(Reduction.MEAN, near, mask).grad(0).data()[1];
    float g2 = spec().create().evaluate(Reduction.MEAN, nearer, mask).grad(0).data()[1];
    org.junit.jupiter.api.Assertions.assertTrue(
        Float.isFinite(g2) && g2 > g1 && g1 > 0, g1 + " " + g2);
  }
}

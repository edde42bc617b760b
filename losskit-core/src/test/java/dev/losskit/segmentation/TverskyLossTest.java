package dev.losskit.segmentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TverskyLossTest extends RegionLossContract {
  @Override
  protected String id() {
    return "tversky";
  }

  @Override
  protected List<Map<String, ?>> ownParamCases() {
    return List.of(
        Map.of("alpha", 0.3, "beta", 0.7),
        Map.of("alpha", 1, "beta", 1, "smooth", 0, "per-image", true),
        Map.of("alpha", 0, "beta", 2, "from-logits", true));
  }

  @Override
  protected SegOracle.PerClass perClass(Params p) {
    double a = p.real("alpha");
    double b = p.real("beta");
    double s = p.real("smooth");
    return (i, ps, t, fp, fn, q, r) -> SegOracle.tversky(a, b, s, i, fp, fn);
  }

  @Test
  void handComputedValue() {
    // I = 1.5, FP = 0.3, FN = 0.5
    assertEquals(
        1 - 2.5 / (1.5 + 0.3 * 0.3 + 0.7 * 0.5 + 1),
        SegChecks.value(
            spec(),
            Map.of("alpha", 0.3, "beta", 0.7),
            Reduction.MEAN,
            DiceLossTest.PRED,
            DiceLossTest.MASK),
        1e-7);
  }

  @Test
  void halfAndHalfIsDiceWithTwiceTheSmoothing() {
    for (Tensor[] in : layouts(new SplittableRandom(9), false, -100)) {
      for (double s : new double[] {0, 0.5, 1}) {
        Map<String, ?> tv = Map.of("smooth", s);
        Map<String, ?> dice = Map.of("smooth", 2 * s);
        assertEquals(
            SegChecks.value(DiceLossTest.specOf("dice"), dice, Reduction.MEAN, in),
            SegChecks.value(spec(), tv, Reduction.MEAN, in),
            1e-6);
        assertArrayEquals(
            SegChecks.grad(DiceLossTest.specOf("dice"), dice, Reduction.MEAN, in),
            SegChecks.grad(spec(), tv, Reduction.MEAN, in),
            1e-6f);
      }
    }
  }

  @Test
  void oneAndOneIsJaccard() {
    for (Tensor[] in : layouts(new SplittableRandom(10), true, -100)) {
      Map<String, ?> tv = Map.of("alpha", 1, "beta", 1, "from-logits", true, "per-image", true);
      Map<String, ?> jac = Map.of("from-logits", true, "per-image", true);
      assertEquals(
          SegChecks.value(DiceLossTest.specOf("jaccard"), jac, Reduction.MEAN, in),
          SegChecks.value(spec(), tv, Reduction.MEAN, in),
          1e-6);
      assertArrayEquals(
          SegChecks.grad(DiceLossTest.specOf("jaccard"), jac, Reduction.MEAN, in),
          SegChecks.grad(spec(), tv, Reduction.MEAN, in),
          1e-6f);
    }
  }
}

package dev.losskit.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.internal.Samples;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SquaredDiceLossTest extends RegionLossContract {
  @Override
  protected String id() {
    return "squared-dice";
  }

  @Override
  protected SegOracle.PerClass perClass(Params p) {
    double s = p.real("smooth");
    return (i, ps, t, fp, fn, q, r) -> SegOracle.ratioLoss(2 * i + s, q + r + s);
  }

  @Test
  void handComputedValue() {
    // I = 1.5, sum p^2 = 1.22, sum t^2 = 2
    assertEquals(
        1 - 4 / 4.22,
        SegChecks.value(spec(), Map.of(), Reduction.MEAN, DiceLossTest.PRED, DiceLossTest.MASK),
        1e-7);
  }

  @Test
  void zeroWherePredEqualsASoftTarget() {
    Tensor soft = Samples.uniform(new SplittableRandom(2), 0, 1, 3, 2, 5);
    for (Map<String, ?> given :
        java.util.List.<Map<String, ?>>of(
            Map.of(), Map.of("smooth", 0), Map.of("per-image", true))) {
      assertEquals(0.0, SegChecks.value(spec(), given, Reduction.MEAN, soft, soft), 1e-7);
    }
    // Plain dice is not zero there: sum p^2 < sum p for soft values.
    double dice =
        SegChecks.value(DiceLossTest.specOf("dice"), Map.of(), Reduction.MEAN, soft, soft);
    org.junit.jupiter.api.Assertions.assertTrue(dice > 0.01, "dice of soft masks " + dice);
  }
}

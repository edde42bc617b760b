package dev.losskit.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.losskit.Params;
import dev.losskit.Reduction;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JaccardLossTest extends RegionLossContract {
  @Override
  protected String id() {
    return "jaccard";
  }

  @Override
  protected SegOracle.PerClass perClass(Params p) {
    double s = p.real("smooth");
    return (i, ps, t, fp, fn, q, r) -> SegOracle.ratioLoss(i + s, i + fp + fn + s);
  }

  @Test
  void handComputedValues() {
    // I = 1.5, P = 1.8, T = 2, union 2.3
    assertEquals(
        1 - 2.5 / 3.3,
        SegChecks.value(spec(), Map.of(), Reduction.MEAN, DiceLossTest.PRED, DiceLossTest.MASK),
        1e-7);
    assertEquals(
        1 - 1.5 / 2.3,
        SegChecks.value(
            spec(), Map.of("smooth", 0), Reduction.MEAN, DiceLossTest.PRED, DiceLossTest.MASK),
        1e-7);
  }
}

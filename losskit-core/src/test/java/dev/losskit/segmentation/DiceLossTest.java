package dev.losskit.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.losskit.Catalog;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiceLossTest extends RegionLossContract {
  static final Tensor PRED = f(new float[] {0.9f, 0.2f, 0.6f, 0.1f}, 1, 4);
  static final Tensor MASK = f(new float[] {1, 0, 1, 0}, 1, 4);

  @Override
  protected String id() {
    return "dice";
  }

  @Override
  protected SegOracle.PerClass perClass(Params p) {
    double s = p.real("smooth");
    return (i, ps, t, fp, fn, q, r) -> SegOracle.ratioLoss(2 * i + s, ps + t + s);
  }

  static dev.losskit.LossSpec specOf(String id) {
    return Catalog.builtin().get(id);
  }

  @Test
  void maskClassificationIsAnAlias() {
    assertSame(spec(), Catalog.builtin().get("mask-classification"));
  }

  @Test
  void handComputedValues() {
    // I = 1.5, P = 1.8, T = 2
    assertEquals(1 - 4 / 4.8, SegChecks.value(spec(), Map.of(), Reduction.MEAN, PRED, MASK), 1e-7);
    assertEquals(
        1 - 3 / 3.8,
        SegChecks.value(spec(), Map.of("smooth", 0), Reduction.MEAN, PRED, MASK),
        1e-7);
    // dL/dp = -2 t / 4.8 + 4 / 4.8^2
    float[] g = SegChecks.grad(spec(), Map.of(), Reduction.MEAN, PRED, MASK);
    assertEquals(-2 / 4.8 + 4 / (4.8 * 4.8), g[0], 1e-7);
    assertEquals(4 / (4.8 * 4.8), g[1], 1e-7);
  }

  @Test
  void zeroForAPerfectBinaryPrediction() {
    assertEquals(0.0, SegChecks.value(spec(), Map.of(), Reduction.MEAN, MASK, MASK), 1e-12);
    assertEquals(
        0.0, SegChecks.value(spec(), Map.of("smooth", 0), Reduction.MEAN, MASK, MASK), 1e-12);
  }
}

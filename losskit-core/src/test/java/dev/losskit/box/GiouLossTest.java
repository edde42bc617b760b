package dev.losskit.box;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.LossResult;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import org.junit.jupiter.api.Test;

class GiouLossTest extends IouFamilyTest {
  @Override
  protected String id() {
    return "giou";
  }

  @Override
  protected double naive(double[] p, double[] t, Params params) {
    double eps = params.real("eps");
    double c = NaiveBoxes.enclosingWidth(p, t) * NaiveBoxes.enclosingHeight(p, t);
    return 1 - NaiveBoxes.iou(p, t, eps) + (c - NaiveBoxes.union(p, t)) / (c + eps);
  }

  /** Boxes apart still get a gradient, pulling pred towards target; the value tends to 2. */
  @Test
  void boxesApartAreDrawnTogether() {
    Tensor p = Tensor.of(new float[] {10, 0, 11, 1});
    Tensor t = Tensor.of(new float[] {0, 0, 1, 1});
    LossResult r = spec().create().evaluate(Reduction.SUM, p, t);
    // C = 11, U = 2: l = 1 + 9/11.
    assertEquals(1 + 9.0 / 11, r.value(), 1e-6);
    float[] g = r.grad(0).data();
    // dl/dx1 = 1/11 (only the union moves); dl/dx2 = -9/121 (C and U grow alike).
    assertEquals(1.0 / 11, g[0], 1e-6);
    assertEquals(-9.0 / 121, g[2], 1e-6);
    assertTrue(g[0] + g[2] > 0, "moving pred left lowers the loss");
    Tensor far = Tensor.of(new float[] {1e6f, 0, 1e6f + 1, 1});
    double v = spec().create().value(Reduction.SUM, far, t);
    assertTrue(v < 2 && v > 1.99999, "GIoU loss of boxes far apart tends to 2: " + v);
  }
}

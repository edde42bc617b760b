package dev.losskit.box;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.LossResult;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EiouLossTest extends IouFamilyTest {
  @Override
  protected String id() {
    return "eiou";
  }

  @Override
  protected double naive(double[] p, double[] t, Params params) {
    double eps = params.real("eps");
    double cw = NaiveBoxes.enclosingWidth(p, t);
    double ch = NaiveBoxes.enclosingHeight(p, t);
    double dw = NaiveBoxes.width(p) - NaiveBoxes.width(t);
    double dh = NaiveBoxes.height(p) - NaiveBoxes.height(t);
    return 1
        - NaiveBoxes.iou(p, t, eps)
        + NaiveBoxes.centreDistance2(p, t) / (cw * cw + ch * ch + eps)
        + dw * dw / (cw * cw + eps)
        + dh * dh / (ch * ch + eps);
  }

  /** EIoU is DIoU plus the size terms: with equal sizes they agree, otherwise EIoU is larger. */
  @Test
  void equalsDiouPlusTheSizeTerms() {
    Tensor p = Tensor.of(new float[] {1, 1, 3, 4, 0, 0, 2, 2}, 2, 4);
    Tensor t = Tensor.of(new float[] {1.5f, 0, 3.5f, 3, 0, 0, 4, 3}, 2, 4);
    LossResult e = spec().create().evaluate(Reduction.NONE, p, t);
    LossResult d =
        dev.losskit.Catalog.builtin().get("diou").create(Map.of()).evaluate(Reduction.NONE, p, t);
    assertEquals(d.values().data()[0], e.values().data()[0], 1e-6);
    // Second pair: C_w = 4, C_h = 3, dw = -2, dh = -1.
    assertEquals(
        d.values().data()[1] + 4 / (16 + 1e-7) + 1 / (9 + 1e-7), e.values().data()[1], 1e-6);
    assertTrue(e.values().data()[1] > d.values().data()[1]);
  }
}

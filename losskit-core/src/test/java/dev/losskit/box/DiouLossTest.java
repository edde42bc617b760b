package dev.losskit.box;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.losskit.LossResult;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import org.junit.jupiter.api.Test;

class DiouLossTest extends IouFamilyTest {
  @Override
  protected String id() {
    return "diou";
  }

  @Override
  protected double naive(double[] p, double[] t, Params params) {
    double eps = params.real("eps");
    double cw = NaiveBoxes.enclosingWidth(p, t);
    double ch = NaiveBoxes.enclosingHeight(p, t);
    return 1
        - NaiveBoxes.iou(p, t, eps)
        + NaiveBoxes.centreDistance2(p, t) / (cw * cw + ch * ch + eps);
  }

  /** A box centred inside a larger one: DIoU equals IoU loss; off centre it exceeds it. */
  @Test
  void concentricBoxesHaveNoDistancePenalty() {
    Tensor p = Tensor.of(new float[] {1, 1, 3, 3, 0, 1, 2, 3}, 2, 4);
    Tensor t = Tensor.of(new float[] {0, 0, 4, 4, 0, 0, 4, 4}, 2, 4);
    LossResult r = spec().create().evaluate(Reduction.NONE, p, t);
    assertEquals(1 - 4 / (16 + 1e-7), r.values().data()[0], 1e-6);
    // Second pair: I = 4, U = 16, rho^2 = 1 + 0, c^2 = 32.
    assertEquals(1 - 0.25 + 1.0 / 32, r.values().data()[1], 1e-6);
  }
}

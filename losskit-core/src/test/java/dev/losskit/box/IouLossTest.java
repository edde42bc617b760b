package dev.losskit.box;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.LossResult;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import org.junit.jupiter.api.Test;

class IouLossTest extends IouFamilyTest {
  @Override
  protected String id() {
    return "iou";
  }

  @Override
  protected double naive(double[] p, double[] t, Params params) {
    return 1 - NaiveBoxes.iou(p, t, params.real("eps"));
  }

  /** Documented: pairs that do not overlap (apart or touching) get the value 1 and no gradient. */
  @Test
  void nonOverlappingBoxesHaveValueOneAndZeroGradient() {
    Tensor p = Tensor.of(new float[] {5, 5, 7, 8, 4, 2, 6, 6}, 2, 4);
    Tensor t = Tensor.of(new float[] {0, 0, 2, 2, 1, 2, 4, 6}, 2, 4);
    LossResult r = spec().create().evaluate(Reduction.NONE, p, t);
    assertEquals(1f, r.values().data()[0]);
    assertEquals(1f, r.values().data()[1]);
    for (float g : r.grad(0).data()) {
      assertEquals(0, Float.floatToIntBits(g), "exactly +0");
    }
  }

  /** A quarter overlap of two unit squares: I = 1/4, U = 7/4, IoU = 1/7. */
  @Test
  void knownValueAndGradient() {
    Tensor p = Tensor.of(new float[] {0.5f, 0.5f, 1.5f, 1.5f});
    Tensor t = Tensor.of(new float[] {0, 0, 1, 1});
    LossResult r = spec().create().evaluate(Reduction.SUM, p, t);
    assertEquals(1 - 1.0 / 7, r.value(), 1e-6);
    // Moving x1 right by dx shrinks I by dx / 2 and U by dx / 2: dIoU/dx1 = (-U/2 + I/2) / U^2.
    double u = 1.75;
    double i = 0.25;
    assertEquals(-(-u / 2 + i / 2) / (u * u), r.grad(0).data()[0], 1e-5);
    // x2 lies outside the target: moving it changes only the union.
    assertEquals(-(-i * 1) / (u * u), r.grad(0).data()[2], 1e-5);
    assertTrue(r.grad(0).data()[2] > 0);
  }
}

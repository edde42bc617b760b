package dev.losskit.box;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * CIoU's gradient holds alpha constant (torchvision computes it under no_grad), so it is the
 * derivative of DIoU + alpha0 v with alpha0 frozen at the evaluation point, not of the value. The
 * oracle therefore freezes alpha per set of oracle inputs: at the first evaluation of a set, which
 * is the evaluation point itself for value checks and within one finite-difference step of it for
 * gradient checks (an error of order 1e-6 in alpha, far below the tolerance).
 */
class CiouLossTest extends IouFamilyTest {
  @Override
  protected String id() {
    return "ciou";
  }

  static double v(double[] p, double[] t) {
    double a =
        Math.atan2(NaiveBoxes.width(t), NaiveBoxes.height(t))
            - Math.atan2(NaiveBoxes.width(p), NaiveBoxes.height(p));
    return 4 / (Math.PI * Math.PI) * a * a;
  }

  static double diou(double[] p, double[] t) {
    double cw = NaiveBoxes.enclosingWidth(p, t);
    double ch = NaiveBoxes.enclosingHeight(p, t);
    return 1
        - NaiveBoxes.iou(p, t, 1e-7)
        + NaiveBoxes.centreDistance2(p, t) / (cw * cw + ch * ch + 1e-7);
  }

  static double alpha(double[] p, double[] t, double eps) {
    double v = v(p, t);
    return v / (1 - NaiveBoxes.iou(p, t, 1e-7) + v + eps);
  }

  /** The value itself, alpha computed from the boxes. */
  @Override
  protected double naive(double[] p, double[] t, Params params) {
    return diou(p, t) + alpha(p, t, params.real("eps")) * v(p, t);
  }

  @Override
  protected Oracle gradientOracle(OracleInputs at, OracleInputs in, Params params) {
    String f = params.text("box-format");
    double eps = params.real("eps");
    int n = in.get(0).length / 4;
    double[] l = new double[n];
    for (int i = 0; i < n; i++) {
      double a =
          alpha(NaiveBoxes.corners(at.get(0), i, f), NaiveBoxes.corners(at.get(1), i, f), eps);
      double[] pc = NaiveBoxes.corners(in.get(0), i, f);
      double[] tc = NaiveBoxes.corners(in.get(1), i, f);
      l[i] = diou(pc, tc) + a * v(pc, tc);
    }
    return Oracle.of(l);
  }

  /**
   * The gradient is that of DIoU + alpha0 v with alpha0 fixed at the point, by central differences
   * taken here directly; the full derivative of the value differs from it by v dalpha.
   */
  @Test
  void gradientHoldsAlphaConstant() {
    Tensor[] in = spec().sample(spec().defaults(), new SplittableRandom(31), 9);
    float[] g = spec().create().evaluate(Reduction.SUM, in).grad(0).data();
    double[] p = new double[in[0].size()];
    double[] t = new double[in[1].size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = in[0].data()[i];
      t[i] = in[1].data()[i];
    }
    double maxGap = 0;
    for (int i = 0; i < 9; i++) {
      double[] tc = NaiveBoxes.corners(t, i, "xyxy");
      double a0 = alpha(NaiveBoxes.corners(p, i, "xyxy"), tc, 1e-7);
      for (int k = 0; k < 4; k++) {
        double x0 = p[4 * i + k];
        double h = 1e-6 * Math.max(1, Math.abs(x0));
        p[4 * i + k] = x0 + h;
        double[] up = NaiveBoxes.corners(p, i, "xyxy");
        p[4 * i + k] = x0 - h;
        double[] down = NaiveBoxes.corners(p, i, "xyxy");
        p[4 * i + k] = x0;
        double frozen =
            (diou(up, tc) + a0 * v(up, tc) - diou(down, tc) - a0 * v(down, tc)) / (2 * h);
        double full = (naiveDefault(up, tc) - naiveDefault(down, tc)) / (2 * h);
        assertEquals(frozen, g[4 * i + k], 1e-4 * (1 + Math.abs(frozen)), "box " + i + "." + k);
        maxGap = Math.max(maxGap, Math.abs(full - frozen));
      }
    }
    assertTrue(maxGap > 1e-3, "the sample should show the difference from the full derivative");
  }

  private static double naiveDefault(double[] p, double[] t) {
    return diou(p, t) + alpha(p, t, 1e-7) * v(p, t);
  }

  /** As torchvision 0.14: eps reaches only alpha; the IoU and distance terms keep 1e-7. */
  @Test
  void epsEntersOnlyAlpha() {
    Tensor p = Tensor.of(new float[] {0, 0, 1, 1});
    Tensor t = Tensor.of(new float[] {0, 0, 1, 1});
    // Identical squares: v = 0, so the value is DIoU with eps 1e-7 whatever eps is given.
    double v = spec().create(Map.of("eps", "0.5")).value(Reduction.SUM, p, t);
    assertEquals(1 - 1 / (1 + 1e-7), v, 1e-12);
    Tensor q = Tensor.of(new float[] {0, 0, 2, 1});
    double big = spec().create(Map.of("eps", "0.5")).value(Reduction.SUM, q, t);
    double[] pc = {0, 0, 2, 1};
    double[] tc = {0, 0, 1, 1};
    assertEquals(diou(pc, tc) + alpha(pc, tc, 0.5) * v(pc, tc), big, 1e-6);
  }

  /** Zero-height boxes, where torchvision divides by zero: finite, with atan(w / 0) = pi/2. */
  @Test
  void zeroHeightBoxesAreFinite() {
    Loss loss = spec().create();
    Tensor t = Tensor.of(new float[] {0, 0, 1, 2});
    for (float[] p :
        new float[][] {{0, 0, 1, 0}, {0.5f, 1, 0.5f, 1}, {0, 1, 3, 1}, {0.2f, 0.2f, 0.2f, 0.9f}}) {
      LossResult r = loss.evaluate(Reduction.SUM, Tensor.of(p), t);
      assertTrue(Double.isFinite(r.value()));
      for (float g : r.grad(0).data()) {
        assertTrue(Float.isFinite(g), "gradient at " + java.util.Arrays.toString(p));
      }
    }
    // A zero-height pred has angle pi/2: v = 4/pi^2 (atan(1/2) - pi/2)^2.
    LossResult r = loss.evaluate(Reduction.SUM, Tensor.of(new float[] {0, 1, 3, 1}), t);
    double a = Math.atan(0.5) - Math.PI / 2;
    double v = 4 / (Math.PI * Math.PI) * a * a;
    double[] pc = {0, 1, 3, 1};
    double[] tc = {0, 0, 1, 2};
    assertEquals(diou(pc, tc) + v / (1 - 0 + v + 1e-7) * v, r.value(), 1e-6);
  }

  /** With equal aspect ratios v = 0 and CIoU equals DIoU, gradient included. */
  @Test
  void equalAspectRatiosGiveDiou() {
    Tensor p = Tensor.of(new float[] {1, 1, 3, 5, 0, 0, 1, 1}, 2, 4);
    Tensor t = Tensor.of(new float[] {2, 0, 3, 2, 0.5f, 0.25f, 2.5f, 2.25f}, 2, 4);
    LossResult c = spec().create().evaluate(Reduction.SUM, p, t);
    LossResult d = Catalog.builtin().get("diou").create().evaluate(Reduction.SUM, p, t);
    assertEquals(d.value(), c.value(), 1e-6);
    for (int i = 0; i < 8; i++) {
      assertEquals(d.grad(0).data()[i], c.grad(0).data()[i], 1e-6);
    }
  }
}

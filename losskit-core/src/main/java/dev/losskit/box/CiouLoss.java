package dev.losskit.box;

import dev.losskit.Loss;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;

/**
 * Complete IoU loss: the distance IoU loss plus a penalty on the difference of aspect ratios, for
 * box regression that matches overlap, centre and shape.
 *
 * <pre>{@code
 * DIoU      1 - IoU + rho^2 / c^2, as in diou, with the fixed eps0 = 1e-7
 * v         4 / pi^2 (atan(w_t / h_t) - atan(w_p / h_p))^2
 * alpha     v / (1 - IoU + v + eps), a constant in the gradient
 * l = DIoU + alpha v
 * dl/dpred = dDIoU + alpha dv
 * dv/dw_p  = -8 / pi^2 (atan(w_t / h_t) - atan(w_p / h_p)) h_p / (w_p^2 + h_p^2)
 * dv/dh_p  =  8 / pi^2 (atan(w_t / h_t) - atan(w_p / h_p)) w_p / (w_p^2 + h_p^2)
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target} boxes {@code (N, 4)} (or one box {@code (4)}) in
 * {@code box-format} {@code xyxy} (default), {@code cxcywh} or {@code xywh}; widths and heights
 * must not be negative. One value per box; the mean is over boxes. The gradient is with respect to
 * {@code pred} only.
 *
 * <p>The gradient is torchvision's, not the derivative of the value: torchvision computes the
 * trade-off weight {@code alpha} under {@code torch.no_grad()}, so it enters the gradient as a
 * constant, as the paper prescribes. Central differences of the value therefore differ from the
 * gradient by {@code v dalpha}. Also as in torchvision 0.14, {@code eps} is used only in the
 * denominator of {@code alpha}; the IoU and distance terms always use 1e-7.
 *
 * <p>Numerical notes: atan(w / h) is evaluated as atan2(w, h), so a zero-height box has angle pi/2
 * and a box of zero width and height angle 0, with finite gradients (the derivative of the aspect
 * term is 0 for a box of zero width and height). Where torchvision divides by a zero height and
 * returns a NaN gradient, this loss gives the finite limit. At a tie of a pred and a target
 * coordinate the derivative of max and min is split evenly, as in PyTorch.
 *
 * <p>Equals {@code torchvision.ops.complete_box_iou_loss(pred, target, eps=eps)} (torchvision 0.14)
 * in value and gradient, wherever torchvision's is finite; for other formats, after {@code
 * torchvision.ops.box_convert(..., "xyxy")}.
 *
 * @see <a href="https://arxiv.org/abs/1911.08287">Zheng et al. (2020), Distance-IoU Loss</a>
 */
public final class CiouLoss extends IouFamilyLoss {
  /** torchvision's eps of the IoU and distance terms of CIoU, whatever the eps argument. */
  private static final double DIOU_EPS = 1e-7;

  public static final LossSpec SPEC =
      Boxes.pairSpec("ciou", false)
          .name("Complete IoU")
          .summary(
              "Distance IoU plus an aspect-ratio consistency penalty: box regression that matches"
                  + " overlap, centre and shape.")
          .formula(
              "l = 1 - IoU + rho^2 / c^2 + alpha v; v = 4 / pi^2 (atan(w_t / h_t) - atan(w_p /"
                  + " h_p))^2, alpha = v / (1 - IoU + v + eps)")
          .gradient(
              "dl/dpred = dDIoU + alpha dv with alpha held constant (as torchvision computes it"
                  + " under no_grad), through the format conversion")
          .param(Boxes.epsParam())
          .traits(Trait.NONNEGATIVE, Trait.BOUNDED)
          .equivalent(
              "torchvision.ops.complete_box_iou_loss(pred, target, reduction, eps)", "torchvision")
          .whenToUse(
              "Axis-aligned box regression in one-stage detectors (YOLOv4 onwards) where the shape"
                  + " of the box matters as well as its overlap and centre. The aspect term is"
                  + " scale-blind and its weight alpha is not differentiated, so the gradient is"
                  + " not that of the value.")
          .reference(
              "Zheng et al. (2020), Distance-IoU Loss: Faster and Better Learning for Bounding Box"
                  + " Regression",
              "https://arxiv.org/abs/1911.08287")
          .tasks(Task.DETECTION, Task.TRACKING)
          .build(CiouLoss::new);

  /** Alpha per box, frozen at a point; null: computed from the boxes. */
  private final double[] frozen;

  private CiouLoss(Params p) {
    this(p, null);
  }

  private CiouLoss(Params p, double[] frozen) {
    super(SPEC, p, IouKernel.Terms.CIOU);
    this.frozen = frozen;
  }

  /**
   * The loss with alpha frozen at its values for {@code at}: its derivative there is the gradient.
   */
  @Override
  public Loss frozenAt(Tensor... at) {
    Tensor[] in = {at[0], at[1]};
    check(in);
    Boxes.Format f = Boxes.format(params());
    double[] alphas = new double[in[0].size() / f.width];
    double[] p = new double[4];
    double[] t = new double[4];
    for (int i = 0; i < alphas.length; i++) {
      Boxes.corners(f, in[0].data(), i, p);
      Boxes.corners(f, in[1].data(), i, t);
      alphas[i] = ScalarIouKernel.ciouAlpha(p, t, DIOU_EPS, eps);
    }
    return new CiouLoss(params(), alphas);
  }

  @Override
  double termEps() {
    return DIOU_EPS;
  }

  @Override
  double[] frozenAlpha() {
    return frozen;
  }
}

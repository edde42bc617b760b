package dev.losskit.box;

import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Task;
import dev.losskit.Trait;

/**
 * Distance IoU loss: the IoU loss plus the squared distance of the box centres over the squared
 * diagonal of the enclosing box; pulls centres together directly, including for boxes apart.
 *
 * <pre>{@code
 * IoU       I / (U + eps), as in iou
 * rho^2     squared distance of the centres
 * c^2       squared diagonal of the smallest box enclosing both, plus eps
 * l = 1 - IoU + rho^2 / c^2
 * dl/dpred = -dIoU + drho^2 / c^2 - rho^2 dc^2 / c^4
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target} boxes {@code (N, 4)} (or one box {@code (4)}) in
 * {@code box-format} {@code xyxy} (default), {@code cxcywh} or {@code xywh}; widths and heights
 * must not be negative. One value per box, in [0, 2]; the mean is over boxes. The gradient is with
 * respect to {@code pred} only.
 *
 * <p>Numerical notes: {@code eps} is placed as torchvision places it (union and squared diagonal),
 * so degenerate and identical boxes give finite values and gradients. At a tie of a pred and a
 * target coordinate the derivative of max and min is split evenly, as in PyTorch.
 *
 * <p>Equals {@code torchvision.ops.distance_box_iou_loss(pred, target, eps=eps)} (torchvision 0.14)
 * in value and gradient; for other formats, after {@code torchvision.ops.box_convert(..., "xyxy")}.
 *
 * @see <a href="https://arxiv.org/abs/1911.08287">Zheng et al. (2020), Distance-IoU Loss</a>
 */
public final class DiouLoss extends IouFamilyLoss {
  public static final LossSpec SPEC =
      Boxes.pairSpec("diou", false)
          .name("Distance IoU")
          .summary(
              "IoU loss plus the normalized squared distance of the box centres: faster-converging"
                  + " box regression that also moves non-overlapping boxes.")
          .formula(
              "l = 1 - I / (U + eps) + rho^2 / (c^2 + eps); rho centre distance, c diagonal of the"
                  + " enclosing box")
          .gradient(
              "dl/dpred = -dIoU + drho^2 / (c^2 + eps) - rho^2 dc^2 / (c^2 + eps)^2, through the"
                  + " format conversion")
          .param(Boxes.epsParam())
          .traits(Trait.NONNEGATIVE, Trait.BOUNDED)
          .equivalent(
              "torchvision.ops.distance_box_iou_loss(pred, target, reduction, eps)", "torchvision")
          .whenToUse(
              "Axis-aligned box regression when fast convergence matters, including boxes that do"
                  + " not overlap or contain one another (where giou stalls). It ignores the aspect"
                  + " ratio; ciou adds it.")
          .reference(
              "Zheng et al. (2020), Distance-IoU Loss: Faster and Better Learning for Bounding Box"
                  + " Regression",
              "https://arxiv.org/abs/1911.08287")
          .tasks(Task.DETECTION, Task.TRACKING)
          .build(DiouLoss::new);

  private DiouLoss(Params p) {
    super(SPEC, p, IouKernel.Terms.DIOU);
  }
}

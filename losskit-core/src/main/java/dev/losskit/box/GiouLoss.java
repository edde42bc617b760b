package dev.losskit.box;

import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Task;
import dev.losskit.Trait;

/**
 * Generalized IoU loss: the IoU loss plus the share of the smallest enclosing box that neither box
 * covers, so that boxes apart from their targets still get a gradient towards them.
 *
 * <pre>{@code
 * I, U      intersection and union areas, as in iou
 * C         area of the smallest box enclosing both
 * l = 1 - I / (U + eps) + (C - U) / (C + eps)
 * dl/dpred = -dIoU + (dC - dU) / (C + eps) - (C - U) dC / (C + eps)^2
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target} boxes {@code (N, 4)} (or one box {@code (4)}) in
 * {@code box-format} {@code xyxy} (default), {@code cxcywh} or {@code xywh}; widths and heights
 * must not be negative. One value per box, in [0, 2]; the mean is over boxes. The gradient is with
 * respect to {@code pred} only.
 *
 * <p>Numerical notes: {@code eps} is placed exactly as torchvision places it, so degenerate boxes
 * (zero width or height, or both boxes reduced to one point) give finite values and gradients. At a
 * tie of a pred and a target coordinate the derivative of max and min is split evenly, as in
 * PyTorch.
 *
 * <p>Equals {@code torchvision.ops.generalized_box_iou_loss(pred, target, eps=eps)} (torchvision
 * 0.14), in value and gradient; for other formats, after {@code torchvision.ops.box_convert(...,
 * "xyxy")}.
 *
 * @see <a href="https://arxiv.org/abs/1902.09630">Rezatofighi et al. (2019), Generalized
 *     Intersection over Union</a>
 */
public final class GiouLoss extends IouFamilyLoss {
  public static final LossSpec SPEC =
      Boxes.pairSpec("giou", false)
          .name("Generalized IoU")
          .summary(
              "IoU loss plus the empty share of the smallest enclosing box: box regression that"
                  + " still pulls non-overlapping predictions towards their targets.")
          .formula(
              "l = 1 - I / (U + eps) + (C - U) / (C + eps); I intersection, U union, C enclosing"
                  + " box area")
          .gradient(
              "dl/dpred = -dIoU + (dC - dU) / (C + eps) - (C - U) dC / (C + eps)^2, through the"
                  + " format conversion")
          .param(Boxes.epsParam())
          .traits(Trait.NONNEGATIVE, Trait.BOUNDED)
          .equivalent(
              "torchvision.ops.generalized_box_iou_loss(pred, target, reduction, eps)",
              "torchvision")
          .whenToUse(
              "Axis-aligned box regression in detectors (DETR, FCOS, YOLO variants) when predictions"
                  + " may not overlap their targets. Once one box contains the other the penalty"
                  + " vanishes and it converges like IoU, slowly; diou and ciou converge faster.")
          .reference(
              "Rezatofighi et al. (2019), Generalized Intersection over Union: A Metric and A Loss"
                  + " for Bounding Box Regression",
              "https://arxiv.org/abs/1902.09630")
          .tasks(Task.DETECTION, Task.TRACKING)
          .build(GiouLoss::new);

  private GiouLoss(Params p) {
    super(SPEC, p, IouKernel.Terms.GIOU);
  }
}

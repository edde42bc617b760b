package dev.losskit.box;

import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Task;
import dev.losskit.Trait;

/**
 * IoU loss: one minus the intersection over union of a predicted and a target box; a
 * scale-invariant box-regression loss for pairs that already overlap.
 *
 * <pre>{@code
 * I = max(0, min(x2, x2') - max(x1, x1')) * max(0, min(y2, y2') - max(y1, y1'))
 *     (0 unless both factors are positive)
 * U = (x2 - x1)(y2 - y1) + (x2' - x1')(y2' - y1') - I
 * l = 1 - I / (U + eps)
 * dl/dpred = -(dI / (U + eps) - I dU / (U + eps)^2)
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target} boxes {@code (N, 4)} (or one box {@code (4)}) in
 * {@code box-format} {@code xyxy} (corners, default), {@code cxcywh} or {@code xywh}; widths and
 * heights must not be negative. One value per box; the mean is over boxes. The gradient is with
 * respect to {@code pred} only, through the format conversion.
 *
 * <p>Numerical notes: {@code eps} keeps the ratio finite when both boxes have zero area. Boxes that
 * do not overlap have I = 0 and get a zero gradient: the loss gives no signal to bring them
 * together (use {@code giou}, {@code diou} or {@code ciou} for that). At a tie of a pred and a
 * target coordinate the derivative of max and min is split evenly, as in PyTorch.
 *
 * <p>No peer library has it as a loss; the reference values are this formula written with PyTorch
 * operations ({@code eps} placed as in torchvision's box losses).
 *
 * @see <a href="https://arxiv.org/abs/1608.01471">Yu et al. (2016), UnitBox</a>
 */
public final class IouLoss extends IouFamilyLoss {
  public static final LossSpec SPEC =
      Boxes.pairSpec("iou", false)
          .name("IoU")
          .summary(
              "One minus the intersection over union of predicted and target boxes: scale-invariant"
                  + " box regression for overlapping pairs.")
          .formula("l = 1 - I / (U + eps); I intersection area, U union area of pred and target")
          .gradient(
              "dl/dpred = -(dI / (U + eps) - I dU / (U + eps)^2) through the format conversion;"
                  + " zero when the boxes do not overlap")
          .param(Boxes.epsParam())
          .traits(Trait.NONNEGATIVE, Trait.BOUNDED)
          .whenToUse(
              "Box regression where predictions already overlap their targets (refinement stages,"
                  + " anchors matched by IoU): invariant to box scale, unlike L1 or L2 on"
                  + " coordinates. It is flat (zero gradient) for pairs that do not overlap; use giou,"
                  + " diou or ciou when they may not.")
          .reference(
              "Yu, Jiang, Wang, Cao and Huang (2016), UnitBox: An Advanced Object Detection Network",
              "https://arxiv.org/abs/1608.01471")
          .tasks(Task.DETECTION, Task.TRACKING)
          .build(IouLoss::new);

  private IouLoss(Params p) {
    super(SPEC, p, IouKernel.Terms.IOU);
  }
}

package dev.losskit.box;

import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Task;
import dev.losskit.Trait;

/**
 * Efficient IoU loss: the distance IoU loss plus separate penalties on the width and height
 * differences, each normalized by the enclosing box; box regression that fits the size directly.
 *
 * <pre>{@code
 * IoU, rho^2, c^2   as in diou (eps in the union and in c^2)
 * C_w, C_h          width and height of the smallest box enclosing both
 * l = 1 - IoU + rho^2 / c^2 + (w_p - w_t)^2 / (C_w^2 + eps) + (h_p - h_t)^2 / (C_h^2 + eps)
 * dl/dpred = dDIoU + 2 (w_p - w_t) dw_p / (C_w^2 + eps) - 2 (w_p - w_t)^2 C_w dC_w / (C_w^2 + eps)^2
 *          + (the same for h)
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target} boxes {@code (N, 4)} (or one box {@code (4)}) in
 * {@code box-format} {@code xyxy} (default), {@code cxcywh} or {@code xywh}; widths and heights
 * must not be negative. One value per box, in [0, 4]; the mean is over boxes. The gradient is with
 * respect to {@code pred} only.
 *
 * <p>Numerical notes: {@code eps} is added to every denominator, as torchvision's diou does, so
 * degenerate and identical boxes give finite values and gradients. At a tie of a pred and a target
 * coordinate the derivative of max and min is split evenly, as in PyTorch. This is the EIoU term
 * alone, without the focal re-weighting of Focal-EIoU.
 *
 * @see <a href="https://arxiv.org/abs/2101.08158">Zhang et al. (2021), Focal and Efficient IOU Loss
 *     for Accurate Bounding Box Regression</a>
 */
public final class EiouLoss extends IouFamilyLoss {
  public static final LossSpec SPEC =
      Boxes.pairSpec("eiou", false)
          .name("Efficient IoU")
          .summary(
              "Distance IoU plus width and height differences normalized by the enclosing box:"
                  + " box regression that fits the size directly.")
          .formula(
              "l = 1 - IoU + rho^2 / (c^2 + eps) + (w_p - w_t)^2 / (C_w^2 + eps) + (h_p - h_t)^2 /"
                  + " (C_h^2 + eps)")
          .gradient(
              "dl/dpred = dDIoU + d[(w_p - w_t)^2 / (C_w^2 + eps)] + d[(h_p - h_t)^2 / (C_h^2 +"
                  + " eps)], through the format conversion")
          .param(Boxes.epsParam())
          .traits(Trait.NONNEGATIVE, Trait.BOUNDED)
          .whenToUse(
              "Axis-aligned box regression where ciou's aspect term is too weak a size signal: it"
                  + " penalizes width and height errors separately and keeps a gradient when the"
                  + " aspect ratios already agree. Like all IoU losses it weighs easy, well-overlapping"
                  + " boxes heavily unless re-weighted (Focal-EIoU).")
          .reference(
              "Zhang et al. (2021), Focal and Efficient IOU Loss for Accurate Bounding Box"
                  + " Regression",
              "https://arxiv.org/abs/2101.08158")
          .tasks(Task.DETECTION, Task.TRACKING)
          .build(EiouLoss::new);

  private EiouLoss(Params p) {
    super(SPEC, p, IouKernel.Terms.EIOU);
  }
}

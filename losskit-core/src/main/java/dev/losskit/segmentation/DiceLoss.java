package dev.losskit.segmentation;

import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Task;
import dev.losskit.Trait;

/**
 * Dice loss: one minus the soft Dice coefficient (F1 score) of predicted and target masks, for
 * segmentation where the foreground is small and pixel-wise losses would be dominated by the
 * background.
 *
 * <pre>{@code
 * per class c, over the pixels of the batch (or of one image with per-image):
 *   I = sum p t,  P = sum p,  T = sum t
 *   L_c = 1 - (2 I + smooth) / (P + T + smooth)
 *   dL_c/dp = -2 t / (P + T + smooth) + (2 I + smooth) / (P + T + smooth)^2
 * loss = sum_c w_c L_c / sum_c w_c        (w_c = 1 without class-weight)
 * }</pre>
 *
 * <p>Inputs: {@code pred} probabilities in [0, 1] (logits with {@code from-logits=true}: sigmoid
 * for binary masks, softmax over dim 1 otherwise, and the gradient goes through it); {@code target}
 * class indices {@code (N, d1, ..., dk)} for {@code pred (N, C, d1, ..., dk)}, or a floating target
 * of {@code pred}'s shape: with rank 4 or more dim 1 holds the classes (one-hot or soft targets; C
 * = 1 is a binary mask), with rank 3 or less every sample is one binary mask; optional {@code
 * class-weight} {@code (C)}, non-negative, not all zero. Pixels whose index target equals {@code
 * ignore-index} are left out. The unreduced loss is a scalar (sums over the whole batch), or one
 * value per image with {@code per-image=true}, whose mean is over images.
 *
 * <p>Numerical notes: sums are accumulated in double. With {@code smooth = 0} a class with an empty
 * union ({@code P + T = 0}) counts as a perfect match: its loss and gradient are 0.
 *
 * <p>Equals the catalogue formula; the reference values are that formula written with PyTorch
 * operations and differentiated by autograd. Alias {@code mask-classification} (Dice on masks).
 *
 * @see <a href="https://doi.org/10.2307/1932409">Dice (1945), Measures of the amount of ecologic
 *     association between species</a>
 * @see <a href="https://arxiv.org/abs/1707.03237">Sudre et al. (2017), Generalised Dice overlap as
 *     a deep learning loss function for highly unbalanced segmentations</a>
 */
public final class DiceLoss extends Masks.RegionLoss {
  public static final LossSpec SPEC =
      Masks.regionParams(
              Masks.regionSpec("dice")
                  .name("Dice")
                  .summary(
                      "One minus the soft Dice coefficient (F1 score) of predicted and target"
                          + " masks, per class, averaged over classes.")
                  .formula(
                      "L_c = 1 - (2 I + smooth) / (P + T + smooth), I = sum p t, P = sum p, T ="
                          + " sum t per class; loss = sum_c w_c L_c / sum_c w_c")
                  .gradient(
                      "dL_c/dp = -2 t / (P + T + smooth) + (2 I + smooth) / (P + T + smooth)^2,"
                          + " then through the sigmoid or softmax with from-logits")
                  .traits(Trait.NONNEGATIVE, Trait.BOUNDED, Trait.SMOOTH)
                  .equivalent("", "")
                  .whenToUse(
                      "Segmentation with small foreground objects and strong class imbalance: it"
                          + " scores overlap rather than pixels, so the background cannot dominate."
                          + " Its gradient is noisy for tiny or empty masks; it is often combined"
                          + " with cross-entropy (bce-dice).")
                  .aliases("mask-classification")
                  .reference(
                      "Dice (1945), Measures of the amount of ecologic association between species",
                      "https://doi.org/10.2307/1932409")
                  .reference(
                      "Sudre et al. (2017), Generalised Dice overlap as a deep learning loss"
                          + " function for highly unbalanced segmentations",
                      "https://arxiv.org/abs/1707.03237")
                  .reference(
                      "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive"
                          + " review",
                      "https://arxiv.org/abs/2504.04242"))
          .tasks(Task.SEGMENTATION)
          .build(DiceLoss::new);

  private DiceLoss(Params p) {
    super(SPEC, p);
  }

  @Override
  public double classLoss(
      double inter, double psum, double tsum, double p2sum, double t2sum, double[] d) {
    return dice(smooth, inter, psum, tsum, d);
  }

  /**
   * The Dice loss of one class, {@code 1 - (2 I + smooth) / (P + T + smooth)}, with its derivatives
   * with respect to I and P in {@code d[0]} and {@code d[1]}; 0 with zero derivatives when the
   * denominator is 0.
   */
  static double dice(double smooth, double inter, double psum, double tsum, double[] d) {
    double den = psum + tsum + smooth;
    if (den <= 0) {
      d[0] = 0;
      d[1] = 0;
      return 0;
    }
    double num = 2 * inter + smooth;
    d[0] = -2 / den;
    d[1] = num / (den * den);
    return 1 - num / den;
  }
}

package dev.losskit.segmentation;

import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Task;
import dev.losskit.Trait;

/**
 * Squared Dice loss (sDice): the Dice loss with squares in the denominator, as in V-Net, whose
 * gradient stays informative for soft predictions far from the target.
 *
 * <pre>{@code
 * per class c, over the pixels of the batch (or of one image with per-image):
 *   I = sum p t,  Q = sum p^2,  R = sum t^2
 *   L_c = 1 - (2 I + smooth) / (Q + R + smooth)
 *   dL_c/dp = -2 t / (Q + R + smooth) + 2 p (2 I + smooth) / (Q + R + smooth)^2
 * loss = sum_c w_c L_c / sum_c w_c        (w_c = 1 without class-weight)
 * }</pre>
 *
 * <p>Inputs, layouts, {@code class-weight}, {@code ignore-index}, {@code per-image} and {@code
 * from-logits}: as {@code dice}. Since {@code 2 p t <= p^2 + t^2} the loss lies in [0, 1] and is 0
 * where {@code pred} equals {@code target}, soft targets included.
 *
 * <p>Numerical notes: sums are accumulated in double. With {@code smooth = 0} a class with {@code Q
 * + R = 0} counts as a perfect match: its loss and gradient are 0.
 *
 * <p>Equals the catalogue formula; the reference values are that formula written with PyTorch
 * operations and differentiated by autograd.
 *
 * @see <a href="https://arxiv.org/abs/1606.04797">Milletari, Navab and Ahmadi (2016), V-Net: fully
 *     convolutional neural networks for volumetric medical image segmentation</a>
 */
public final class SquaredDiceLoss extends Masks.RegionLoss {
  public static final LossSpec SPEC =
      Masks.regionParams(
              Masks.regionSpec("squared-dice")
                  .name("Squared Dice")
                  .summary(
                      "One minus the Dice coefficient with squared sums in the denominator (V-Net),"
                          + " per class, averaged over classes.")
                  .formula(
                      "L_c = 1 - (2 I + smooth) / (sum p^2 + sum t^2 + smooth), I = sum p t per"
                          + " class; loss = sum_c w_c L_c / sum_c w_c")
                  .gradient(
                      "dL_c/dp = -2 t / D + 2 p (2 I + smooth) / D^2, D = sum p^2 + sum t^2 +"
                          + " smooth, then through the sigmoid or softmax with from-logits")
                  .traits(Trait.NONNEGATIVE, Trait.BOUNDED, Trait.SMOOTH, Trait.ZERO_AT_TARGET)
                  .equivalent("", "")
                  .whenToUse(
                      "Volumetric and medical segmentation with heavy imbalance, as in V-Net: like"
                          + " dice, with a smoother landscape for soft predictions. Like dice it is"
                          + " unstable on tiny or empty masks.")
                  .reference(
                      "Milletari, Navab and Ahmadi (2016), V-Net: fully convolutional neural"
                          + " networks for volumetric medical image segmentation",
                      "https://arxiv.org/abs/1606.04797")
                  .reference(
                      "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive"
                          + " review",
                      "https://arxiv.org/abs/2504.04242"))
          .tasks(Task.SEGMENTATION)
          .build(SquaredDiceLoss::new);

  private SquaredDiceLoss(Params p) {
    super(SPEC, p);
  }

  @Override
  public double classLoss(
      double inter, double psum, double tsum, double p2sum, double t2sum, double[] d) {
    double den = p2sum + t2sum + smooth;
    if (den <= 0) {
      return 0;
    }
    double num = 2 * inter + smooth;
    d[0] = -2 / den;
    d[2] = num / (den * den);
    return 1 - num / den;
  }
}

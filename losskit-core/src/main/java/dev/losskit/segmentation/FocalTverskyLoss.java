package dev.losskit.segmentation;

import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.Task;
import dev.losskit.Trait;

/**
 * Focal Tversky loss: the Tversky loss raised to the power gamma, which (for gamma below 1)
 * emphasises the classes and images that are still poorly segmented, such as small lesions.
 *
 * <pre>{@code
 * per class c, over the pixels of the batch (or of one image with per-image):
 *   TL_c = (alpha FP + beta FN) / (I + alpha FP + beta FN + smooth)     (the tversky loss)
 *   L_c  = TL_c^gamma
 *   dL_c/dp = gamma TL_c^(gamma - 1) dTL_c/dp
 * loss = sum_c w_c L_c / sum_c w_c        (w_c = 1 without class-weight)
 * }</pre>
 *
 * <p>Inputs, layouts, {@code class-weight}, {@code ignore-index}, {@code per-image} and {@code
 * from-logits}: as {@code dice}. {@code gamma = 1} is the Tversky loss.
 *
 * <p>Numerical notes: {@code TL_c} is computed in a form that is never negative. Where {@code TL_c
 * = 0} (a perfect prediction) and {@code gamma < 1} the derivative is infinite; the gradient of
 * that class is then 0, its value at the minimum. With {@code smooth = 0} a class with a zero
 * denominator counts as a perfect match.
 *
 * <p>Equals the catalogue formula; the reference values are that formula written with PyTorch
 * operations and differentiated by autograd (cases with an infinite PyTorch gradient are tested in
 * Java only).
 *
 * @see <a href="https://arxiv.org/abs/1810.07842">Abraham and Khan (2019), A novel focal Tversky
 *     loss function with improved attention U-Net for lesion segmentation</a>
 */
public final class FocalTverskyLoss extends Masks.RegionLoss {
  public static final LossSpec SPEC =
      Masks.regionParams(
              Masks.regionSpec("focal-tversky")
                  .name("Focal Tversky")
                  .summary(
                      "The Tversky loss of each class raised to the power gamma, averaged over"
                          + " classes: focuses training on poorly segmented classes.")
                  .formula(
                      "L_c = (1 - (I + smooth) / (I + alpha FP + beta FN + smooth))^gamma; loss ="
                          + " sum_c w_c L_c / sum_c w_c")
                  .gradient(
                      "dL_c/dp = gamma TL_c^(gamma - 1) dTL_c/dp (0 where TL_c = 0 and gamma < 1),"
                          + " TL_c the class's Tversky loss")
                  .param(
                      ParamSpec.real(
                          "alpha", 0.7, Range.NONNEGATIVE, "weight of the false positives"))
                  .param(
                      ParamSpec.real(
                          "beta", 0.3, Range.NONNEGATIVE, "weight of the false negatives"))
                  .param(
                      ParamSpec.real(
                          "gamma", 0.75, Range.POSITIVE, "exponent applied to the Tversky loss"))
                  .traits(Trait.NONNEGATIVE, Trait.BOUNDED)
                  .equivalent("", "")
                  .whenToUse(
                      "Highly imbalanced medical segmentation with small structures (lesions):"
                          + " gamma below 1 keeps pushing classes that are already fairly good less"
                          + " and poor ones more. An extra exponent to tune; very small gamma makes"
                          + " training erratic near convergence.")
                  .reference(
                      "Abraham and Khan (2019), A novel focal Tversky loss function with improved"
                          + " attention U-Net for lesion segmentation",
                      "https://arxiv.org/abs/1810.07842")
                  .reference(
                      "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive"
                          + " review",
                      "https://arxiv.org/abs/2504.04242"))
          .tasks(Task.SEGMENTATION)
          .build(FocalTverskyLoss::new);

  private final double alpha;
  private final double beta;
  private final double gamma;

  private FocalTverskyLoss(Params p) {
    super(SPEC, p);
    this.alpha = p.real("alpha");
    this.beta = p.real("beta");
    this.gamma = p.real("gamma");
  }

  @Override
  public double classLoss(
      double inter, double psum, double tsum, double p2sum, double t2sum, double[] d) {
    double tl = TverskyLoss.tversky(alpha, beta, smooth, inter, psum, tsum, d);
    double k;
    if (tl > 0) {
      k = gamma * Math.pow(tl, gamma - 1);
    } else {
      k = gamma == 1 ? 1 : 0;
    }
    d[0] *= k;
    d[1] *= k;
    return Math.pow(tl, gamma);
  }
}

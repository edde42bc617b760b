package dev.losskit.segmentation;

import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.Task;
import dev.losskit.Trait;

/**
 * Tversky loss: one minus the Tversky index, a Dice coefficient whose false positives and false
 * negatives are weighted separately, for segmentation where missing the object costs more than
 * over-segmenting it (or the reverse).
 *
 * <pre>{@code
 * per class c, over the pixels of the batch (or of one image with per-image):
 *   I = sum p t,  FP = sum p (1 - t) = P - I,  FN = sum (1 - p) t = T - I
 *   D = I + alpha FP + beta FN + smooth
 *   L_c = 1 - (I + smooth) / D = (alpha FP + beta FN) / D
 *   dL_c/dp = -t / D + (I + smooth) (alpha (1 - t) + (1 - beta) t) / D^2
 * loss = sum_c w_c L_c / sum_c w_c        (w_c = 1 without class-weight)
 * }</pre>
 *
 * <p>Inputs, layouts, {@code class-weight}, {@code ignore-index}, {@code per-image} and {@code
 * from-logits}: as {@code dice}. {@code alpha = beta = 0.5} gives the Dice loss with twice the
 * smoothing; {@code alpha = beta = 1} gives the Jaccard loss.
 *
 * <p>Numerical notes: the value is computed as {@code (alpha FP + beta FN) / D}, never negative.
 * With {@code smooth = 0} a class with {@code D = 0} counts as a perfect match: its loss and
 * gradient are 0.
 *
 * <p>Equals the catalogue formula; the reference values are that formula written with PyTorch
 * operations and differentiated by autograd.
 *
 * @see <a href="https://arxiv.org/abs/1706.05721">Salehi, Erdogmus and Gholipour (2017), Tversky
 *     loss function for image segmentation using 3D fully convolutional deep networks</a>
 */
public final class TverskyLoss extends Masks.RegionLoss {
  public static final LossSpec SPEC =
      Masks.regionParams(
              Masks.regionSpec("tversky")
                  .name("Tversky")
                  .summary(
                      "One minus the Tversky index, a Dice coefficient that weights false positives"
                          + " (alpha) and false negatives (beta) separately.")
                  .formula(
                      "L_c = 1 - (I + smooth) / (I + alpha FP + beta FN + smooth), I = sum p t, FP"
                          + " = sum p (1 - t), FN = sum (1 - p) t per class; loss = sum_c w_c L_c"
                          + " / sum_c w_c")
                  .gradient(
                      "dL_c/dp = -t / D + (I + smooth) (alpha (1 - t) + (1 - beta) t) / D^2, D = I"
                          + " + alpha FP + beta FN + smooth")
                  .param(
                      ParamSpec.real(
                          "alpha", 0.5, Range.NONNEGATIVE, "weight of the false positives"))
                  .param(
                      ParamSpec.real(
                          "beta", 0.5, Range.NONNEGATIVE, "weight of the false negatives"))
                  .traits(Trait.NONNEGATIVE, Trait.BOUNDED, Trait.SMOOTH)
                  .equivalent("", "")
                  .whenToUse(
                      "Imbalanced segmentation (small lesions) where recall matters more than"
                          + " precision: raise beta above alpha to penalise missed foreground."
                          + " Dice's instability on tiny or empty masks remains.")
                  .reference(
                      "Salehi, Erdogmus and Gholipour (2017), Tversky loss function for image"
                          + " segmentation using 3D fully convolutional deep networks",
                      "https://arxiv.org/abs/1706.05721")
                  .reference(
                      "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive"
                          + " review",
                      "https://arxiv.org/abs/2504.04242"))
          .tasks(Task.SEGMENTATION)
          .build(TverskyLoss::new);

  private final double alpha;
  private final double beta;

  private TverskyLoss(Params p) {
    super(SPEC, p);
    this.alpha = p.real("alpha");
    this.beta = p.real("beta");
  }

  @Override
  public double classLoss(
      double inter, double psum, double tsum, double p2sum, double t2sum, double[] d) {
    return tversky(alpha, beta, smooth, inter, psum, tsum, d);
  }

  /**
   * The Tversky loss of one class, with its derivatives with respect to I and P in {@code d[0]} and
   * {@code d[1]}; 0 with zero derivatives when the denominator is 0.
   */
  static double tversky(
      double alpha,
      double beta,
      double smooth,
      double inter,
      double psum,
      double tsum,
      double[] d) {
    double fp = Math.max(psum - inter, 0);
    double fn = Math.max(tsum - inter, 0);
    double den = inter + alpha * fp + beta * fn + smooth;
    if (den <= 0) {
      d[0] = 0;
      d[1] = 0;
      return 0;
    }
    double num = inter + smooth;
    d[0] = -(den - num * (1 - alpha - beta)) / (den * den);
    d[1] = num * alpha / (den * den);
    return (alpha * fp + beta * fn) / den;
  }
}

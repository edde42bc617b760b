package dev.losskit.segmentation;

import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Task;
import dev.losskit.Trait;

/**
 * Jaccard (soft IoU) loss: one minus the soft intersection over union of predicted and target
 * masks, for segmentation judged by IoU.
 *
 * <pre>{@code
 * per class c, over the pixels of the batch (or of one image with per-image):
 *   I = sum p t,  P = sum p,  T = sum t,  U = P + T - I
 *   L_c = 1 - (I + smooth) / (U + smooth)
 *   dL_c/dp = ((I + smooth) - (U + I + 2 smooth) t) / (U + smooth)^2
 * loss = sum_c w_c L_c / sum_c w_c        (w_c = 1 without class-weight)
 * }</pre>
 *
 * <p>Inputs, layouts, {@code class-weight}, {@code ignore-index}, {@code per-image} and {@code
 * from-logits}: as {@code dice}.
 *
 * <p>Numerical notes: sums are accumulated in double. With {@code smooth = 0} a class with an empty
 * union ({@code U = 0}) counts as a perfect match: its loss and gradient are 0.
 *
 * <p>Equals the catalogue formula; the reference values are that formula written with PyTorch
 * operations and differentiated by autograd.
 *
 * @see <a href="https://doi.org/10.1007/978-3-319-50835-1_22">Rahman and Wang (2016), Optimizing
 *     intersection-over-union in deep neural networks for image segmentation</a>
 */
public final class JaccardLoss extends Masks.RegionLoss {
  public static final LossSpec SPEC =
      Masks.regionParams(
              Masks.regionSpec("jaccard")
                  .name("Jaccard (soft IoU)")
                  .summary(
                      "One minus the soft intersection over union of predicted and target masks,"
                          + " per class, averaged over classes.")
                  .formula(
                      "L_c = 1 - (I + smooth) / (P + T - I + smooth), I = sum p t, P = sum p, T ="
                          + " sum t per class; loss = sum_c w_c L_c / sum_c w_c")
                  .gradient(
                      "dL_c/dp = ((I + smooth) - (U + I + 2 smooth) t) / (U + smooth)^2, U = P + T"
                          + " - I, then through the sigmoid or softmax with from-logits")
                  .traits(Trait.NONNEGATIVE, Trait.BOUNDED, Trait.SMOOTH)
                  .equivalent("", "")
                  .whenToUse(
                      "Segmentation evaluated by IoU, with imbalanced classes: it optimises a soft"
                          + " version of the metric. Like dice it is unstable on tiny or empty"
                          + " masks; lovasz-softmax and lovasz-hinge are its tighter surrogates.")
                  .reference(
                      "Rahman and Wang (2016), Optimizing intersection-over-union in deep neural"
                          + " networks for image segmentation",
                      "https://doi.org/10.1007/978-3-319-50835-1_22")
                  .reference(
                      "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive"
                          + " review",
                      "https://arxiv.org/abs/2504.04242"))
          .tasks(Task.SEGMENTATION)
          .build(JaccardLoss::new);

  private JaccardLoss(Params p) {
    super(SPEC, p);
  }

  @Override
  public double classLoss(
      double inter, double psum, double tsum, double p2sum, double t2sum, double[] d) {
    double den = psum + tsum - inter + smooth;
    if (den <= 0) {
      return 0;
    }
    double num = inter + smooth;
    d[0] = -(den + num) / (den * den);
    d[1] = num / (den * den);
    return 1 - num / den;
  }
}

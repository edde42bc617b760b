package dev.losskit.segmentation;

import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Task;
import dev.losskit.Trait;
import dev.losskit.internal.Numerics;

/**
 * Log-cosh Dice loss (lcDice): {@code log(cosh(.))} of the Dice loss, which keeps Dice's overlap
 * objective while smoothing its landscape.
 *
 * <pre>{@code
 * per class c, over the pixels of the batch (or of one image with per-image):
 *   D_c = 1 - (2 I + smooth) / (P + T + smooth),  I = sum p t, P = sum p, T = sum t
 *   L_c = log(cosh(D_c))
 *   dL_c/dp = tanh(D_c) dD_c/dp,  dD_c/dp = -2 t / (P + T + smooth) + (2 I + smooth) / (P + T + smooth)^2
 * loss = sum_c w_c L_c / sum_c w_c        (w_c = 1 without class-weight)
 * }</pre>
 *
 * <p>Inputs, layouts, {@code class-weight}, {@code ignore-index}, {@code per-image} and {@code
 * from-logits}: as {@code dice}. Multi-class: {@code log cosh} applies to each class's Dice loss
 * before the mean over classes.
 *
 * <p>Numerical notes: {@code log cosh} is computed as {@code |x| + log1p(exp(-2|x|)) - log 2}. With
 * {@code smooth = 0} a class with an empty union counts as a perfect match (loss and gradient 0).
 *
 * <p>Equals the catalogue formula; the reference values are that formula written with PyTorch
 * operations and differentiated by autograd.
 *
 * @see <a href="https://arxiv.org/abs/2006.14822">Jadon (2020), A survey of loss functions for
 *     semantic segmentation</a>
 */
public final class LogCoshDiceLoss extends Masks.RegionLoss {
  public static final LossSpec SPEC =
      Masks.regionParams(
              Masks.regionSpec("log-cosh-dice")
                  .name("Log-cosh Dice")
                  .summary(
                      "log(cosh(.)) of each class's Dice loss, averaged over classes: Dice with a"
                          + " smoother landscape.")
                  .formula(
                      "L_c = log(cosh(1 - (2 I + smooth) / (P + T + smooth))), I = sum p t, P = sum"
                          + " p, T = sum t per class; loss = sum_c w_c L_c / sum_c w_c")
                  .gradient(
                      "dL_c/dp = tanh(D_c) (-2 t / (P + T + smooth) + (2 I + smooth) / (P + T +"
                          + " smooth)^2), D_c the class's Dice loss")
                  .traits(Trait.NONNEGATIVE, Trait.BOUNDED, Trait.SMOOTH)
                  .equivalent("", "")
                  .whenToUse(
                      "Imbalanced segmentation where plain dice trains unsteadily: log-cosh damps"
                          + " its gradient near the optimum. It shares dice's blind spot for tiny or"
                          + " empty masks.")
                  .reference(
                      "Jadon (2020), A survey of loss functions for semantic segmentation",
                      "https://arxiv.org/abs/2006.14822")
                  .reference(
                      "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive"
                          + " review",
                      "https://arxiv.org/abs/2504.04242"))
          .tasks(Task.SEGMENTATION)
          .build(LogCoshDiceLoss::new);

  private LogCoshDiceLoss(Params p) {
    super(SPEC, p);
  }

  @Override
  public double classLoss(
      double inter, double psum, double tsum, double p2sum, double t2sum, double[] d) {
    double v = DiceLoss.dice(smooth, inter, psum, tsum, d);
    double k = Math.tanh(v);
    d[0] *= k;
    d[1] *= k;
    return Numerics.logCosh(v);
  }
}

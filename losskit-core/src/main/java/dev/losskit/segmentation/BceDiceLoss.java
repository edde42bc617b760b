package dev.losskit.segmentation;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Numerics;
import dev.losskit.internal.Samples;

/**
 * BCE + Dice: binary cross-entropy averaged over pixels plus the Dice loss of the mask, the usual
 * compound loss of binary segmentation (pixel-wise accuracy from BCE, overlap from Dice).
 *
 * <pre>{@code
 * loss = w_bce mean_i bce_i + w_dice (1 - (2 I + smooth) / (P + T + smooth))
 *   I = sum p t, P = sum p, T = sum t over the whole batch, p = pred (sigmoid(pred) with from-logits)
 * probabilities: bce_i = -(t max(log p, -100) + (1 - t) max(log(1 - p), -100))
 *                dbce_i/dp = (p - t) / max(p (1 - p), 1e-12)
 * logits x:      bce_i = max(x, 0) - t x + log1p(exp(-|x|)),  dbce_i/dx = sigmoid(x) - t
 * dDice/dp = -2 t / (P + T + smooth) + (2 I + smooth) / (P + T + smooth)^2
 * }</pre>
 *
 * <p>Inputs: {@code pred} binary masks {@code (N, d1, ..., dk)} of rank at most 3 or {@code (N, 1,
 * d1, ..., dk)}, probabilities in [0, 1] (logits with {@code from-logits=true}); {@code target} of
 * the same shape, in [0, 1]. The unreduced loss is one scalar; the BCE mean divides by the number
 * of elements.
 *
 * <p>Numerical notes: the BCE term is PyTorch's, value and gradient: logarithms clamped at -100 and
 * the gradient's denominator floored at 1e-12 (so probabilities of exactly 0 and 1 give finite
 * values and gradients), or the stable logit form with {@code from-logits}. The Dice term is that
 * of {@code dice} (a zero denominator, possible only with {@code smooth = 0}, gives 0).
 *
 * <p>Equals {@code w_bce * F.binary_cross_entropy(p, t) + w_dice * dice(p, t)} (or {@code
 * F.binary_cross_entropy_with_logits} with {@code from-logits}), the reference values' definition.
 *
 * @see <a href="https://arxiv.org/abs/2006.14822">Jadon (2020), A survey of loss functions for
 *     semantic segmentation</a>
 */
public final class BceDiceLoss extends AbstractLoss implements Masks.Region {
  public static final LossSpec SPEC =
      LossSpec.builder("bce-dice", Family.SEGMENTATION)
          .input(
              "pred",
              "binary masks (N, d1, ..., dk) of rank <= 3, or (N, 1, d1, ..., dk)",
              Masks.PRED_DOMAIN,
              true,
              "probabilities in [0, 1] (logits with from-logits=true)")
          .input("target", "pred's shape", InputDomain.PROBABILITY, false, "target mask in [0, 1]")
          .name("BCE + Dice")
          .summary(
              "Binary cross-entropy averaged over pixels plus the Dice loss of the mask, each"
                  + " weighted.")
          .formula(
              "loss = w_bce mean_i bce(p_i, t_i) + w_dice (1 - (2 I + smooth) / (P + T + smooth))")
          .gradient(
              "dloss/dp_i = w_bce (p_i - t_i) / (max(p_i (1 - p_i), 1e-12) n) + w_dice (-2 t_i / (P"
                  + " + T + smooth) + (2 I + smooth) / (P + T + smooth)^2); with from-logits w_bce"
                  + " (sigmoid(x_i) - t_i) / n + w_dice dDice/dp_i p_i (1 - p_i)")
          .param(ParamSpec.real("w-bce", 1.0, Range.NONNEGATIVE, "weight of the BCE term"))
          .param(ParamSpec.real("w-dice", 1.0, Range.NONNEGATIVE, "weight of the Dice term"))
          .param(Masks.smooth())
          .param(Masks.fromLogits())
          .traits(Trait.NONNEGATIVE, Trait.SMOOTH)
          .equivalent(
              "w_bce * F.binary_cross_entropy(pred, target) + w_dice * dice(pred, target)", "")
          .whenToUse(
              "Binary segmentation, the common default: BCE gives dense, stable per-pixel gradients"
                  + " early in training and Dice handles foreground/background imbalance. Binary"
                  + " masks only; for several classes combine cross-entropy with dice.")
          .reference(
              "Jadon (2020), A survey of loss functions for semantic segmentation",
              "https://arxiv.org/abs/2006.14822")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review",
              "https://arxiv.org/abs/2504.04242")
          .sampler(
              (p, r, n) ->
                  new Tensor[] {
                    Masks.sampledPred(r, p.bool("from-logits"), false, n, 3, 4),
                    r.nextBoolean() ? Samples.binary(r, n, 3, 4) : Samples.uniform(r, 0, 1, n, 3, 4)
                  })
          .tasks(Task.SEGMENTATION)
          .build(BceDiceLoss::new);

  /** PyTorch's floor on (1 - p) p in the BCE gradient. */
  static final double EPSILON = 1e-12;

  /** PyTorch's clamp on each logarithm of the BCE. */
  static final double LOG_FLOOR = -100;

  private final double wBce;
  private final double wDice;
  private final double smooth;
  private final boolean fromLogits;

  private BceDiceLoss(Params p) {
    super(SPEC, p);
    this.wBce = p.real("w-bce");
    this.wDice = p.real("w-dice");
    this.smooth = p.real("smooth");
    this.fromLogits = p.bool("from-logits");
  }

  @Override
  public double classLoss(
      double inter, double psum, double tsum, double p2sum, double t2sum, double[] d) {
    return DiceLoss.dice(smooth, inter, psum, tsum, d);
  }

  @Override
  public int[] check(Tensor[] in) {
    Masks.check(in[0], in[1], null, fromLogits, false, 0, true);
    return new int[0];
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    Masks m = Masks.of(in[0], in[1], fromLogits, true);
    float[] g = grads == null ? null : grads[0];
    double dice = m.region(this, in[0], in[1], null, false, 0, false, null, g, scale * wDice);
    float[] x = in[0].data();
    float[] t = in[1].data();
    double inv = x.length == 0 ? 0 : 1.0 / x.length;
    double k = scale * wBce * inv;
    double bce = 0;
    for (int i = 0; i < x.length; i++) {
      double xi = x[i];
      double ti = t[i];
      double l;
      double dl;
      if (fromLogits) {
        l = Math.max(xi, 0) - ti * xi + Math.log1p(Math.exp(-Math.abs(xi)));
        dl = Numerics.sigmoid(xi) - ti;
      } else {
        l =
            -(ti * Math.max(Math.log(xi), LOG_FLOOR)
                + (1 - ti) * Math.max(Math.log1p(-xi), LOG_FLOOR));
        dl = (xi - ti) / Math.max((1 - xi) * xi, EPSILON);
      }
      bce += l;
      if (g != null) {
        g[i] += (float) (k * dl);
      }
    }
    double v = wBce * bce * inv + wDice * dice;
    if (values != null) {
      values[0] = (float) v;
    }
    return v;
  }
}

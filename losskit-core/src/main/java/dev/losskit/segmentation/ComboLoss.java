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
import dev.losskit.internal.Samples;

/**
 * Combo loss: a weighted binary cross-entropy that trades false positives against false negatives,
 * minus the Dice coefficient, for binary segmentation with strong input and output imbalance.
 *
 * <pre>{@code
 * wbce_i = -(beta t log p + (1 - beta) (1 - t) log(1 - p)),  logs clamped at -100
 * DSC    = (2 I + smooth) / (P + T + smooth),  I = sum p t, P = sum p, T = sum t over the batch
 * loss   = alpha mean_i wbce_i - (1 - alpha) DSC
 * dwbce_i/dp = (-beta t (1 - p) + (1 - beta) (1 - t) p) / max(p (1 - p), 1e-12)
 * dDSC/dp    = 2 t / (P + T + smooth) - (2 I + smooth) / (P + T + smooth)^2
 * }</pre>
 *
 * <p>Inputs: {@code pred} binary masks {@code (N, d1, ..., dk)} of rank at most 3 or {@code (N, 1,
 * d1, ..., dk)}, probabilities in [0, 1]; {@code target} of the same shape, in [0, 1]. The
 * unreduced loss is one scalar; the weighted BCE mean divides by the number of elements. The loss
 * is negative whenever {@code (1 - alpha) DSC} exceeds the BCE term; its minimum is {@code -(1 -
 * alpha)} for a perfect binary prediction.
 *
 * <p>Numerical notes: the logarithms are clamped at -100 and the BCE gradient's denominator is
 * floored at 1e-12, as PyTorch's {@code binary_cross_entropy} does (to which the BCE term reduces
 * for {@code beta = 0.5}, halved), so probabilities of exactly 0 and 1 give finite values and
 * gradients. A zero Dice denominator ({@code smooth = 0}, empty masks) gives DSC = 1.
 *
 * <p>Equals the catalogue formula; the reference values are that formula written with PyTorch
 * operations ({@code F.binary_cross_entropy} with per-element weights {@code beta} and {@code 1 -
 * beta} for binary targets).
 *
 * @see <a href="https://arxiv.org/abs/1805.02798">Taghanaki et al. (2019), Combo loss: handling
 *     input and output imbalance in multi-organ segmentation</a>
 */
public final class ComboLoss extends AbstractLoss implements Masks.Region {
  public static final LossSpec SPEC =
      LossSpec.builder("combo", Family.SEGMENTATION)
          .input(
              "pred",
              "binary masks (N, d1, ..., dk) of rank <= 3, or (N, 1, d1, ..., dk)",
              InputDomain.PROBABILITY,
              true,
              "predicted probabilities")
          .input("target", "pred's shape", InputDomain.PROBABILITY, false, "target mask in [0, 1]")
          .name("Combo")
          .summary(
              "alpha times a beta-weighted binary cross-entropy minus (1 - alpha) times the Dice"
                  + " coefficient.")
          .formula(
              "loss = alpha mean_i -(beta t_i log p_i + (1 - beta) (1 - t_i) log(1 - p_i)) - (1 -"
                  + " alpha) (2 I + smooth) / (P + T + smooth)")
          .gradient(
              "dloss/dp_i = alpha (-beta t_i (1 - p_i) + (1 - beta) (1 - t_i) p_i) / (max(p_i (1 -"
                  + " p_i), 1e-12) n) - (1 - alpha) (2 t_i / (P + T + smooth) - (2 I + smooth) / (P"
                  + " + T + smooth)^2)")
          .param(
              ParamSpec.real(
                  "alpha", 0.5, Range.UNIT, "weight of the BCE term; 1 - alpha weighs the Dice"))
          .param(
              ParamSpec.real(
                  "beta",
                  0.5,
                  Range.UNIT,
                  "weight of the positive-class term of the BCE; above 0.5 penalises false"
                      + " negatives more"))
          .param(Masks.smooth())
          .traits(Trait.SMOOTH)
          .equivalent("", "")
          .whenToUse(
              "Binary (organ, lesion) segmentation with imbalance between foreground and background:"
                  + " beta trades false positives against false negatives while the Dice term"
                  + " keeps overlap in view. Two weights to tune; the value can be negative.")
          .reference(
              "Taghanaki et al. (2019), Combo loss: handling input and output imbalance in"
                  + " multi-organ segmentation",
              "https://arxiv.org/abs/1805.02798")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review",
              "https://arxiv.org/abs/2504.04242")
          .sampler(
              (p, r, n) ->
                  new Tensor[] {
                    Samples.probabilities(r, n, 3, 4),
                    r.nextBoolean() ? Samples.binary(r, n, 3, 4) : Samples.uniform(r, 0, 1, n, 3, 4)
                  })
          .tasks(Task.SEGMENTATION)
          .build(ComboLoss::new);

  private final double alpha;
  private final double beta;
  private final double smooth;

  private ComboLoss(Params p) {
    super(SPEC, p);
    this.alpha = p.real("alpha");
    this.beta = p.real("beta");
    this.smooth = p.real("smooth");
  }

  @Override
  public double classLoss(
      double inter, double psum, double tsum, double p2sum, double t2sum, double[] d) {
    return DiceLoss.dice(smooth, inter, psum, tsum, d);
  }

  @Override
  public int[] check(Tensor[] in) {
    Masks.check(in[0], in[1], null, false, false, 0, true);
    return new int[0];
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    Masks m = Masks.of(in[0], in[1], false, true);
    float[] g = grads == null ? null : grads[0];
    // -(1 - alpha) DSC = (1 - alpha) (Dice loss) - (1 - alpha)
    double diceLoss =
        m.region(this, in[0], in[1], null, false, 0, false, null, g, scale * (1 - alpha));
    float[] x = in[0].data();
    float[] t = in[1].data();
    double inv = x.length == 0 ? 0 : 1.0 / x.length;
    double k = scale * alpha * inv;
    double wbce = 0;
    for (int i = 0; i < x.length; i++) {
      double p = x[i];
      double ti = t[i];
      wbce -=
          beta * ti * Math.max(Math.log(p), BceDiceLoss.LOG_FLOOR)
              + (1 - beta) * (1 - ti) * Math.max(Math.log1p(-p), BceDiceLoss.LOG_FLOOR);
      if (g != null) {
        double dl =
            (-beta * ti * (1 - p) + (1 - beta) * (1 - ti) * p)
                / Math.max((1 - p) * p, BceDiceLoss.EPSILON);
        g[i] += (float) (k * dl);
      }
    }
    double v = alpha * wbce * inv + (1 - alpha) * diceLoss - (1 - alpha);
    if (values != null) {
      values[0] = (float) v;
    }
    return v;
  }
}

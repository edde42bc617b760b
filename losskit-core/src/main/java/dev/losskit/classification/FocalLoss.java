package dev.losskit.classification;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.Shapes;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Samples;

/**
 * Focal loss on probabilities: binary cross-entropy scaled down by {@code (1 - p_t)^gamma} on
 * well-classified examples, so that training concentrates on the hard ones (dense detection,
 * imbalanced binary classification).
 *
 * <pre>{@code
 * c       = clip(p, eps, 1 - eps)
 * p_t     = c if t = 1 else 1 - c
 * alpha_t = alpha if t = 1 else 1 - alpha
 * l       = -alpha_t (1 - p_t)^gamma log p_t
 * dl/dp_t = alpha_t (gamma (1 - p_t)^(gamma - 1) log p_t - (1 - p_t)^gamma / p_t)
 * dl/dp   = dl/dp_t * (1 if t = 1 else -1)     where eps <= p <= 1 - eps
 *         = 0                                   where p was clipped
 * }</pre>
 *
 * <p>Inputs: {@code pred} p, probabilities in [0, 1], any shape; {@code target} t, labels 0 or 1,
 * the shape of {@code pred}. Parameters: {@code alpha} in [0, 1] (default 0.25) weights the
 * positives, {@code gamma} >= 0 (default 2) sets the down-weighting, {@code eps} in (0, 0.5)
 * (default 1e-7) the clip. The mean divides by the number of elements.
 *
 * <p>Numerical notes: clipping keeps p_t in [eps, 1 - eps], so the value is at most {@code
 * -max(alpha, 1 - alpha) log(eps)} and {@code (1 - p_t)^(gamma - 1)} stays finite for gamma below
 * 1. As with any clip, the gradient is zero where p lies outside [eps, 1 - eps] (PyTorch's and
 * Keras's clip gradients behave the same way), so a prediction of exactly 0 or 1 gets no gradient.
 * The clip bounds are computed in double (1 - 1e-7, not its float32 rounding 1 - 1.19e-7).
 *
 * <p>Equals the review's formula and code; no peer library takes probabilities (the reference
 * values are the formula written with PyTorch operations and {@code torch.clamp}). On logits use
 * {@code sigmoid-focal}.
 *
 * @see <a href="https://arxiv.org/abs/1708.02002">Lin et al. (2017), Focal loss for dense object
 *     detection</a>
 */
public final class FocalLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.elementwise("focal", Family.CLASSIFICATION)
          .domain("pred", InputDomain.PROBABILITY)
          .domain("target", InputDomain.PROBABILITY)
          .param(ParamSpec.real("alpha", 0.25, Range.UNIT, "weight of the positive class"))
          .param(ParamSpec.real("gamma", 2.0, Range.NONNEGATIVE, "focusing exponent of (1 - p_t)"))
          .param(
              ParamSpec.real(
                  "eps", 1e-7, new Range(0, false, 0.5, false), "p is clipped to [eps, 1 - eps]"))
          .name("Focal")
          .summary(
              "Binary cross-entropy scaled by (1 - p_t)^gamma, which fades out well-classified examples.")
          .formula(
              "l = -alpha_t (1 - p_t)^gamma log p_t, p_t = c if t = 1 else 1 - c, c = clip(p, eps, 1 - eps),"
                  + " alpha_t = alpha if t = 1 else 1 - alpha")
          .gradient(
              "dl/dp = s alpha_t (gamma (1 - p_t)^(gamma - 1) log p_t - (1 - p_t)^gamma / p_t),"
                  + " s = 1 if t = 1 else -1; 0 where p was clipped")
          .traits(Trait.NONNEGATIVE, Trait.BOUNDED)
          .equivalent("", "")
          .whenToUse(
              "Dense detection and strongly imbalanced binary classification, where many easy negatives"
                  + " would swamp the loss; gamma = 0 gives alpha-weighted BCE. On logits prefer"
                  + " sigmoid-focal, which is stabler and has no clip with a zero gradient beyond it.")
          .reference(
              "Lin et al. (2017), Focal loss for dense object detection, ICCV",
              "https://arxiv.org/abs/1708.02002")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review",
              "https://arxiv.org/abs/2504.04242")
          .sampler((p, r, n) -> new Tensor[] {Samples.probabilities(r, n), Samples.binary(r, n)})
          .tasks(Task.CLASSIFICATION, Task.DETECTION, Task.SEGMENTATION)
          .build(FocalLoss::new);

  private final double alpha;
  private final double gamma;
  private final double eps;

  private FocalLoss(Params p) {
    super(SPEC, p);
    this.alpha = p.real("alpha");
    this.gamma = p.real("gamma");
    this.eps = p.real("eps");
  }

  @Override
  public int[] check(Tensor[] in) {
    Shapes.requireSame("target", in[1], "pred", in[0]);
    float[] t = in[1].data();
    for (int i = 0; i < t.length; i++) {
      if (t[i] != 0 && t[i] != 1) {
        throw new IllegalArgumentException(
            "target: expected labels 0 or 1, found " + t[i] + " at index " + i);
      }
    }
    return in[0].shape();
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] p = in[0].data();
    float[] t = in[1].data();
    float[] g = grads == null ? null : grads[0];
    double hi = 1 - eps;
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      double pi = p[i];
      boolean positive = t[i] == 1;
      double c = Math.min(Math.max(pi, eps), hi);
      // pt = p_t and m = 1 - p_t, each computed without cancellation.
      double pt = positive ? c : 1 - c;
      double m = positive ? 1 - c : c;
      double logPt = positive ? Math.log(c) : Math.log1p(-c);
      double a = positive ? alpha : 1 - alpha;
      double mg = Math.pow(m, gamma);
      double l = -a * mg * logPt;
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        double d = 0;
        if (pi >= eps && pi <= hi) {
          double dPt = a * ((gamma == 0 ? 0 : gamma * Math.pow(m, gamma - 1) * logPt) - mg / pt);
          d = positive ? dPt : -dPt;
        }
        g[i] = (float) (scale * d);
      }
    }
    return sum;
  }
}

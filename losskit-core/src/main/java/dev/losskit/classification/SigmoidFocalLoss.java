package dev.losskit.classification;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.Shapes;
import dev.losskit.SplittableLoss;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.TwiceDifferentiable;
import dev.losskit.internal.Numerics;
import dev.losskit.internal.Samples;
import dev.losskit.internal.vectorization.ScalarKernels;
import dev.losskit.internal.vectorization.Vectorization;

/**
 * Sigmoid focal loss (RetinaNet): binary cross-entropy on logits scaled by {@code (1 - p_t)^gamma},
 * so that dense detectors and imbalanced multi-label classifiers learn from the hard examples.
 *
 * <pre>{@code
 * x = pred (logit), t = target, s = sigmoid(x), u = sigmoid(-x) = 1 - s
 * ce      = (1 - t) softplus(x) + t softplus(-x)          (BCE with logits)
 * m       = 1 - p_t = (1 - t) s + t u                      (p_t = s t + (1 - s)(1 - t))
 * alpha_t = alpha t + (1 - alpha)(1 - t), or 1 when alpha = -1
 * l       = alpha_t m^gamma ce
 * r       = m' / m = (1 - 2t) s u / m   (= -s if t = 1, u if t = 0)
 * dl/dx   = alpha_t m^gamma (gamma r ce + s - t)
 * d2l/dx2 = alpha_t m^gamma (gamma (gamma - 1) r^2 ce + gamma r (u - s) ce + 2 gamma r (s - t) + s u)
 * }</pre>
 *
 * <p>Inputs: {@code pred}, finite logits of any shape; {@code target} in [0, 1] (binary or soft
 * labels), the shape of {@code pred}. Parameters: {@code alpha} in [0, 1] (default 0.25), or -1 to
 * disable the alpha weighting; {@code gamma} >= 0 (default 2). The mean divides by the number of
 * elements.
 *
 * <p>Numerical notes: s, u, softplus(x) and softplus(-x) are each computed stably, never as
 * log(sigmoid(x)) or 1 - sigmoid(x), so logits of +/-1000 give exact values and derivatives. The
 * derivatives are written with the ratio r = m'/m, which lies in [-1, 1], instead of powers {@code
 * m^(gamma - 1)} and {@code m^(gamma - 2)}: they stay finite for every gamma >= 0, including gamma
 * below 1 and 2 where m reaches 0 (p_t = 1), and gamma = 0 and 1 are exact (their extra terms are
 * multiplied by an exact zero).
 *
 * <p>Equals {@code torchvision.ops.sigmoid_focal_loss(pred, target, alpha=alpha, gamma=gamma,
 * reduction='mean')} (torchvision's reduction defaults to 'none'; its 'mean' and 'sum' run over
 * elements, as here). With gamma = 0 it equals {@code bce-with-logits} with weights alpha_t.
 *
 * @see <a href="https://arxiv.org/abs/1708.02002">Lin et al. (2017), Focal loss for dense object
 *     detection</a>
 */
public final class SigmoidFocalLoss extends AbstractLoss
    implements SplittableLoss, TwiceDifferentiable {
  public static final LossSpec SPEC =
      LossSpec.elementwise("sigmoid-focal", Family.CLASSIFICATION)
          .domain("target", InputDomain.PROBABILITY)
          .param(
              ParamSpec.real(
                  "alpha",
                  0.25,
                  Range.closed(-1, 1),
                  "weight of the positive class in [0, 1]; -1 disables it"))
          .param(ParamSpec.real("gamma", 2.0, Range.NONNEGATIVE, "focusing exponent of (1 - p_t)"))
          .name("Sigmoid focal")
          .summary(
              "Binary cross-entropy on logits scaled by (1 - p_t)^gamma, which fades out well-classified"
                  + " examples; RetinaNet's classification loss.")
          .formula(
              "l = alpha_t (1 - p_t)^gamma ce, ce = BCE with logits, p_t = s t + (1 - s)(1 - t), s ="
                  + " sigmoid(x), alpha_t = alpha t + (1 - alpha)(1 - t) (1 if alpha = -1)")
          .gradient(
              "dl/dx = alpha_t m^gamma (gamma r ce + s - t), m = 1 - p_t, r = (1 - 2t) s (1 - s) / m;"
                  + " d2l/dx2 = alpha_t m^gamma (gamma (gamma - 1) r^2 ce + gamma r (1 - 2s) ce + 2 gamma r (s - t)"
                  + " + s (1 - s))")
          .traits(Trait.SMOOTH, Trait.NONNEGATIVE, Trait.HESSIAN)
          .equivalent(
              "torchvision.ops.sigmoid_focal_loss(pred, target, alpha=alpha, gamma=gamma, reduction='mean')",
              "torchvision")
          .whenToUse(
              "Dense object detection (anchor classification, objectness) and imbalanced multi-label"
                  + " classification on logits, where easy negatives far outnumber the rest; gamma = 0"
                  + " is alpha-weighted BCE. The down-weighting can under-train rare easy positives;"
                  + " tune alpha together with gamma.")
          .reference(
              "Lin et al. (2017), Focal loss for dense object detection, ICCV",
              "https://arxiv.org/abs/1708.02002")
          .sampler(
              (p, r, n) ->
                  new Tensor[] {Samples.normal(r, 2, n), BinarySampling.mixedTargets(r, n)})
          .build(SigmoidFocalLoss::new);

  private final double alpha;
  private final double gamma;

  private SigmoidFocalLoss(Params p) {
    super(SPEC, p);
    this.alpha = p.real("alpha");
    this.gamma = p.real("gamma");
    if (alpha < 0 && alpha != -1) {
      throw new IllegalArgumentException(
          "parameter alpha: expected -1 or a number in [0, 1], found '"
              + ParamSpec.render(alpha)
              + "'");
    }
  }

  @Override
  public int[] check(Tensor[] in) {
    Shapes.requireSame("target", in[1], "pred", in[0]);
    return in[0].shape();
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    return computeRange(in, values, grads, scale, 0, in[0].size());
  }

  @Override
  public double computeRange(
      Tensor[] in, float[] values, float[][] grads, double scale, int from, int to) {
    float[] g = grads == null ? null : grads[0];
    return Vectorization.kernels()
        .sigmoidFocal(in[0].data(), in[1].data(), alpha, gamma, values, g, scale, from, to);
  }

  @Override
  public void secondDerivative(Tensor[] in, float[] out) {
    float[] x = in[0].data();
    float[] t = in[1].data();
    for (int i = 0; i < x.length; i++) {
      double xi = x[i];
      double ti = t[i];
      double s = Numerics.sigmoid(xi);
      double u = Numerics.sigmoid(-xi);
      double ce = (1 - ti) * Numerics.softplus(xi) + ti * Numerics.softplus(-xi);
      double m = (1 - ti) * s + ti * u;
      double a = alpha < 0 ? 1 : alpha * ti + (1 - alpha) * (1 - ti);
      double r = ScalarKernels.focalRatio(ti, s, u, m);
      double sMinusT = (1 - ti) * s - ti * u;
      double inner =
          gamma * (gamma - 1) * r * r * ce
              + gamma * r * (u - s) * ce
              + 2 * gamma * r * sMinusT
              + s * u;
      out[i] = (float) (a * Math.pow(m, gamma) * inner);
    }
  }
}

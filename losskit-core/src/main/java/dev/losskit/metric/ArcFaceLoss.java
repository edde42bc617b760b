package dev.losskit.metric;

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

/**
 * ArcFace (additive angular margin) loss: softmax cross-entropy over scaled cosine logits in which
 * the target class's angle is enlarged by a margin; for face recognition and other large-scale
 * identity embeddings learned as classification.
 *
 * <pre>{@code
 * theta = acos(clamp(c_y, -1 + 1e-7, 1 - 1e-7))       c = cosine row, y = target
 * z_j   = s c_j  (j != y),   z_y = s cos(theta + m)
 * l     = log sum_j exp(z_j) - z_y
 * dl/dc_j = s softmax_j(z)                              (j != y)
 * dl/dc_y = s (softmax_y(z) - 1) sin(theta + m) / sin(theta)   (0 where the clamp is active)
 * }</pre>
 *
 * <p>Inputs: {@code cosine} {@code (N, C)}, the cosines between normalized embeddings and
 * normalized class weights (in [-1, 1]); {@code target} {@code (N)}, integral class indices in [0,
 * C). Gradient for {@code cosine}. The unreduced loss has shape {@code (N)}; {@code mean} divides
 * by N.
 *
 * <p>Numerics: the target cosine is clamped to [-1 + 1e-7, 1 - 1e-7] before {@code acos}, as common
 * implementations do, so the gradient stays finite at cosines of exactly +/-1 (it is 0 there, as
 * through {@code torch.clamp}); values slightly outside [-1, 1] from rounding are accepted and
 * clamped the same way. Log-sum-exp is the row maximum plus {@code log1p} of the other terms and
 * {@code 1 - softmax_y} is computed as {@code -expm1(z_y - lse)}. The margin is applied as written:
 * for {@code theta > pi - m}, {@code cos(theta + m)} grows again with {@code theta} (the paper's
 * "easy margin" and linear fallbacks are not applied).
 *
 * <p>Equals {@code F.cross_entropy(s * where(one_hot(y), cos(acos(clamp(c, -1 + 1e-7, 1 - 1e-7)) +
 * m), c), y)}; there is no PyTorch loss of that name.
 *
 * @see <a href="https://arxiv.org/abs/1801.07698">Deng, Guo, Xue and Zafeiriou (2019)</a>
 */
public final class ArcFaceLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("arcface", Family.METRIC)
          .name("ArcFace")
          .summary(
              "Cross-entropy over scaled cosine logits with an additive angular margin on the"
                  + " target class.")
          .formula(
              "l = log sum_j exp(z_j) - z_y, z_j = s c_j (j != y), z_y = s cos(acos(c_y) + m);"
                  + " c_y clamped to [-1 + 1e-7, 1 - 1e-7] before acos")
          .gradient(
              "dl/dc_j = s softmax_j (j != y); dl/dc_y = s (softmax_y - 1) sin(theta + m) /"
                  + " sin(theta), 0 where the clamp is active")
          .input(
              "cosine",
              "(N, C)",
              InputDomain.REAL,
              true,
              "cosines between normalized embeddings and class weights, in [-1, 1]")
          .input("target", "(N)", InputDomain.CLASS_INDEX, false, "class indices in [0, C)")
          .param(ParamSpec.real("scale", 64.0, Range.POSITIVE, "s, the radius of the hypersphere"))
          .param(
              ParamSpec.real(
                  "margin", 0.5, Range.NONNEGATIVE, "m, the additive angular margin in radians"))
          .traits(Trait.NONNEGATIVE)
          .whenToUse(
              "Face recognition and other open-set identification with many classes (speaker,"
                  + " re-identification) where the embedding is learned as classification; it needs"
                  + " normalized features and weights, and a large margin can stall training on"
                  + " noisy or hard data, where cosface or a smaller margin is gentler.")
          .reference(
              "Deng, Guo, Xue and Zafeiriou (2019), ArcFace: additive angular margin loss for deep"
                  + " face recognition",
              "https://arxiv.org/abs/1801.07698")
          .sampler((p, r, n) -> MarginSoftmax.sample(r, n))
          .tasks(Task.CLASSIFICATION, Task.REPRESENTATION)
          .build(ArcFaceLoss::new);

  private final double scale;
  private final double margin;

  private ArcFaceLoss(Params p) {
    super(SPEC, p);
    this.scale = p.real("scale");
    this.margin = p.real("margin");
  }

  @Override
  public int[] check(Tensor[] in) {
    return MarginSoftmax.check(in);
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double gradScale) {
    return MarginSoftmax.compute(in, values, grads, gradScale, scale, margin, true);
  }
}

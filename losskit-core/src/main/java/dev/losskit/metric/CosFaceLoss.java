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
 * CosFace (large margin cosine) loss: softmax cross-entropy over scaled cosine logits with a margin
 * subtracted from the target class's cosine; for face recognition and other identity embeddings
 * learned as classification.
 *
 * <pre>{@code
 * z_j = s c_j  (j != y),   z_y = s (c_y - m)          c = cosine row, y = target
 * l   = log sum_j exp(z_j) - z_y
 * dl/dc_j = s (softmax_j(z) - [j = y])
 * }</pre>
 *
 * <p>Inputs: {@code cosine} {@code (N, C)}, the cosines between normalized embeddings and
 * normalized class weights (in [-1, 1]); {@code target} {@code (N)}, integral class indices in [0,
 * C). Gradient for {@code cosine}. The unreduced loss has shape {@code (N)}; {@code mean} divides
 * by N.
 *
 * <p>Numerics: log-sum-exp is the row maximum plus {@code log1p} of the other terms and {@code 1 -
 * softmax_y} is computed as {@code -expm1(z_y - lse)}, so large scales and cosines give finite
 * values and gradients.
 *
 * <p>Equals {@code F.cross_entropy(s * (c - m * one_hot(y)), y)}; there is no PyTorch loss of that
 * name.
 *
 * @see <a href="https://arxiv.org/abs/1801.09414">Wang et al. (2018)</a>
 */
public final class CosFaceLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("cosface", Family.METRIC)
          .name("CosFace")
          .summary(
              "Cross-entropy over scaled cosine logits with an additive cosine margin on the target"
                  + " class.")
          .formula("l = log sum_j exp(z_j) - z_y, z_j = s c_j (j != y), z_y = s (c_y - m)")
          .gradient("dl/dc_j = s (softmax_j(z) - [j = y])")
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
                  "margin", 0.35, Range.NONNEGATIVE, "m, subtracted from the target cosine"))
          .traits(Trait.CONVEX, Trait.SMOOTH, Trait.NONNEGATIVE)
          .whenToUse(
              "Face recognition and other open-set identification learned as classification over"
                  + " many identities; simpler and steadier than arcface (convex in the cosines),"
                  + " but it needs normalized features and weights and a scale large enough for the"
                  + " number of classes.")
          .reference(
              "Wang et al. (2018), CosFace: large margin cosine loss for deep face recognition",
              "https://arxiv.org/abs/1801.09414")
          .sampler((p, r, n) -> MarginSoftmax.sample(r, n))
          .tasks(Task.CLASSIFICATION, Task.REPRESENTATION)
          .build(CosFaceLoss::new);

  private final double scale;
  private final double margin;

  private CosFaceLoss(Params p) {
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
    return MarginSoftmax.compute(in, values, grads, gradScale, scale, margin, false);
  }
}

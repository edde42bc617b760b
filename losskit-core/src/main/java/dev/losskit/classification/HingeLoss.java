package dev.losskit.classification;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.SplittableLoss;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Elementwise;
import dev.losskit.internal.Samples;
import dev.losskit.internal.vectorization.Vectorization;

/**
 * Hinge loss: how far a score falls short of the margin 1 on the side of its label; the loss of
 * linear support-vector machines, for binary classifiers that output a score whose sign is the
 * class.
 *
 * <pre>{@code
 * y = target, with 0 read as -1
 * l = max(0, 1 - y pred)
 * dl/dpred = -y  if y pred < 1
 *            0   otherwise (also at the kink y pred = 1)
 * }</pre>
 *
 * <p>Inputs: {@code pred}, finite scores of any shape; {@code target} of the same shape, labels -1
 * or +1 (0 is read as -1, so {0, 1} labels work too). Mean over elements.
 *
 * <p>Numerics: exact in double for any finite score; the gradient is bounded by 1 in magnitude.
 *
 * <p>Equals Keras {@code Hinge()(target, pred)} for {-1, +1} or {0, 1} labels: Keras averages over
 * the last axis and then over samples, which for a dense tensor is the mean over elements (Keras's
 * {@code sum} reduction sums the row means instead). Keras converts 0 to -1 only when every label
 * is 0 or 1; here 0 always means -1.
 *
 * @see <a href="https://doi.org/10.1007/BF00994018">Cortes and Vapnik (1995), Support-vector
 *     networks</a>
 */
public final class HingeLoss extends AbstractLoss implements SplittableLoss {
  public static final LossSpec SPEC =
      LossSpec.elementwise("hinge", Family.CLASSIFICATION)
          .domain("target", InputDomain.SIGN_OR_BINARY)
          .name("Hinge")
          .summary(
              "The shortfall of the signed score y pred below the margin 1: the support-vector machine loss.")
          .formula("l = max(0, 1 - y pred), y = target in {-1, +1} (0 read as -1)")
          .gradient("dl/dpred = -y if y pred < 1 else 0 (0 at the kink)")
          .traits(Trait.CONVEX, Trait.NONNEGATIVE, Trait.ROBUST)
          .equivalent("keras.losses.Hinge()(target, pred)", "")
          .whenToUse(
              "Binary classification with a maximum-margin score (linear SVMs, margin heads): correctly"
                  + " classified samples beyond the margin cost nothing. Not differentiable at the margin and"
                  + " gives no probabilities; use soft-margin or bce-with-logits for calibrated outputs.")
          .reference(
              "Cortes and Vapnik (1995), Support-vector networks",
              "https://doi.org/10.1007/BF00994018")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review",
              "https://arxiv.org/abs/2504.04242")
          .sampler(
              (p, r, n) ->
                  new Tensor[] {
                    MarginSamples.awayFrom(Samples.normal(r, 1.5, n), 1, -1), Samples.signs(r, n)
                  })
          .tasks(Task.CLASSIFICATION)
          .build(HingeLoss::new);

  private HingeLoss(Params p) {
    super(SPEC, p);
  }

  @Override
  public int[] check(Tensor[] in) {
    return Elementwise.check(SPEC, in);
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    return computeRange(in, values, grads, scale, 0, in[0].size());
  }

  @Override
  public double computeRange(
      Tensor[] in, float[] values, float[][] grads, double scale, int from, int to) {
    float[] g = grads == null ? null : grads[0];
    return Vectorization.kernels().hinge(in[0].data(), in[1].data(), values, g, scale, from, to);
  }
}

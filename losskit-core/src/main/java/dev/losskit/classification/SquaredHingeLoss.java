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
 * Squared hinge loss: the squared shortfall of a score below the margin 1 on the side of its label;
 * the L2-SVM loss, a hinge that is continuously differentiable and punishes large violations more.
 *
 * <pre>{@code
 * y = target, with 0 read as -1
 * l = max(0, 1 - y pred)^2
 * dl/dpred = -2 y max(0, 1 - y pred)
 * }</pre>
 *
 * <p>Inputs: {@code pred}, finite scores of any shape; {@code target} of the same shape, labels -1
 * or +1 (0 is read as -1, so {0, 1} labels work too). Mean over elements.
 *
 * <p>Numerics: computed in double; a single value overflows float32 only for shortfalls beyond
 * about 1.8e19, where the reduced value, accumulated in double, is still finite.
 *
 * <p>Equals Keras {@code SquaredHinge()(target, pred)} for {-1, +1} or {0, 1} labels: Keras
 * averages over the last axis and then over samples, which for a dense tensor is the mean over
 * elements (Keras's {@code sum} reduction sums the row means instead). Keras converts 0 to -1 only
 * when every label is 0 or 1; here 0 always means -1.
 *
 * @see <a href="https://arxiv.org/abs/1306.0239">Tang (2013), Deep learning using linear support
 *     vector machines</a>
 */
public final class SquaredHingeLoss extends AbstractLoss implements SplittableLoss {
  public static final LossSpec SPEC =
      LossSpec.elementwise("squared-hinge", Family.CLASSIFICATION)
          .domain("target", InputDomain.SIGN_OR_BINARY)
          .name("Squared hinge")
          .summary(
              "The squared shortfall of the signed score y pred below the margin 1: the L2-SVM loss.")
          .formula("l = max(0, 1 - y pred)^2, y = target in {-1, +1} (0 read as -1)")
          .gradient("dl/dpred = -2 y max(0, 1 - y pred)")
          .traits(Trait.CONVEX, Trait.SMOOTH, Trait.NONNEGATIVE)
          .equivalent("keras.losses.SquaredHinge()(target, pred)", "")
          .whenToUse(
              "Maximum-margin binary classification where a smooth gradient helps the optimiser (L2-SVM"
                  + " output layers): differentiable everywhere, unlike hinge. Large margin violations"
                  + " dominate it quadratically, so it is less robust to mislabelled samples than hinge.")
          .reference(
              "Tang (2013), Deep learning using linear support vector machines",
              "https://arxiv.org/abs/1306.0239")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review",
              "https://arxiv.org/abs/2504.04242")
          .sampler(
              (p, r, n) ->
                  new Tensor[] {
                    MarginSamples.awayFrom(Samples.normal(r, 1.5, n), 1, -1), Samples.signs(r, n)
                  })
          .tasks(Task.CLASSIFICATION)
          .build(SquaredHingeLoss::new);

  private SquaredHingeLoss(Params p) {
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
    return Vectorization.kernels()
        .squaredHinge(in[0].data(), in[1].data(), values, g, scale, from, to);
  }
}

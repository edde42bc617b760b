package dev.losskit.regression;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.SplittableLoss;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Elementwise;
import dev.losskit.internal.vectorization.Vectorization;

/**
 * Mean absolute error: the absolute residual, for Laplace noise and when every unit of error should
 * cost the same, so that outliers pull no harder than other points.
 *
 * <pre>{@code
 * r    = pred - target
 * l    = |r|
 * dl/dpred = sign(r)   (0 at r = 0)
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target} of equal shape, finite.
 *
 * <p>Numerical notes: at {@code r = 0} the loss has a kink; the kernel returns the subgradient 0
 * there, as PyTorch does.
 *
 * <p>Equals {@code torch.nn.functional.l1_loss(pred, target)}.
 *
 * @see <a href="https://arxiv.org/abs/2504.04242">Elharrouss et al. (2025), section 3</a>
 */
public final class MaeLoss extends AbstractLoss implements SplittableLoss {
  public static final LossSpec SPEC =
      LossSpec.elementwise("mae", Family.REGRESSION)
          .name("Mean absolute error")
          .summary(
              "The absolute residual; the maximum-likelihood loss under Laplace noise, estimating the median.")
          .formula("l = |pred - target|")
          .gradient("dl/dpred = sign(pred - target), 0 at pred = target")
          .traits(Trait.CONVEX, Trait.NONNEGATIVE, Trait.ZERO_AT_TARGET, Trait.ROBUST)
          .equivalent("torch.nn.functional.l1_loss(pred, target)", "pytorch")
          .aliases("l1", "pixelwise-mean")
          .whenToUse(
              "Regression with outliers or heavy-tailed noise, and pixel-wise image losses (restoration,"
                  + " super-resolution): every residual costs in proportion to its size. Its gradient has"
                  + " constant magnitude and a kink at zero, so convergence near the optimum is slower than"
                  + " with mse or huber.")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review, section 3",
              "https://arxiv.org/abs/2504.04242")
          .sampler((p, r, n) -> ResidualSamples.awayFromZero(r, n, 0.05, 3))
          .build(MaeLoss::new);

  private MaeLoss(Params p) {
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
    return Vectorization.kernels().mae(in[0].data(), in[1].data(), values, g, scale, from, to);
  }
}

package dev.losskit.regression;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.SplittableLoss;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Elementwise;
import dev.losskit.internal.vectorization.Vectorization;

/**
 * Smooth L1 loss: quadratic below {@code beta} and absolute beyond, with a gradient bounded by 1;
 * the box-regression loss of Fast R-CNN.
 *
 * <pre>{@code
 * r    = pred - target
 * l    = r^2 / (2 beta)    if |r| < beta
 *        |r| - beta / 2    otherwise
 * dl/dpred = r / beta if |r| < beta else sign(r)   (0 at r = 0 when beta = 0)
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target} of equal shape, finite. Parameter {@code beta} >= 0;
 * at {@code beta = 0} the loss is exactly {@code mae}.
 *
 * <p>Numerical notes: no division by {@code beta} happens when it is 0 (the quadratic branch is
 * then empty). For {@code beta > 0} the loss is continuously differentiable; for {@code beta = 0}
 * it has the kink of the absolute value, with subgradient 0 at {@code r = 0} as {@code l1_loss}
 * gives (PyTorch 1.13's {@code smooth_l1_loss} gives -1 there, pytorch/pytorch#96813, fixed in
 * 2.1).
 *
 * <p>Equals {@code torch.nn.functional.smooth_l1_loss(pred, target, beta=beta)}; it is {@code
 * huber} with {@code delta = beta} divided by {@code beta}.
 *
 * @see <a href="https://arxiv.org/abs/1504.08083">Girshick (2015), Fast R-CNN</a>
 */
public final class SmoothL1Loss extends AbstractLoss implements SplittableLoss {
  public static final LossSpec SPEC =
      LossSpec.elementwise("smooth-l1", Family.REGRESSION)
          .name("Smooth L1")
          .summary(
              "Quadratic for residuals below beta and absolute beyond: an L1 loss without the kink at zero.")
          .formula("l = r^2 / (2 beta) if |r| < beta else |r| - beta / 2, r = pred - target")
          .gradient("dl/dpred = r / beta if |r| < beta else sign(r) (0 at r = 0 when beta = 0)")
          .param(
              ParamSpec.real(
                  "beta",
                  1.0,
                  Range.NONNEGATIVE,
                  "residual where the loss turns linear; 0 gives mae"))
          .traits(Trait.CONVEX, Trait.NONNEGATIVE, Trait.ZERO_AT_TARGET, Trait.ROBUST)
          .equivalent("torch.nn.functional.smooth_l1_loss(pred, target, beta=beta)", "pytorch")
          .whenToUse(
              "Bounding-box regression in detectors (Fast and Faster R-CNN, SSD) and other regression with"
                  + " outliers: less sensitive to outliers than mse and smooth near zero, unlike mae. Its"
                  + " gradient saturates at 1, so large errors are corrected no faster than small ones.")
          .reference("Girshick (2015), Fast R-CNN", "https://arxiv.org/abs/1504.08083")
          .sampler((p, r, n) -> ResidualSamples.awayFromZero(r, n, 0.05, 3))
          .build(SmoothL1Loss::new);

  private final double beta;

  private SmoothL1Loss(Params p) {
    super(SPEC, p);
    this.beta = p.real("beta");
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
        .smoothL1(in[0].data(), in[1].data(), beta, values, g, scale, from, to);
  }
}

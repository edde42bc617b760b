package dev.losskit.regression;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.SplittableLoss;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.TwiceDifferentiable;
import dev.losskit.internal.Elementwise;
import dev.losskit.internal.Samples;
import dev.losskit.internal.vectorization.Vectorization;

/**
 * Mean squared error: the squared residual, for Gaussian noise and when large errors should cost
 * quadratically more.
 *
 * <pre>{@code
 * r    = pred - target
 * l    = r^2
 * dl/dpred   = 2 r
 * d2l/dpred2 = 2
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target} of equal shape, finite. Equals {@code
 * torch.nn.functional.mse_loss(pred, target)}.
 */
public final class MseLoss extends AbstractLoss implements SplittableLoss, TwiceDifferentiable {
  public static final LossSpec SPEC =
      LossSpec.elementwise("mse", Family.REGRESSION)
          .name("Mean squared error")
          .summary("The squared residual; the maximum-likelihood loss under Gaussian noise.")
          .formula("l = (pred - target)^2")
          .gradient("dl/dpred = 2 (pred - target); d2l/dpred2 = 2")
          .traits(
              Trait.CONVEX, Trait.SMOOTH, Trait.NONNEGATIVE, Trait.ZERO_AT_TARGET, Trait.HESSIAN)
          .equivalent("torch.nn.functional.mse_loss(pred, target)", "pytorch")
          .whenToUse(
              "Regression with roughly Gaussian errors and few outliers (tabular and time-series"
                  + " regression, dehazing, box coordinates in YOLOv1); outliers dominate it, so prefer"
                  + " huber or log-cosh when they are present.")
          .reference(
              "Gauss (1809), least squares; Elharrouss et al. (2025), section 3",
              "https://arxiv.org/abs/2504.04242")
          .sampler((p, r, n) -> new Tensor[] {Samples.normal(r, 1, n), Samples.normal(r, 1, n)})
          .build(MseLoss::new);

  private MseLoss(Params p) {
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
    return Vectorization.kernels().mse(in[0].data(), in[1].data(), values, g, scale, from, to);
  }

  @Override
  public void secondDerivative(Tensor[] in, float[] out) {
    java.util.Arrays.fill(out, 2f);
  }
}

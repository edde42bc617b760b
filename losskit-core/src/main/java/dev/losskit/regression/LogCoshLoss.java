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
 * Log-cosh loss: the logarithm of the hyperbolic cosine of the residual, quadratic near zero and
 * linear far from it, smooth everywhere; a twice-differentiable alternative to huber.
 *
 * <pre>{@code
 * r    = pred - target
 * l    = log(cosh(r))
 * dl/dpred   = tanh(r)
 * d2l/dpred2 = 1 - tanh(r)^2 = sech(r)^2
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target} of equal shape, finite.
 *
 * <p>Numerical notes: {@code log(cosh(r))} is evaluated as {@code |r| + log1p(exp(-2|r|)) - log 2},
 * which never overflows (cosh itself overflows beyond |r| of about 710); the second derivative as
 * {@code 4 e / (1 + e)^2} with {@code e = exp(-2|r|)}, which has no cancellation.
 *
 * <p>No PyTorch function; it equals {@code torch.log(torch.cosh(pred - target))} wherever cosh does
 * not overflow, and {@code tf.keras.losses.log_cosh} up to the mean over the last axis.
 *
 * @see <a href="https://arxiv.org/abs/2504.04242">Elharrouss et al. (2025), section 3</a>
 */
public final class LogCoshLoss extends AbstractLoss implements SplittableLoss, TwiceDifferentiable {
  public static final LossSpec SPEC =
      LossSpec.elementwise("log-cosh", Family.REGRESSION)
          .name("Log-cosh")
          .summary(
              "log(cosh(r)): r^2/2 for small residuals and |r| - log 2 for large ones, smooth everywhere.")
          .formula("l = log(cosh(pred - target))")
          .gradient("dl/dpred = tanh(r); d2l/dpred2 = 1 - tanh(r)^2, r = pred - target")
          .traits(
              Trait.CONVEX,
              Trait.SMOOTH,
              Trait.NONNEGATIVE,
              Trait.ZERO_AT_TARGET,
              Trait.ROBUST,
              Trait.HESSIAN)
          .equivalent("", "")
          .whenToUse(
              "Regression with outliers where a smooth, twice-differentiable loss is wanted (e.g. a"
                  + " gradient-boosting objective): it behaves like mse near zero and like mae far from it"
                  + " without huber's threshold. Its Hessian vanishes for large residuals, which slows"
                  + " Newton steps on badly fitted points.")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review, section 3",
              "https://arxiv.org/abs/2504.04242")
          .reference(
              "Saleh and Saleh (2022), Statistical properties of the log-cosh loss function used in machine learning",
              "https://arxiv.org/abs/2208.04564")
          .sampler((p, r, n) -> new Tensor[] {Samples.normal(r, 2, n), Samples.normal(r, 1, n)})
          .build(LogCoshLoss::new);

  private LogCoshLoss(Params p) {
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
    return Vectorization.kernels().logCosh(in[0].data(), in[1].data(), values, g, scale, from, to);
  }

  @Override
  public void secondDerivative(Tensor[] in, float[] out) {
    float[] p = in[0].data();
    float[] t = in[1].data();
    for (int i = 0; i < p.length; i++) {
      double e = Math.exp(-2 * Math.abs((double) p[i] - t[i]));
      double d = 1 + e;
      out[i] = (float) (4 * e / (d * d));
    }
  }
}

package dev.losskit.regression;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.SplittableLoss;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.TwiceDifferentiable;
import dev.losskit.internal.Elementwise;
import dev.losskit.internal.Numerics;
import dev.losskit.internal.Samples;
import dev.losskit.internal.vectorization.Vectorization;
import java.util.SplittableRandom;

/**
 * Poisson negative log-likelihood: the loss of count regression, with the prediction a log-rate
 * (default) or a rate.
 *
 * <pre>{@code
 * log-input = true  (pred = log rate):
 *   l = exp(pred) - target pred
 *   dl/dpred = exp(pred) - target,   d2l/dpred2 = exp(pred)
 * log-input = false (pred = rate >= 0):
 *   l = pred - target log(pred + eps)
 *   dl/dpred = 1 - target / (pred + eps),   d2l/dpred2 = target / (pred + eps)^2
 * full = true adds, where target > 1, the Stirling term
 *   target log(target) - target + log(2 pi target) / 2     (no derivative in pred)
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target} of equal shape; {@code target} finite and
 * non-negative; {@code pred} finite, and non-negative when {@code log-input = false}.
 *
 * <p>Numerical notes: with {@code log-input}, exp(pred) is exact up to pred = log(Float.MAX_VALUE),
 * about 88.72, where PyTorch's float32 exp overflows to infinity; beyond it exp is continued by its
 * tangent line, so that value and gradient stay finite (the gradient at most Float.MAX_VALUE) and
 * the second derivative is 0 there. Everything is computed in double, so {@code pred + eps} keeps
 * eps even where float32 would round it away.
 *
 * <p>Equals {@code torch.nn.functional.poisson_nll_loss(pred, target, log_input=log-input,
 * full=full, eps=eps)} wherever PyTorch's value is finite.
 *
 * @see <a href="https://doi.org/10.1007/978-1-4899-3242-6">McCullagh and Nelder (1989)</a>
 */
public final class PoissonNllLoss extends AbstractLoss
    implements SplittableLoss, TwiceDifferentiable {
  public static final LossSpec SPEC =
      LossSpec.elementwise("poisson-nll", Family.REGRESSION)
          .domain("target", InputDomain.NONNEGATIVE)
          .name("Poisson negative log-likelihood")
          .summary(
              "Negative log-likelihood of counts under a Poisson distribution whose log-rate (or rate) is predicted.")
          .formula(
              "l = exp(pred) - target pred (log-input) or pred - target log(pred + eps);"
                  + " full adds target log target - target + log(2 pi target) / 2 where target > 1")
          .gradient(
              "dl/dpred = exp(pred) - target, d2l/dpred2 = exp(pred) (log-input);"
                  + " dl/dpred = 1 - target / (pred + eps), d2l/dpred2 = target / (pred + eps)^2 otherwise")
          .param(ParamSpec.bool("log-input", true, "pred is the log of the rate"))
          .param(ParamSpec.bool("full", false, "add the Stirling approximation of log(target!)"))
          .param(
              ParamSpec.real(
                  "eps",
                  1e-8,
                  Range.POSITIVE,
                  "added to the rate inside the log when log-input is false"))
          .traits(Trait.CONVEX, Trait.SMOOTH, Trait.HESSIAN)
          .equivalent(
              "torch.nn.functional.poisson_nll_loss(pred, target, log_input=log-input, full=full, eps=eps)",
              "pytorch")
          .whenToUse(
              "Regression of counts or rates (events, demand, photon counts) and the Poisson objective of"
                  + " gradient boosting; it assumes variance equal to the mean, so over-dispersed data"
                  + " fit better with tweedie.")
          .reference(
              "McCullagh, Nelder (1989), Generalized Linear Models, 2nd ed., chapter 6",
              "https://doi.org/10.1007/978-1-4899-3242-6")
          .sampler(PoissonNllLoss::sample)
          .build(PoissonNllLoss::new);

  private final boolean logInput;
  private final boolean full;
  private final double eps;

  private PoissonNllLoss(Params p) {
    super(SPEC, p);
    this.logInput = p.bool("log-input");
    this.full = p.bool("full");
    this.eps = p.real("eps");
  }

  /**
   * Log-rates around 0 (or rates in [0.1, 5)) and Poisson counts of mean about 3, 0 and 1 included.
   */
  private static Tensor[] sample(Params p, SplittableRandom r, int n) {
    Tensor pred = p.bool("log-input") ? Samples.normal(r, 1, n) : Samples.uniform(r, 0.1, 5, n);
    float[] counts = new float[n];
    for (int i = 0; i < n; i++) {
      double limit = Math.exp(-3 * r.nextDouble() - 0.5);
      double prod = r.nextDouble();
      int k = 0;
      while (prod > limit) {
        prod *= r.nextDouble();
        k++;
      }
      counts[i] = k;
    }
    return new Tensor[] {pred, Tensor.of(counts, n)};
  }

  @Override
  public int[] check(Tensor[] in) {
    int[] shape = Elementwise.check(SPEC, in);
    if (!logInput) {
      float[] p = in[0].data();
      for (int i = 0; i < p.length; i++) {
        if (!(p[i] >= 0)) {
          throw new IllegalArgumentException(
              "pred: expected non-negative rates (log-input = false), found "
                  + p[i]
                  + " at index "
                  + i);
        }
      }
    }
    return shape;
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
        .poissonNll(in[0].data(), in[1].data(), logInput, full, eps, values, g, scale, from, to);
  }

  @Override
  public void secondDerivative(Tensor[] in, float[] out) {
    float[] p = in[0].data();
    float[] t = in[1].data();
    for (int i = 0; i < p.length; i++) {
      double x = p[i];
      if (logInput) {
        out[i] = x <= Numerics.LOG_FLOAT_MAX ? (float) Math.exp(x) : 0f;
      } else {
        double rate = x + eps;
        out[i] = (float) (t[i] / (rate * rate));
      }
    }
  }
}

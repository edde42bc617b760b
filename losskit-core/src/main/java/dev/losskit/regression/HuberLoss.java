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
import dev.losskit.TwiceDifferentiable;
import dev.losskit.internal.Elementwise;
import dev.losskit.internal.Samples;
import dev.losskit.internal.vectorization.Vectorization;

/**
 * Huber loss: quadratic for small residuals, linear beyond {@code delta}; robust to outliers.
 *
 * <pre>{@code
 * r    = pred - target
 * l    = r^2 / 2                    if |r| <= delta
 *        delta * (|r| - delta / 2)  otherwise
 * dl/dpred   = clamp(r, -delta, delta)
 * d2l/dpred2 = 1 if |r| <= delta else 0
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target} of equal shape, finite. Equals {@code
 * torch.nn.functional.huber_loss(pred, target, delta=delta)}.
 *
 * @see <a href="https://doi.org/10.1214/aoms/1177703732">Huber (1964)</a>
 */
public final class HuberLoss extends AbstractLoss implements SplittableLoss, TwiceDifferentiable {
  public static final LossSpec SPEC =
      LossSpec.elementwise("huber", Family.REGRESSION)
          .name("Huber")
          .summary(
              "Quadratic for small residuals and linear beyond delta: squared error that outliers cannot dominate.")
          .formula("l = r^2 / 2 if |r| <= delta else delta (|r| - delta / 2), r = pred - target")
          .gradient("dl/dpred = clamp(r, -delta, delta); d2l/dpred2 = 1 if |r| <= delta else 0")
          .param(
              ParamSpec.real("delta", 1.0, Range.POSITIVE, "residual where the loss turns linear"))
          .traits(
              Trait.CONVEX,
              Trait.SMOOTH,
              Trait.NONNEGATIVE,
              Trait.ZERO_AT_TARGET,
              Trait.ROBUST,
              Trait.HESSIAN)
          .equivalent("torch.nn.functional.huber_loss(pred, target, delta=delta)", "pytorch")
          .whenToUse(
              "Regression with occasional outliers: keeps squared error's behaviour near the optimum"
                  + " while bounding each sample's gradient by delta. Set delta near the noise scale.")
          .reference(
              "Huber (1964), Robust estimation of a location parameter",
              "https://doi.org/10.1214/aoms/1177703732")
          .sampler((p, r, n) -> new Tensor[] {Samples.normal(r, 2, n), Samples.normal(r, 1, n)})
          .build(HuberLoss::new);

  private final double delta;

  private HuberLoss(Params p) {
    super(SPEC, p);
    this.delta = p.real("delta");
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
        .huber(in[0].data(), in[1].data(), delta, values, g, scale, from, to);
  }

  @Override
  public void secondDerivative(Tensor[] in, float[] out) {
    float[] p = in[0].data();
    float[] t = in[1].data();
    for (int i = 0; i < p.length; i++) {
      out[i] = Math.abs((double) p[i] - t[i]) <= delta ? 1f : 0f;
    }
  }
}

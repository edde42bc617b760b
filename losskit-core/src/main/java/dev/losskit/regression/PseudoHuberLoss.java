package dev.losskit.regression;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.TwiceDifferentiable;
import dev.losskit.internal.Elementwise;
import dev.losskit.internal.Samples;

/**
 * Pseudo-Huber loss: a smooth approximation of huber, quadratic near zero and asymptotically linear
 * with slope {@code delta}, with derivatives of every order.
 *
 * <pre>{@code
 * r    = pred - target,  s = sqrt(delta^2 + r^2)
 * l    = delta^2 (sqrt(1 + (r / delta)^2) - 1) = delta (s - delta) = delta r^2 / (s + delta)
 * dl/dpred   = delta r / s
 * d2l/dpred2 = (delta / s)^3
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target} of equal shape, finite. Parameter {@code delta} > 0.
 *
 * <p>Numerical notes: the value is computed as {@code delta r (r / (s + delta))}, which has no
 * cancellation for small residuals and no overflow for large ones; sums of squares are taken in
 * double, so any float32 residual is safe. Parameters outside [1e-150, 1e150] switch to {@link
 * Math#hypot}, whose squares cannot underflow or overflow.
 *
 * <p>No PyTorch function; the value equals {@code scipy.special.pseudo_huber(delta, pred -
 * target)}.
 *
 * @see <a href="https://doi.org/10.1109/83.551699">Charbonnier et al. (1997), Deterministic
 *     edge-preserving regularization in computed imaging</a>
 */
public final class PseudoHuberLoss extends AbstractLoss implements TwiceDifferentiable {
  public static final LossSpec SPEC =
      LossSpec.elementwise("pseudo-huber", Family.REGRESSION)
          .name("Pseudo-Huber")
          .summary(
              "delta^2 (sqrt(1 + (r/delta)^2) - 1): a smooth huber, quadratic near zero and linear far from it.")
          .formula("l = delta^2 (sqrt(1 + (r / delta)^2) - 1), r = pred - target")
          .gradient(
              "dl/dpred = r / sqrt(1 + (r / delta)^2); d2l/dpred2 = (1 + (r / delta)^2)^(-3/2)")
          .param(
              ParamSpec.real(
                  "delta",
                  1.0,
                  Range.POSITIVE,
                  "scale where the loss turns from quadratic to linear"))
          .traits(
              Trait.CONVEX,
              Trait.SMOOTH,
              Trait.NONNEGATIVE,
              Trait.ZERO_AT_TARGET,
              Trait.ROBUST,
              Trait.HESSIAN)
          .equivalent("", "")
          .whenToUse(
              "Regression with outliers where huber's behaviour is wanted with continuous derivatives of"
                  + " every order (second-order optimisers, gradient-boosting objectives, bundle adjustment)."
                  + " Like huber it needs delta tuned to the noise scale, and its Hessian vanishes for large"
                  + " residuals.")
          .reference(
              "Charbonnier et al. (1997), Deterministic edge-preserving regularization in computed imaging",
              "https://doi.org/10.1109/83.551699")
          .reference(
              "Hartley and Zisserman (2004), Multiple view geometry in computer vision, appendix A6.8",
              "https://doi.org/10.1017/CBO9780511811685")
          .sampler((p, r, n) -> new Tensor[] {Samples.normal(r, 2, n), Samples.normal(r, 1, n)})
          .tasks(Task.REGRESSION, Task.TABULAR)
          .build(PseudoHuberLoss::new);

  private final double delta;
  private final double delta2;
  private final boolean wide;

  private PseudoHuberLoss(Params p) {
    super(SPEC, p);
    this.delta = p.real("delta");
    this.delta2 = delta * delta;
    this.wide = delta < 1e-150 || delta > 1e150;
  }

  @Override
  public int[] check(Tensor[] in) {
    return Elementwise.check(SPEC, in);
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] p = in[0].data();
    float[] t = in[1].data();
    float[] g = grads == null ? null : grads[0];
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      double r = (double) p[i] - t[i];
      double s = wide ? Math.hypot(delta, r) : Math.sqrt(delta2 + r * r);
      double l = delta * r * (r / (s + delta));
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        g[i] = (float) (delta * (r / s) * scale);
      }
    }
    return sum;
  }

  @Override
  public void secondDerivative(Tensor[] in, float[] out) {
    float[] p = in[0].data();
    float[] t = in[1].data();
    for (int i = 0; i < p.length; i++) {
      double r = (double) p[i] - t[i];
      double s = wide ? Math.hypot(delta, r) : Math.sqrt(delta2 + r * r);
      double q = delta / s;
      out[i] = (float) (q * q * q);
    }
  }
}

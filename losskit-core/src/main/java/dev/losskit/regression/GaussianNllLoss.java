package dev.losskit.regression;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.Shapes;
import dev.losskit.SplittableLoss;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Samples;
import dev.losskit.internal.vectorization.Vectorization;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Gaussian negative log-likelihood: the loss of regression that predicts a mean and a variance, so
 * that the model learns its own uncertainty.
 *
 * <pre>{@code
 * v = max(var, eps),  r = pred - target
 * l = (log(v) + r^2 / v) / 2   (+ log(2 pi) / 2 if full)
 * dl/dpred = r / v
 * dl/dvar  = (1 / v - r^2 / v^2) / 2      (also where var < eps; see below)
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target} of equal shape, finite; {@code var} finite and
 * non-negative, of pred's shape (one variance per element), of pred's shape with the last dimension
 * 1, or of pred's shape without its last dimension (one variance per sample, shared by the last
 * dimension). The gradient with respect to var has var's shape: where a variance is shared, it is
 * the sum over the elements sharing it.
 *
 * <p>Numerical notes: variances below {@code eps} (including 0) are clamped to eps. As in PyTorch,
 * which clamps under {@code no_grad}, the clamp is invisible to the gradient: dl/dvar is the
 * derivative of the unclamped formula evaluated at the clamped variance, not 0.
 *
 * <p>Equals {@code torch.nn.functional.gaussian_nll_loss(pred, target, var, full=full, eps=eps)}
 * (PyTorch 1.13), value and gradients with respect to pred and var.
 *
 * @see <a href="https://doi.org/10.1109/ICNN.1994.374138">Nix and Weigend (1994)</a>
 */
public final class GaussianNllLoss extends AbstractLoss implements SplittableLoss {
  public static final LossSpec SPEC =
      LossSpec.elementwise("gaussian-nll", Family.REGRESSION)
          .input(
              "var",
              "(*) as pred, or pred's shape with the last dimension 1 or without it",
              InputDomain.NONNEGATIVE,
              true,
              "predicted variances")
          .name("Gaussian negative log-likelihood")
          .summary(
              "Negative log-likelihood of the target under a Gaussian with the predicted mean and variance.")
          .formula(
              "l = (log(max(var, eps)) + (pred - target)^2 / max(var, eps)) / 2 (+ log(2 pi) / 2 if full)")
          .gradient(
              "dl/dpred = r / v; dl/dvar = (1 / v - r^2 / v^2) / 2 with v = max(var, eps), r = pred - target"
                  + " (summed over elements sharing a variance)")
          .param(ParamSpec.bool("full", false, "add the constant log(2 pi) / 2"))
          .param(ParamSpec.real("eps", 1e-6, Range.POSITIVE, "smallest variance used"))
          .traits(Trait.CONVEX, Trait.SMOOTH)
          .equivalent(
              "torch.nn.functional.gaussian_nll_loss(pred, target, var, full=full, eps=eps)",
              "pytorch")
          .whenToUse(
              "Regression that also predicts its uncertainty (heteroscedastic noise, probabilistic"
                  + " forecasting); the variance can collapse on easy samples and inflate on hard ones"
                  + " to ignore them, so it is often paired with a warm-up on mse.")
          .reference(
              "Nix, Weigend (1994), Estimating the mean and variance of the target probability distribution,"
                  + " ICNN'94",
              "https://doi.org/10.1109/ICNN.1994.374138")
          .sampler(GaussianNllLoss::sample)
          .tasks(Task.REGRESSION, Task.TIME_SERIES)
          .build(GaussianNllLoss::new);

  private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

  private final boolean full;
  private final double eps;

  private GaussianNllLoss(Params p) {
    super(SPEC, p);
    this.full = p.bool("full");
    this.eps = p.real("eps");
  }

  /**
   * n divisible by 4: pred {@code (n/4, 4)}, var {@code (n/4)}; n = 2 mod 4: pred {@code (n/2, 2)},
   * var {@code (n/2, 1)}; odd n: pred and var {@code (n)}. Variances in [0.2, 2).
   */
  private static Tensor[] sample(Params p, SplittableRandom r, int n) {
    int[] shape;
    int[] varShape;
    if (n % 4 == 0) {
      shape = new int[] {n / 4, 4};
      varShape = new int[] {n / 4};
    } else if (n % 2 == 0) {
      shape = new int[] {n / 2, 2};
      varShape = new int[] {n / 2, 1};
    } else {
      shape = new int[] {n};
      varShape = new int[] {n};
    }
    return new Tensor[] {
      Samples.normal(r, 2, shape), Samples.normal(r, 1, shape), Samples.uniform(r, 0.2, 2, varShape)
    };
  }

  @Override
  public int[] check(Tensor[] in) {
    Shapes.requireSame("target", in[1], "pred", in[0]);
    Tensor var = in[2];
    int[] ps = in[0].shape();
    int[] vs = var.shape();
    if (Arrays.equals(ps, vs) || ps.length > 0 && shared(ps, vs) > 0) {
      return ps;
    }
    throw new IllegalArgumentException(
        "var: expected the shape of pred "
            + Shapes.toString(ps)
            + ", that shape with the last dimension 1, or without its last dimension, found "
            + Shapes.toString(vs));
  }

  /**
   * How many consecutive elements of pred share one variance (its last dimension when var is pred's
   * shape without it or with it as 1), or 0 when var's shape is neither.
   */
  private static int shared(int[] ps, int[] vs) {
    int[] lead = Arrays.copyOf(ps, ps.length - 1);
    if (Arrays.equals(lead, vs)) {
      return Math.max(ps[ps.length - 1], 1);
    }
    if (vs.length == ps.length
        && vs[vs.length - 1] == 1
        && Arrays.equals(lead, Arrays.copyOf(vs, vs.length - 1))) {
      return Math.max(ps[ps.length - 1], 1);
    }
    return 0;
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    double sum = computeRange(in, values, grads, scale, 0, in[0].size());
    if (in[0].size() == 0 && grads != null && grads[2] != null) {
      Arrays.fill(grads[2], 0f); // variances of empty groups: no range owns them
    }
    return sum;
  }

  @Override
  public double computeRange(
      Tensor[] in, float[] values, float[][] grads, double scale, int from, int to) {
    float[] p = in[0].data();
    float[] var = in[2].data();
    int group = var.length == p.length ? 1 : shared(in[0].shape(), in[2].shape());
    return Vectorization.kernels()
        .gaussianNll(
            p,
            in[1].data(),
            var,
            group,
            eps,
            full ? HALF_LOG_2PI : 0,
            values,
            grads == null ? null : grads[0],
            grads == null ? null : grads[2],
            scale,
            from,
            to);
  }
}

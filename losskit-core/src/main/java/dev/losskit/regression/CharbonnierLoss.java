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
import dev.losskit.internal.Elementwise;
import dev.losskit.internal.Samples;

/**
 * Charbonnier loss: a differentiable L1, {@code sqrt(r^2 + eps^2)}, the usual pixel loss of image
 * restoration (super-resolution, deblurring, dehazing).
 *
 * <pre>{@code
 * r    = pred - target
 * l    = sqrt(r^2 + eps^2)
 * dl/dpred = r / sqrt(r^2 + eps^2)
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target} of equal shape, finite. Parameter {@code eps} > 0. The
 * loss is {@code eps}, not 0, at {@code pred = target}, as the catalogue defines it (subtracting
 * {@code eps} gives pseudo-huber with {@code delta = eps}, divided by {@code eps}).
 *
 * <p>Numerical notes: squares are taken in double, so any float32 residual is safe; parameters
 * outside [1e-150, 1e150] switch to {@link Math#hypot}, whose squares cannot underflow or overflow.
 *
 * <p>No PyTorch function; it equals {@code torch.sqrt((pred - target) ** 2 + eps ** 2)}, the
 * Charbonnier penalty of LapSRN with {@code eps = 1e-3}.
 *
 * @see <a href="https://doi.org/10.1109/83.551699">Charbonnier et al. (1997), Deterministic
 *     edge-preserving regularization in computed imaging</a>
 */
public final class CharbonnierLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.elementwise("charbonnier", Family.REGRESSION)
          .name("Charbonnier")
          .summary(
              "sqrt(r^2 + eps^2): L1 made differentiable at zero, the pixel loss of image restoration.")
          .formula("l = sqrt((pred - target)^2 + eps^2)")
          .gradient("dl/dpred = r / sqrt(r^2 + eps^2), r = pred - target")
          .param(ParamSpec.real("eps", 1e-3, Range.POSITIVE, "smoothing scale near zero residual"))
          .traits(Trait.CONVEX, Trait.SMOOTH, Trait.NONNEGATIVE, Trait.ROBUST)
          .equivalent("", "")
          .whenToUse(
              "Pixel-wise reconstruction in super-resolution, deblurring, denoising and dehazing, where"
                  + " L1 gives sharper results than L2 but a smooth gradient at zero helps optimisation."
                  + " With a small eps it is nearly L1, so its curvature near zero is large (about 1/eps).")
          .reference(
              "Charbonnier et al. (1997), Deterministic edge-preserving regularization in computed imaging",
              "https://doi.org/10.1109/83.551699")
          .reference(
              "Lai et al. (2017), Deep Laplacian pyramid networks for fast and accurate super-resolution",
              "https://arxiv.org/abs/1704.03915")
          .sampler((p, r, n) -> new Tensor[] {Samples.normal(r, 1, n), Samples.normal(r, 1, n)})
          .tasks(Task.REGRESSION, Task.IMAGE_TO_IMAGE, Task.INPAINTING, Task.DEHAZING)
          .build(CharbonnierLoss::new);

  private final double eps;
  private final double eps2;
  private final boolean wide;

  private CharbonnierLoss(Params p) {
    super(SPEC, p);
    this.eps = p.real("eps");
    this.eps2 = eps * eps;
    this.wide = eps < 1e-150 || eps > 1e150;
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
      double l = wide ? Math.hypot(r, eps) : Math.sqrt(r * r + eps2);
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        g[i] = (float) (r / l * scale);
      }
    }
    return sum;
  }
}

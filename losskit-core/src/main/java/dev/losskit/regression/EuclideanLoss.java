package dev.losskit.regression;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Elementwise;
import dev.losskit.internal.Samples;

/**
 * Euclidean loss: half the squared residual, summed by default, so that the gradient is the
 * residual itself; the classic "1/2 sum of squares" of least squares and early networks.
 *
 * <pre>{@code
 * r    = pred - target
 * l    = r^2 / 2
 * dl/dpred = r
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target} of equal shape, finite. The default reduction is
 * {@code sum}; {@code mean} divides by the number of elements.
 *
 * <p>Numerical notes: the square is taken in double, so residuals up to the float32 range give
 * finite values.
 *
 * <p>No library has it under this name; it equals {@code 0.5 * ((pred - target) ** 2).sum()}, and
 * half of {@code torch.nn.functional.mse_loss(pred, target, reduction="sum")}.
 *
 * @see <a href="https://arxiv.org/abs/2504.04242">Elharrouss et al. (2025), section 3</a>
 */
public final class EuclideanLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.elementwise("euclidean", Family.REGRESSION)
          .name("Euclidean")
          .summary(
              "Half the squared residual, summed: the least-squares objective whose gradient is the residual.")
          .formula("l = (pred - target)^2 / 2; default reduction sum")
          .gradient("dl/dpred = pred - target")
          .traits(Trait.CONVEX, Trait.SMOOTH, Trait.NONNEGATIVE, Trait.ZERO_AT_TARGET)
          .defaultReduction(Reduction.SUM)
          .equivalent("", "")
          .whenToUse(
              "Where a model or paper specifies the Euclidean loss (1/2 sum of squared errors, as in Caffe"
                  + " and early regression networks): it is mse up to a factor and a sum instead of a mean, so"
                  + " its gradient scales with the batch size and outliers dominate it as they dominate mse.")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review, section 3",
              "https://arxiv.org/abs/2504.04242")
          .reference(
              "Jia et al. (2014), Caffe: convolutional architecture for fast feature embedding (EuclideanLoss)",
              "https://arxiv.org/abs/1408.5093")
          .sampler((p, r, n) -> new Tensor[] {Samples.normal(r, 1, n), Samples.normal(r, 1, n)})
          .tasks(Task.REGRESSION, Task.IMAGE_TO_IMAGE)
          .build(EuclideanLoss::new);

  private EuclideanLoss(Params p) {
    super(SPEC, p);
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
      double l = 0.5 * r * r;
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        g[i] = (float) (r * scale);
      }
    }
    return sum;
  }
}

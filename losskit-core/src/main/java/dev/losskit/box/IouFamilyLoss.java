package dev.losskit.box;

import dev.losskit.AbstractLoss;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.SplittableLoss;
import dev.losskit.Tensor;

/**
 * What the IoU family shares: the box checks and one fused kernel ({@link IouKernel}) that computes
 * every pair's value and gradient in one pass; each loss says which terms it adds to {@code 1 -
 * IoU}. Pairs are independent, so large batches are split across cores.
 */
abstract class IouFamilyLoss extends AbstractLoss implements SplittableLoss {
  private final Boxes.Format format;
  private final IouKernel.Terms terms;

  /** The {@code eps} parameter. */
  protected final double eps;

  IouFamilyLoss(LossSpec spec, Params p, IouKernel.Terms terms) {
    super(spec, p);
    this.format = Boxes.format(p);
    this.terms = terms;
    this.eps = p.real("eps");
  }

  /** The eps of the IoU, enclosure, distance and size terms: the parameter, unless fixed. */
  double termEps() {
    return eps;
  }

  /** CIoU's alpha per box when held fixed; null: computed from the boxes. */
  double[] frozenAlpha() {
    return null;
  }

  @Override
  public final int[] check(Tensor[] in) {
    return Boxes.checkPair(in[0], in[1], format);
  }

  @Override
  public final double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    return computeRange(in, values, grads, scale, 0, in[0].size() / format.width);
  }

  @Override
  public final double computeRange(
      Tensor[] in, float[] values, float[][] grads, double scale, int from, int to) {
    double[] frozen = frozenAlpha();
    // Frozen alphas are for gradient checks, not for speed: the scalar kernel reads them.
    IouKernel kernel = frozen == null ? IouKernel.selected() : ScalarIouKernel.INSTANCE;
    return kernel.compute(
        terms,
        format,
        termEps(),
        eps,
        in[0].data(),
        in[1].data(),
        frozen,
        values,
        grads == null ? null : grads[0],
        scale,
        from,
        to);
  }
}

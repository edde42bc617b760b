package dev.losskit.box;

import dev.losskit.AbstractLoss;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Tensor;

/**
 * The kernel shared by the IoU family: checks the boxes, walks the pairs, and lets each loss
 * combine the terms of {@link Boxes.Pair} into its value and its gradient with respect to the pred
 * corners; the chain rule back to the chosen format is {@link Boxes#writeCornerGrad}.
 */
abstract class IouFamilyLoss extends AbstractLoss {
  private final Boxes.Format format;

  /** The {@code eps} parameter. */
  protected final double eps;

  IouFamilyLoss(LossSpec spec, Params p) {
    super(spec, p);
    this.format = Boxes.format(p);
    this.eps = p.real("eps");
  }

  /**
   * The loss of the loaded pair; when {@code grad} is not null, also its gradient with respect to
   * the pred corners {@code (x1, y1, x2, y2)}, written into {@code grad}.
   */
  abstract double box(Boxes.Pair pair, double[] grad);

  @Override
  public final int[] check(Tensor[] in) {
    return Boxes.checkPair(in[0], in[1], format);
  }

  @Override
  public final double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] p = in[0].data();
    float[] t = in[1].data();
    float[] g = grads == null ? null : grads[0];
    Boxes.Pair pair = new Boxes.Pair(g != null);
    double[] d = g == null ? null : new double[4];
    int n = p.length / format.width;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      pair.load(format, p, t, i);
      double l = box(pair, d);
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        Boxes.writeCornerGrad(format, d, g, i, scale);
      }
    }
    return sum;
  }
}

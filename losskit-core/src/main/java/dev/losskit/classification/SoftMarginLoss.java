package dev.losskit.classification;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Elementwise;
import dev.losskit.internal.Numerics;
import dev.losskit.internal.Samples;
import dev.losskit.internal.vectorization.Vectorization;

/**
 * Soft-margin (logistic) loss: the negative log-likelihood of the label under a sigmoid of the
 * score, for binary classifiers that output scores with labels -1 and +1; with {@code balance}, the
 * class-balanced logistic loss that SiamFC trains its cross-correlation response maps with.
 *
 * <pre>{@code
 * y = target in {-1, +1}
 * l = w_y log(1 + exp(-y pred))
 * dl/dpred = -w_y y sigmoid(-y pred)
 * w_y = 1                            balance = false
 *       N / (K count(y))             balance = true
 * }</pre>
 *
 * <p>With {@code balance = true}, N is the number of elements, count(y) the number of elements with
 * label y and K the number of labels present (2, or 1 if every element has the same label): the
 * "balanced" class weights of scikit-learn, which average 1 over the elements. The unreduced values
 * are the weighted ones, {@code sum} is their sum and {@code mean} divides it by N, so that {@code
 * mean = (mean over positives + mean over negatives) / 2}: positives and negatives count equally
 * however few positives a response map has.
 *
 * <p>Inputs: {@code pred}, finite scores of any shape (e.g. a response map {@code (N, 1, H, W)});
 * {@code target} of the same shape, labels -1 or +1. Mean over elements.
 *
 * <p>Numerics: the stable softplus form {@code max(-y pred, 0) + log1p(exp(-|pred|))}, finite for
 * any finite score (PyTorch's {@code log1p(exp(-y pred))} overflows to infinity, and its gradient
 * to NaN, once {@code -y pred} exceeds about 88 in float32).
 *
 * <p>Equals {@code torch.nn.functional.soft_margin_loss(pred, target)} with {@code balance =
 * false}; with {@code balance = true}, the SiamFC balanced loss {@code F.soft_margin_loss(pred,
 * target, reduction='none') * w_y} averaged over elements.
 *
 * @see <a href="https://arxiv.org/abs/1606.09549">Bertinetto et al. (2016), Fully-convolutional
 *     siamese networks for object tracking</a>
 */
public final class SoftMarginLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.elementwise("soft-margin", Family.CLASSIFICATION)
          .domain("target", InputDomain.SIGN)
          .name("Soft margin")
          .summary(
              "The logistic loss log(1 + exp(-y pred)) of a score against a label -1 or +1; optionally class-balanced (SiamFC).")
          .formula("l = w_y log(1 + exp(-y pred)); w_y = 1, or N / (K count(y)) with balance")
          .gradient("dl/dpred = -w_y y sigmoid(-y pred)")
          .param(
              ParamSpec.bool(
                  "balance",
                  false,
                  "weight positives and negatives equally (each group's mean counts 1/2)"))
          .traits(Trait.CONVEX, Trait.SMOOTH, Trait.NONNEGATIVE, Trait.ROBUST)
          .aliases("cross-correlation")
          .equivalent("torch.nn.functional.soft_margin_loss(pred, target)", "pytorch")
          .whenToUse(
              "Binary classification on scores with -1/+1 labels when a smooth, probabilistic margin loss is"
                  + " wanted; with balance, dense score maps with few positives (SiamFC response maps)."
                  + " It never reaches zero, so confident correct samples still pull slightly.")
          .reference(
              "Bertinetto et al. (2016), Fully-convolutional siamese networks for object tracking",
              "https://arxiv.org/abs/1606.09549")
          .reference(
              "Zhang (2004), Statistical behavior and consistency of classification methods based on convex risk minimization",
              "https://doi.org/10.1214/aos/1079120130")
          .sampler((p, r, n) -> new Tensor[] {Samples.normal(r, 2, n), Samples.signs(r, n)})
          .tasks(Task.CLASSIFICATION, Task.TRACKING)
          .build(SoftMarginLoss::new);

  private final boolean balance;

  private SoftMarginLoss(Params p) {
    super(SPEC, p);
    this.balance = p.bool("balance");
  }

  @Override
  public int[] check(Tensor[] in) {
    return Elementwise.check(SPEC, in);
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] g = grads == null ? null : grads[0];
    return balance
        ? balanced(in[0].data(), in[1].data(), values, g, scale)
        : Vectorization.kernels()
            .bceWithLogits(in[0].data(), in[1].data(), true, values, g, scale, 0, in[0].size());
  }

  /** The class-balanced loss: per-label weights from the label counts of the whole input. */
  private static double balanced(float[] p, float[] t, float[] values, float[] g, double scale) {
    int positives = 0;
    for (int i = 0; i < t.length; i++) {
      if (t[i] > 0) {
        positives++;
      }
    }
    int negatives = t.length - positives;
    int groups = (positives > 0 ? 1 : 0) + (negatives > 0 ? 1 : 0);
    double wPos = positives > 0 ? (double) t.length / ((double) groups * positives) : 0;
    double wNeg = negatives > 0 ? (double) t.length / ((double) groups * negatives) : 0;
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      boolean positive = t[i] > 0;
      double m = positive ? -p[i] : p[i];
      double w = positive ? wPos : wNeg;
      double l = w * Numerics.softplus(m);
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        double d = w * Numerics.sigmoid(m) * scale;
        g[i] = (float) (positive ? -d : d);
      }
    }
    return sum;
  }
}

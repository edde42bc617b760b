package dev.losskit.classification;

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

/**
 * Softmax cross-entropy of logits against class indices or class probabilities: the loss of
 * multi-class classification, of pixel-wise segmentation on {@code (N, C, H, W)} logits and of
 * per-step sequence labelling on {@code (N, C, T)} logits.
 *
 * <pre>{@code
 * q  = softmax(pred) over the class axis;  s = label-smoothing;  C = number of classes
 * w  = weight (1 for every class when absent);  W = sum_k w_k
 *
 * class index y (one value per row, 0 where y = ignore-index):
 *   l          = (1 - s) w_y (-log q_y) + (s / C) sum_c w_c (-log q_c)
 *   dl/dpred_c = (1 - s) w_y (q_c - [c = y]) + (s / C) (q_c W - w_c)
 *   mean       = sum l / sum of w_y over the targets that are not ignored
 *
 * probabilities t (shaped like pred):
 *   t'         = (1 - s) t + s / C
 *   l          = -sum_c w_c t'_c log q_c
 *   dl/dpred_c = q_c sum_k w_k t'_k - w_c t'_c
 *   mean       = sum l / number of rows (N d1 ... dk)
 * }</pre>
 *
 * <p>Inputs: {@code pred}, finite logits {@code (N, C, d1, ..., dk)} or unbatched {@code (C)};
 * {@code target}, an integer tensor of class indices {@code (N, d1, ..., dk)} (or {@code ()}), each
 * in {@code [0, C)} or equal to {@code ignore-index}, or a floating tensor of probabilities in [0,
 * 1] with the shape of {@code pred} (then {@code ignore-index} must be negative); {@code weight},
 * optional, non-negative, {@code (C)}. The unreduced loss has one value per row: the shape of
 * {@code pred} without the class axis.
 *
 * <p>Numerics: {@code -log q_c = logsumexp(pred) - pred_c}, with the row maximum subtracted before
 * exponentiating, so logits of any finite magnitude give finite values and gradients. One pass per
 * row finds the maximum, one sums the exponentials and one writes the gradient; the class axis of
 * spatial inputs is read with stride {@code d1 ... dk}. The common case, class indices on {@code
 * (N, C)} logits without weights or smoothing, runs in float vector lanes ({@code
 * CrossEntropyRows}): float-accurate rather than double.
 *
 * <p>Equals {@code torch.nn.functional.cross_entropy(pred, target, weight=weight,
 * ignore_index=ignore_index, label_smoothing=label_smoothing)} of PyTorch 1.13 in every
 * combination, including its label smoothing with class weights (the smoothing term is weighted by
 * every class's weight and shares the mean denominator of the weighted targets). Where PyTorch's
 * mean divides by zero (an empty batch, every target ignored, or zero total weight) and gives NaN,
 * this gives 0 with a zero gradient; PyTorch also accepts negative class weights, this does not.
 *
 * @see <a href="https://arxiv.org/abs/1512.00567">Szegedy et al. (2016), label smoothing</a>
 */
public final class CrossEntropyLoss extends AbstractLoss implements SplittableLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("cross-entropy", Family.CLASSIFICATION)
          .name("Cross-entropy")
          .summary(
              "Softmax cross-entropy of logits against class indices or class probabilities, with"
                  + " class weights, an ignored index and label smoothing as in PyTorch.")
          .formula(
              "l = (1 - s) w_y (-log q_y) + (s / C) sum_c w_c (-log q_c) for a class index y (0"
                  + " where y = ignore-index); l = -sum_c w_c t'_c log q_c, t' = (1 - s) t + s / C,"
                  + " for probabilities t; q = softmax(pred) over dim 1, s = label-smoothing, w ="
                  + " weight (1 when absent)")
          .gradient(
              "dl/dpred_c = (1 - s) w_y (q_c - [c = y]) + (s / C) (q_c sum_k w_k - w_c) for a class"
                  + " index; q_c sum_k w_k t'_k - w_c t'_c for probabilities")
          .input("pred", "(N, C, d1, ..., dk) or (C)", InputDomain.REAL, true, "logits")
          .input(
              "target",
              "(N, d1, ..., dk) class indices, or probabilities shaped like pred",
              InputDomain.CLASS_INDEX_OR_PROBABILITY,
              false,
              "class indices (integer tensor) or class probabilities (floating tensor)")
          .optionalInput("weight", "(C)", InputDomain.NONNEGATIVE, false, "weight of each class")
          .param(
              ParamSpec.integer(
                  "ignore-index",
                  -100,
                  Range.ANY,
                  "class index whose targets contribute nothing (index targets)"))
          .param(
              ParamSpec.real(
                  "label-smoothing",
                  0,
                  Range.UNIT,
                  "share of the target mass spread uniformly over the classes"))
          .traits(Trait.CONVEX, Trait.SMOOTH, Trait.NONNEGATIVE)
          .equivalent(
              "torch.nn.functional.cross_entropy(pred, target, weight=weight,"
                  + " ignore_index=ignore_index, label_smoothing=label_smoothing)",
              "pytorch")
          .whenToUse(
              "The default loss of multi-class classification, pixel-wise segmentation and sequence"
                  + " labelling; class weights counter imbalance and label smoothing curbs"
                  + " over-confidence. It keeps pushing confident correct predictions and is"
                  + " sensitive to label noise (consider generalized-ce or symmetric-ce) and to"
                  + " heavy imbalance (consider softmax-focal).")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review",
              "https://arxiv.org/abs/2504.04242")
          .reference(
              "Szegedy et al. (2016), Rethinking the Inception architecture (label smoothing)",
              "https://arxiv.org/abs/1512.00567")
          .aliases("pixelwise-softmax-ce")
          .sampler(
              (p, r, n) -> {
                // Mixes layouts, index and probability targets, ignored targets and class weights.
                long ignore = p.integer("ignore-index");
                int[] shape = SoftmaxRows.sampleShape(r, n);
                Tensor pred = Samples.normal(r, 2, shape);
                Tensor target =
                    ignore < 0 && r.nextInt(4) == 0
                        ? Samples.simplex(r, shape)
                        : SoftmaxRows.sampleIndices(r, shape, true, ignore);
                return new Tensor[] {pred, target, SoftmaxRows.maybeWeights(r, shape[1])};
              })
          .tasks(
              Task.CLASSIFICATION,
              Task.DETECTION,
              Task.ACTION_RECOGNITION,
              Task.SEGMENTATION,
              Task.TABULAR)
          .build(CrossEntropyLoss::new);

  private final long ignoreIndex;
  private final double smoothing;

  private CrossEntropyLoss(Params p) {
    super(SPEC, p);
    this.ignoreIndex = p.integer("ignore-index");
    this.smoothing = p.real("label-smoothing");
  }

  @Override
  public int[] check(Tensor[] in) {
    Tensor pred = in[0];
    Tensor target = in[1];
    SoftmaxRows.checkScores("pred", pred);
    SoftmaxRows.checkPerClass("weight", in[2], SoftmaxRows.classes(pred));
    if (target.isIntegral()) {
      return SoftmaxRows.checkIndexTarget(pred, target, true, ignoreIndex);
    }
    if (!target.hasShape(pred.shape())) {
      throw new IllegalArgumentException(
          "target: expected probabilities of the shape of pred "
              + Shapes.toString(pred.shape())
              + " or class indices (an integer tensor) of shape "
              + Shapes.toString(SoftmaxRows.rowShape(pred))
              + ", found a floating tensor of shape "
              + Shapes.toString(target.shape()));
    }
    if (ignoreIndex >= 0) {
      throw new IllegalArgumentException(
          "ignore-index: expected a negative value (no ignored class) with probability targets,"
              + " found "
              + ignoreIndex);
    }
    return SoftmaxRows.rowShape(pred);
  }

  @Override
  public double meanDenominator(Tensor[] in, int unreducedSize) {
    if (!in[1].isIntegral()) {
      return unreducedSize;
    }
    return SoftmaxRows.targetWeightSum(in[1], in[2], true, ignoreIndex);
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    int rows = SoftmaxRows.outer(in[0]) * SoftmaxRows.inner(in[0]);
    return computeRange(in, values, grads, scale, 0, rows);
  }

  /**
   * Rows {@code [from, to)}: row {@code n * inner + j} is sample {@code n} at position {@code j}.
   */
  @Override
  public int unitWidth(Tensor[] in) {
    return SoftmaxRows.classes(in[0]);
  }

  @Override
  public double computeRange(
      Tensor[] in, float[] values, float[][] grads, double scale, int from, int to) {
    float[] x = in[0].data();
    float[] t = in[1].data();
    boolean probabilities = !in[1].isIntegral();
    float[] w = in[2] == null ? null : in[2].data();
    float[] g = grads == null ? null : grads[0];
    int classes = SoftmaxRows.classes(in[0]);
    int inner = SoftmaxRows.inner(in[0]);
    double keep = 1 - smoothing;
    double spread = smoothing / classes;
    double wTotal = classes;
    if (w != null) {
      wTotal = 0;
      for (int c = 0; c < classes; c++) {
        wTotal += w[c];
      }
    }
    if (!probabilities && w == null && smoothing == 0 && inner == 1) {
      return CrossEntropyRows.kernel().rows(x, t, values, g, classes, ignoreIndex, scale, from, to);
    }
    double[] q = g == null ? null : new double[classes];
    double sum = 0;
    for (int row = from; row < to; row++) {
      int j = row % inner;
      int base = (row - j) * classes + j;
      int y = probabilities ? -1 : (int) t[row];
      if (!probabilities && y == ignoreIndex) {
        if (values != null) {
          values[row] = 0f;
        }
        if (g != null) {
          SoftmaxRows.zeroRow(g, base, inner, classes);
        }
        continue;
      }
      double lse = SoftmaxRows.softmaxRow(x, base, inner, classes, q);
      double l;
      if (probabilities) {
        double tw = 0;
        l = 0;
        for (int c = 0, i = base; c < classes; c++, i += inner) {
          double wt = (w == null ? 1 : w[c]) * (keep * t[i] + spread);
          tw += wt;
          l += wt * (lse - x[i]);
        }
        if (g != null) {
          for (int c = 0, i = base; c < classes; c++, i += inner) {
            double wt = (w == null ? 1 : w[c]) * (keep * t[i] + spread);
            g[i] = (float) (scale * (q[c] * tw - wt));
          }
        }
      } else {
        double wy = w == null ? 1 : w[y];
        double hard = keep * wy;
        l = hard * (lse - x[base + y * inner]);
        if (smoothing > 0) {
          double smooth = 0;
          for (int c = 0, i = base; c < classes; c++, i += inner) {
            smooth += (w == null ? 1 : w[c]) * (lse - x[i]);
          }
          l += spread * smooth;
        }
        if (g != null) {
          for (int c = 0, i = base; c < classes; c++, i += inner) {
            double qc = q[c];
            double d =
                hard * (c == y ? qc - 1 : qc) + spread * (qc * wTotal - (w == null ? 1 : w[c]));
            g[i] = (float) (scale * d);
          }
        }
      }
      sum += l;
      if (values != null) {
        values[row] = (float) l;
      }
    }
    return sum;
  }
}

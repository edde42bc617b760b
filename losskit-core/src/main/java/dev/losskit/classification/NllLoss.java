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
import dev.losskit.internal.Numerics;
import dev.losskit.internal.Samples;
import java.util.Arrays;

/**
 * Negative log-likelihood of class indices under given log-probabilities: the categorical NLL of
 * models whose last layer is a log-softmax (cross-entropy split into log-softmax and this).
 *
 * <pre>{@code
 * w = weight (1 for every class when absent)
 * l          = -w_y pred_y       (0 where y = ignore-index)
 * dl/dpred_c = -w_y [c = y]
 * mean       = sum l / sum of w_y over the targets that are not ignored
 * }</pre>
 *
 * <p>Inputs: {@code pred}, log-probabilities {@code (N, C, d1, ..., dk)} or unbatched {@code (C)},
 * any finite numbers (as in PyTorch, nothing checks that they are log-probabilities); {@code
 * target}, an integer tensor of class indices {@code (N, d1, ..., dk)} (or {@code ()}), each in
 * {@code [0, C)} or equal to {@code ignore-index}; {@code weight}, optional, non-negative, {@code
 * (C)}. The unreduced loss has one value per row: the shape of {@code pred} without the class axis.
 *
 * <p>Numerics: a gather and a product; the gradient is written everywhere (zero off the targets and
 * on ignored rows).
 *
 * <p>Equals {@code torch.nn.functional.nll_loss(pred, target, weight=weight,
 * ignore_index=ignore_index)}. Where PyTorch's mean divides by zero (every target ignored, zero
 * total weight, an empty batch) and gives NaN, this gives 0 with a zero gradient; PyTorch also
 * accepts negative class weights, this does not.
 *
 * @see <a href="https://arxiv.org/abs/2504.04242">Elharrouss et al. (2025), categorical negative
 *     log-likelihood</a>
 */
public final class NllLoss extends AbstractLoss implements SplittableLoss {
  /** Gradient entries per block: a block stays in L1 cache between zeroing and writing. */
  private static final int BLOCK = 2048;

  public static final LossSpec SPEC =
      LossSpec.builder("nll", Family.CLASSIFICATION)
          .name("Negative log-likelihood")
          .summary(
              "Minus the log-probability of the target class, weighted per class, for log-softmax"
                  + " outputs.")
          .formula("l = -w_y pred_y (0 where y = ignore-index); w = weight (1 when absent)")
          .gradient("dl/dpred_c = -w_y [c = y]")
          .input("pred", "(N, C, d1, ..., dk) or (C)", InputDomain.REAL, true, "log-probabilities")
          .input(
              "target", "(N, d1, ..., dk) or ()", InputDomain.CLASS_INDEX, false, "class indices")
          .optionalInput("weight", "(C)", InputDomain.NONNEGATIVE, false, "weight of each class")
          .param(
              ParamSpec.integer(
                  "ignore-index", -100, Range.ANY, "class index whose targets contribute nothing"))
          .traits(Trait.CONVEX, Trait.SMOOTH)
          .equivalent(
              "torch.nn.functional.nll_loss(pred, target, weight=weight,"
                  + " ignore_index=ignore_index)",
              "pytorch")
          .whenToUse(
              "Classification when the model already ends in a log-softmax (or any log-likelihood"
                  + " per class); with raw logits use cross-entropy instead, which fuses the"
                  + " log-softmax stably. Nothing checks that the inputs are log-probabilities, so"
                  + " unnormalised scores give a loss without a lower bound.")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review",
              "https://arxiv.org/abs/2504.04242")
          .sampler(
              (p, r, n) -> {
                long ignore = p.integer("ignore-index");
                int[] shape = SoftmaxRows.sampleShape(r, n);
                Tensor logits = Samples.normal(r, 2, shape);
                float[] x = logits.data();
                int classes = shape[1];
                int inner = Shapes.size(shape, 2, shape.length);
                for (int i = 0; i < n; i++) {
                  for (int j = 0; j < inner; j++) {
                    int base = i * classes * inner + j;
                    double lse = Numerics.logSumExp(x, base, inner, classes);
                    for (int c = 0; c < classes; c++) {
                      x[base + c * inner] = (float) (x[base + c * inner] - lse);
                    }
                  }
                }
                return new Tensor[] {
                  logits,
                  SoftmaxRows.sampleIndices(r, shape, true, ignore),
                  SoftmaxRows.maybeWeights(r, classes)
                };
              })
          .tasks(Task.CLASSIFICATION, Task.ACTION_RECOGNITION)
          .build(NllLoss::new);

  private final long ignoreIndex;

  private NllLoss(Params p) {
    super(SPEC, p);
    this.ignoreIndex = p.integer("ignore-index");
  }

  @Override
  public int[] check(Tensor[] in) {
    SoftmaxRows.checkScores("pred", in[0]);
    SoftmaxRows.checkPerClass("weight", in[2], SoftmaxRows.classes(in[0]));
    return SoftmaxRows.checkIndexTarget(in[0], in[1], true, ignoreIndex);
  }

  @Override
  public double meanDenominator(Tensor[] in, int unreducedSize) {
    return SoftmaxRows.targetWeightSum(in[1], in[2], true, ignoreIndex);
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    return computeRange(
        in, values, grads, scale, 0, SoftmaxRows.outer(in[0]) * SoftmaxRows.inner(in[0]));
  }

  @Override
  public int unitWidth(Tensor[] in) {
    return SoftmaxRows.classes(in[0]);
  }

  /**
   * Rows {@code [from, to)} (row {@code n * inner + j} is sample {@code n} at position {@code j}),
   * in blocks of about {@link #BLOCK} gradient entries: each block's gradient is zeroed, then its
   * targets written while the block is still in cache.
   */
  @Override
  public double computeRange(
      Tensor[] in, float[] values, float[][] grads, double scale, int from, int to) {
    float[] x = in[0].data();
    float[] t = in[1].data();
    float[] w = in[2] == null ? null : in[2].data();
    float[] g = grads == null ? null : grads[0];
    int classes = SoftmaxRows.classes(in[0]);
    int inner = SoftmaxRows.inner(in[0]);
    int perBlock = Math.max(1, BLOCK / classes);
    double sum = 0;
    for (int r0 = from; r0 < to; r0 += perBlock) {
      int r1 = Math.min(to, r0 + perBlock);
      if (g != null) {
        if (inner == 1) {
          Arrays.fill(g, r0 * classes, r1 * classes, 0f);
        } else {
          for (int row = r0; row < r1; row++) {
            int j = row % inner;
            SoftmaxRows.zeroRow(g, (row - j) * classes + j, inner, classes);
          }
        }
      }
      for (int row = r0; row < r1; row++) {
        int y = (int) t[row];
        double l = 0;
        if (y != ignoreIndex) {
          double wy = w == null ? 1 : w[y];
          int j = inner == 1 ? 0 : row % inner;
          int i = (row - j) * classes + y * inner + j;
          l = -wy * x[i];
          if (g != null) {
            g[i] = (float) (-scale * wy);
          }
        }
        sum += l;
        if (values != null) {
          values[row] = (float) l;
        }
      }
    }
    return sum;
  }
}

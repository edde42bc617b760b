package dev.losskit.classification;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.Shapes;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Samples;
import java.util.SplittableRandom;

/**
 * Categorical cross-entropy of predicted probabilities against one-hot or soft targets along a
 * class axis: the cross-entropy of models whose last layer is already a softmax, including
 * pixel-wise cross-entropy on channels-first or channels-last probability maps.
 *
 * <pre>{@code
 * one value per position of every axis except the class axis (axis):
 *   l          = -sum_c t_c log(clip(p_c, eps, 1))
 *   dl/dp_c    = -t_c / p_c   where p_c >= eps
 *                0            where p_c < eps (the clip is flat there)
 *   mean       = sum l / number of positions
 * }</pre>
 *
 * <p>Inputs: {@code pred}, probabilities in [0, 1] of any shape with the classes along {@code axis}
 * (1 by default, -1 for channels-last; negative values count from the end); {@code target},
 * probabilities in [0, 1] of the same shape (one-hot or soft). The unreduced loss has the shape of
 * {@code pred} without the class axis.
 *
 * <p>Numerics: the clip at {@code eps} keeps {@code log 0} out, so probabilities of exactly 0 give
 * the finite value {@code -t_c log(eps)} and a zero gradient. Rows are not renormalised: Keras
 * divides {@code pred} by its sum over the axis and then clips to {@code [eps, 1 - eps]}, so for
 * rows that do not sum to 1 Keras computes {@code -sum_c t_c log(clip(p_c / sum_k p_k, eps, 1 -
 * eps))} while this follows the catalogue formula; on rows that sum to 1 the two differ only where
 * a probability exceeds {@code 1 - eps} (by about {@code eps} per unit of target mass).
 *
 * <p>Equals Keras {@code CategoricalCrossentropy(axis=axis)} on rows that sum to 1, up to that
 * upper clip (with Keras's {@code epsilon} equal to {@code eps}); Keras cannot run here, so the
 * reference values are the formula written with PyTorch operations.
 *
 * @see <a href="https://arxiv.org/abs/2504.04242">Elharrouss et al. (2025), categorical
 *     cross-entropy</a>
 */
public final class CategoricalCeLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("categorical-ce", Family.CLASSIFICATION)
          .name("Categorical cross-entropy")
          .summary(
              "Cross-entropy of predicted class probabilities against one-hot or soft targets along"
                  + " a class axis, with the probabilities clipped at eps.")
          .formula(
              "l = -sum_c t_c log(clip(p_c, eps, 1)), the sum running along axis; one value per"
                  + " other position")
          .gradient("dl/dp_c = -t_c / p_c where p_c >= eps, 0 where p_c < eps")
          .input(
              "pred",
              "(..., C, ...) with C along axis",
              InputDomain.PROBABILITY,
              true,
              "predicted probabilities")
          .input(
              "target",
              "as pred",
              InputDomain.PROBABILITY,
              false,
              "target probabilities (one-hot or soft)")
          .param(
              ParamSpec.integer(
                  "axis", 1, Range.ANY, "the class axis; negative values count from the end"))
          .param(
              ParamSpec.real(
                  "eps", 1e-7, Range.OPEN_UNIT, "lower clip of the probabilities inside the log"))
          .traits(Trait.NONNEGATIVE)
          .equivalent(
              "keras.losses.CategoricalCrossentropy(axis=axis), without its renormalisation of"
                  + " pred",
              "")
          .whenToUse(
              "Classification or pixel-wise segmentation when the model outputs probabilities (a"
                  + " softmax layer), channels-first or channels-last (axis=-1). Prefer"
                  + " cross-entropy on logits where possible: it is more stable and its gradient"
                  + " does not vanish where a probability falls below eps.")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review",
              "https://arxiv.org/abs/2504.04242")
          .reference(
              "Keras CategoricalCrossentropy",
              "https://keras.io/api/losses/probabilistic_losses/#categoricalcrossentropy-class")
          .aliases("pixelwise-ce")
          .sampler(CategoricalCeLoss::sample)
          .tasks(Task.CLASSIFICATION, Task.SEGMENTATION)
          .build(CategoricalCeLoss::new);

  private final long axis;
  private final double eps;

  private CategoricalCeLoss(Params p) {
    super(SPEC, p);
    this.axis = p.integer("axis");
    this.eps = p.real("eps");
  }

  /**
   * The class axis of a tensor of rank {@code rank}, or -1 if {@code axis} is not one of its axes.
   */
  private static int resolve(long axis, int rank) {
    long a = axis < 0 ? axis + rank : axis;
    return a >= 0 && a < rank ? (int) a : -1;
  }

  @Override
  public int[] check(Tensor[] in) {
    Tensor pred = in[0];
    int a = resolve(axis, pred.rank());
    if (a < 0) {
      throw new IllegalArgumentException(
          "parameter axis: expected an axis of pred of shape "
              + Shapes.toString(pred.shape())
              + (pred.rank() == 0
                  ? " (which has none)"
                  : ", in [" + -pred.rank() + ", " + (pred.rank() - 1) + "]")
              + ", found "
              + axis);
    }
    Shapes.requireSame("target", in[1], "pred", pred);
    return Shapes.drop(pred.shape(), a);
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] p = in[0].data();
    float[] t = in[1].data();
    float[] g = grads == null ? null : grads[0];
    int[] shape = in[0].shape();
    int a = resolve(axis, shape.length);
    int outer = Shapes.size(shape, 0, a);
    int classes = shape[a];
    int inner = Shapes.size(shape, a + 1, shape.length);
    double logEps = Math.log(eps);
    double sum = 0;
    for (int n = 0; n < outer; n++) {
      for (int j = 0; j < inner; j++) {
        int base = n * classes * inner + j;
        double l = 0;
        for (int c = 0, i = base; c < classes; c++, i += inner) {
          double pc = p[i];
          boolean clipped = pc < eps;
          l -= t[i] * (clipped ? logEps : Math.log(Math.min(pc, 1)));
          if (g != null) {
            g[i] = clipped ? 0f : (float) (-scale * t[i] / pc);
          }
        }
        sum += l;
        if (values != null) {
          values[n * inner + j] = (float) l;
        }
      }
    }
    return sum;
  }

  /**
   * Probabilities along the class axis (normalised, at least about 0.01) and one-hot or soft
   * targets, for layouts of rank 2 to 4 that have the parameter's axis.
   */
  private static Tensor[] sample(Params params, SplittableRandom r, int n) {
    long axis = params.integer("axis");
    int need = (int) Math.max(2, axis < 0 ? -axis : axis + 1);
    int rank = need + r.nextInt(2);
    int a = resolve(axis, rank);
    int[] shape = new int[rank];
    for (int d = 0; d < rank; d++) {
      shape[d] = 2 + r.nextInt(2);
    }
    shape[a] = 2 + r.nextInt(5);
    shape[a == 0 ? 1 : 0] = n;
    float[] p = Samples.uniform(r, 0.05, 1, shape).data();
    float[] t = new float[p.length];
    boolean oneHot = r.nextBoolean();
    float[] soft = Samples.uniform(r, 0, 1, shape).data();
    int outer = Shapes.size(shape, 0, a);
    int classes = shape[a];
    int inner = Shapes.size(shape, a + 1, rank);
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < inner; j++) {
        int base = o * classes * inner + j;
        double ps = 0;
        double ts = 0;
        for (int c = 0; c < classes; c++) {
          ps += p[base + c * inner];
          ts += soft[base + c * inner];
        }
        int hot = r.nextInt(classes);
        for (int c = 0; c < classes; c++) {
          int i = base + c * inner;
          p[i] = (float) (p[i] / ps);
          t[i] = oneHot ? (c == hot ? 1f : 0f) : (float) (soft[i] / ts);
        }
      }
    }
    return new Tensor[] {Tensor.of(p, shape), Tensor.of(t, shape)};
  }
}

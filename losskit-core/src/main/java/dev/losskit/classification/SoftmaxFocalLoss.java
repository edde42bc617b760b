package dev.losskit.classification;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Samples;

/**
 * Multi-class focal loss on logits: cross-entropy scaled down by {@code (1 - q_y)^gamma} on
 * well-classified rows, so that training concentrates on hard examples under heavy class imbalance
 * (dense detection, segmentation with a dominant background).
 *
 * <pre>{@code
 * q  = softmax(pred) over the class axis;  a = alpha (1 for every class when absent)
 * l          = -a_y (1 - q_y)^gamma log q_y                (0 where y = ignore-index)
 * dl/dpred_c = a_y (1 - q_y)^gamma (1 - gamma q_y log(q_y) / (1 - q_y)) (q_c - [c = y])
 * mean       = sum l / number of targets that are not ignored (alpha does not enter it)
 * }</pre>
 *
 * <p>Inputs: {@code pred}, finite logits {@code (N, C, d1, ..., dk)} or unbatched {@code (C)};
 * {@code target}, an integer tensor of class indices {@code (N, d1, ..., dk)} (or {@code ()}), each
 * in {@code [0, C)} or equal to {@code ignore-index}; {@code alpha}, optional, non-negative, {@code
 * (C)}: the weight of each target class. The unreduced loss has one value per row.
 *
 * <p>Numerics: {@code log q_y} comes from the max-shifted log-sum-exp and {@code 1 - q_y} from
 * {@code -expm1(log q_y)}, so it keeps its relative precision when {@code q_y} is near 1; the
 * factor {@code log(q_y) / (1 - q_y)} takes its limit -1 where {@code q_y} rounds to 1, so any
 * {@code gamma >= 0} and logits of any magnitude give finite values and gradients. {@code gamma =
 * 0} is cross-entropy weighted by alpha (with a mean over targets, not over target weights).
 *
 * <p>Equals Keras {@code CategoricalFocalCrossentropy(alpha=alpha, gamma=gamma, from_logits=True)}
 * on one-hot targets up to Keras's clipping of the probabilities to {@code [1e-7, 1 - 1e-7]} and
 * its defaults (Keras's alpha is one number, 0.25 by default, applied to every class; here alpha is
 * per class and absent means 1). Keras cannot run here, so the reference values are the formula
 * written with PyTorch operations.
 *
 * @see <a href="https://arxiv.org/abs/1708.02002">Lin et al. (2017), Focal loss for dense object
 *     detection</a>
 */
public final class SoftmaxFocalLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("softmax-focal", Family.CLASSIFICATION)
          .name("Softmax focal")
          .summary(
              "Multi-class focal loss on logits: cross-entropy down-weighted by (1 - q_y)^gamma on"
                  + " well-classified rows, with per-class alpha.")
          .formula(
              "l = -alpha_y (1 - q_y)^gamma log q_y (0 where y = ignore-index); q = softmax(pred)"
                  + " over dim 1")
          .gradient(
              "dl/dpred_c = alpha_y (1 - q_y)^gamma (1 - gamma q_y log(q_y) / (1 - q_y)) (q_c - [c"
                  + " = y])")
          .input("pred", "(N, C, d1, ..., dk) or (C)", InputDomain.REAL, true, "logits")
          .input(
              "target", "(N, d1, ..., dk) or ()", InputDomain.CLASS_INDEX, false, "class indices")
          .optionalInput(
              "alpha", "(C)", InputDomain.NONNEGATIVE, false, "weight of each target class")
          .param(
              ParamSpec.real(
                  "gamma", 2.0, Range.NONNEGATIVE, "focusing exponent; 0 gives cross-entropy"))
          .param(
              ParamSpec.integer(
                  "ignore-index", -100, Range.ANY, "class index whose targets contribute nothing"))
          .traits(Trait.SMOOTH, Trait.NONNEGATIVE)
          .equivalent(
              "keras.losses.CategoricalFocalCrossentropy(alpha=alpha, gamma=gamma,"
                  + " from_logits=True) on one-hot targets, without its clipping of the"
                  + " probabilities",
              "")
          .whenToUse(
              "Multi-class problems with extreme imbalance or many easy examples (dense detection,"
                  + " segmentation with a dominant background): it down-weights confident correct"
                  + " predictions. It adds a hyper-parameter (gamma, about 2) and its probabilities"
                  + " are less calibrated than those of cross-entropy.")
          .reference(
              "Lin et al. (2017), Focal loss for dense object detection",
              "https://arxiv.org/abs/1708.02002")
          .sampler(
              (p, r, n) -> {
                int[] shape = SoftmaxRows.sampleShape(r, n);
                return new Tensor[] {
                  Samples.normal(r, 2, shape),
                  SoftmaxRows.sampleIndices(r, shape, true, p.integer("ignore-index")),
                  SoftmaxRows.maybeWeights(r, shape[1])
                };
              })
          .tasks(Task.CLASSIFICATION, Task.DETECTION, Task.SEGMENTATION)
          .build(SoftmaxFocalLoss::new);

  private final double gamma;
  private final long ignoreIndex;

  private SoftmaxFocalLoss(Params p) {
    super(SPEC, p);
    this.gamma = p.real("gamma");
    this.ignoreIndex = p.integer("ignore-index");
  }

  @Override
  public int[] check(Tensor[] in) {
    SoftmaxRows.checkScores("pred", in[0]);
    SoftmaxRows.checkPerClass("alpha", in[2], SoftmaxRows.classes(in[0]));
    return SoftmaxRows.checkIndexTarget(in[0], in[1], true, ignoreIndex);
  }

  @Override
  public double meanDenominator(Tensor[] in, int unreducedSize) {
    return SoftmaxRows.targetWeightSum(in[1], null, true, ignoreIndex);
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] x = in[0].data();
    float[] t = in[1].data();
    float[] alpha = in[2] == null ? null : in[2].data();
    float[] g = grads == null ? null : grads[0];
    int outer = SoftmaxRows.outer(in[0]);
    int classes = SoftmaxRows.classes(in[0]);
    int inner = SoftmaxRows.inner(in[0]);
    double[] q = g == null ? null : new double[classes];
    double sum = 0;
    for (int n = 0; n < outer; n++) {
      for (int j = 0; j < inner; j++) {
        int base = n * classes * inner + j;
        int row = n * inner + j;
        int y = (int) t[row];
        double l = 0;
        if (y == ignoreIndex) {
          if (g != null) {
            SoftmaxRows.zeroRow(g, base, inner, classes);
          }
        } else {
          double a = alpha == null ? 1 : alpha[y];
          double logq = x[base + y * inner] - SoftmaxRows.softmaxRow(x, base, inner, classes, q);
          double miss = -Math.expm1(logq); // 1 - q_y
          double focus = Math.pow(miss, gamma);
          l = -a * focus * logq;
          if (g != null) {
            // log(q) / (1 - q) -> -1 as q -> 1.
            double ratio = miss > 0 ? logq / miss : -1;
            double k = a * focus * (1 - gamma * Math.exp(logq) * ratio);
            SoftmaxRows.writeRowGradient(g, base, inner, classes, y, q, scale * k);
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

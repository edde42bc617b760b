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
 * Symmetric cross-entropy on logits: cross-entropy plus reverse cross-entropy (the cross-entropy of
 * the one-hot label under the prediction, with {@code log 0} clamped at {@code A}), for training on
 * noisy labels.
 *
 * <pre>{@code
 * q  = softmax(pred) over the class axis
 * CE         = -log q_y
 * RCE        = -sum_c q_c log(t_c), log 0 := A   =  -A (1 - q_y)
 * l          = a CE + b RCE
 * dl/dpred_c = (a - b A q_y) (q_c - [c = y])
 * mean       = sum l / number of rows
 * }</pre>
 *
 * <p>Inputs: {@code pred}, finite logits {@code (N, C, d1, ..., dk)} or unbatched {@code (C)};
 * {@code target}, an integer tensor of class indices {@code (N, d1, ..., dk)} (or {@code ()}) in
 * {@code [0, C)}. The unreduced loss has one value per row.
 *
 * <p>Numerics: {@code log q_y} comes from the max-shifted log-sum-exp and {@code 1 - q_y} from
 * {@code -expm1(log q_y)}; logits of any magnitude give finite values and gradients. The reference
 * implementation of the paper also clamps the softmax at 1e-7 inside the RCE term and the one-hot
 * label at 1e-4 (so its {@code A} is {@code log 1e-4}); this follows the catalogue formula with the
 * paper's {@code A = -4} and no clamp of the softmax.
 *
 * <p>No library peer: the definition is the paper's; the reference values are the formula written
 * with PyTorch operations.
 *
 * @see <a href="https://arxiv.org/abs/1908.06112">Wang et al. (2019), Symmetric cross entropy for
 *     robust learning with noisy labels</a>
 */
public final class SymmetricCeLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("symmetric-ce", Family.CLASSIFICATION)
          .name("Symmetric cross-entropy")
          .summary(
              "Cross-entropy plus reverse cross-entropy (log 0 clamped at A) of the softmax: a CE +"
                  + " b RCE, for noisy labels.")
          .formula("l = a (-log q_y) + b (-A) (1 - q_y); q = softmax(pred) over dim 1")
          .gradient("dl/dpred_c = (a - b A q_y) (q_c - [c = y])")
          .input("pred", "(N, C, d1, ..., dk) or (C)", InputDomain.REAL, true, "logits")
          .input(
              "target", "(N, d1, ..., dk) or ()", InputDomain.CLASS_INDEX, false, "class indices")
          .param(ParamSpec.real("a", 0.1, Range.NONNEGATIVE, "weight of the cross-entropy term"))
          .param(
              ParamSpec.real(
                  "b", 1.0, Range.NONNEGATIVE, "weight of the reverse cross-entropy term"))
          .param(
              ParamSpec.real(
                  "A",
                  -4,
                  new Range(Double.NEGATIVE_INFINITY, false, 0, false),
                  "value that log 0 is clamped to in the reverse term"))
          .traits(Trait.SMOOTH, Trait.NONNEGATIVE)
          .whenToUse(
              "Classification with noisy labels: the reverse term is bounded and noise-tolerant"
                  + " while the cross-entropy term keeps hard classes learning. Three"
                  + " hyper-parameters (a, b, A) need tuning to the noise level; on clean data"
                  + " plain cross-entropy is as good.")
          .reference(
              "Wang et al. (2019), Symmetric cross entropy for robust learning with noisy labels",
              "https://arxiv.org/abs/1908.06112")
          .sampler(
              (p, r, n) -> {
                int[] shape = SoftmaxRows.sampleShape(r, n);
                return new Tensor[] {
                  Samples.normal(r, 2, shape), SoftmaxRows.sampleIndices(r, shape, false, 0)
                };
              })
          .tasks(Task.CLASSIFICATION)
          .build(SymmetricCeLoss::new);

  private final double a;
  private final double b;
  private final double clampA;

  private SymmetricCeLoss(Params p) {
    super(SPEC, p);
    this.a = p.real("a");
    this.b = p.real("b");
    this.clampA = p.real("A");
  }

  @Override
  public int[] check(Tensor[] in) {
    return SoftmaxRows.checkIndexTarget(in[0], in[1], false, 0);
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] x = in[0].data();
    float[] t = in[1].data();
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
        double logq = x[base + y * inner] - SoftmaxRows.softmaxRow(x, base, inner, classes, q);
        double l = -a * logq + b * clampA * Math.expm1(logq); // -A (1 - q_y) = A expm1(log q_y)
        if (g != null) {
          SoftmaxRows.writeRowGradient(
              g, base, inner, classes, y, q, scale * (a - b * clampA * Math.exp(logq)));
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

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
 * Generalized cross-entropy (the L_q loss) on logits: a bounded loss between cross-entropy ({@code
 * qexp -> 0}) and the mean absolute error of the softmax ({@code qexp = 1}), for training on noisy
 * labels.
 *
 * <pre>{@code
 * q  = softmax(pred) over the class axis
 * l          = (1 - q_y^qexp) / qexp
 * dl/dpred_c = q_y^qexp (q_c - [c = y])
 * mean       = sum l / number of rows
 * }</pre>
 *
 * <p>Inputs: {@code pred}, finite logits {@code (N, C, d1, ..., dk)} or unbatched {@code (C)};
 * {@code target}, an integer tensor of class indices {@code (N, d1, ..., dk)} (or {@code ()}) in
 * {@code [0, C)}. The unreduced loss has one value per row; it lies in {@code [0, 1 / qexp)}.
 *
 * <p>Numerics: {@code q_y^qexp = exp(qexp log q_y)} with {@code log q_y} from the max-shifted
 * log-sum-exp, and {@code l = -expm1(qexp log q_y) / qexp}, which keeps its precision for confident
 * rows; logits of any magnitude give finite values and gradients.
 *
 * <p>No library peer: the definition is the paper's; the reference values are the formula written
 * with PyTorch operations.
 *
 * @see <a href="https://arxiv.org/abs/1805.07836">Zhang and Sabuncu (2018), Generalized cross
 *     entropy loss for training deep neural networks with noisy labels</a>
 */
public final class GeneralizedCeLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("generalized-ce", Family.CLASSIFICATION)
          .name("Generalized cross-entropy")
          .summary(
              "The bounded L_q loss (1 - q_y^qexp) / qexp of the softmax, between cross-entropy and"
                  + " the mean absolute error, robust to noisy labels.")
          .formula("l = (1 - q_y^qexp) / qexp; q = softmax(pred) over dim 1")
          .gradient("dl/dpred_c = q_y^qexp (q_c - [c = y])")
          .input("pred", "(N, C, d1, ..., dk) or (C)", InputDomain.REAL, true, "logits")
          .input(
              "target", "(N, d1, ..., dk) or ()", InputDomain.CLASS_INDEX, false, "class indices")
          .param(
              ParamSpec.real(
                  "qexp",
                  0.7,
                  new Range(0, false, 1, true),
                  "exponent q: near 0 cross-entropy, 1 the MAE of the softmax"))
          .traits(Trait.SMOOTH, Trait.NONNEGATIVE, Trait.BOUNDED, Trait.ROBUST)
          .whenToUse(
              "Classification with noisy labels: each sample's loss is bounded by 1/qexp, so"
                  + " mislabelled samples cannot dominate, while training stays faster than with"
                  + " the MAE. It converges more slowly than cross-entropy on clean labels and qexp"
                  + " needs tuning.")
          .reference(
              "Zhang and Sabuncu (2018), Generalized cross entropy loss for training deep neural"
                  + " networks with noisy labels",
              "https://arxiv.org/abs/1805.07836")
          .sampler(
              (p, r, n) -> {
                int[] shape = SoftmaxRows.sampleShape(r, n);
                return new Tensor[] {
                  Samples.normal(r, 2, shape), SoftmaxRows.sampleIndices(r, shape, false, 0)
                };
              })
          .tasks(Task.CLASSIFICATION)
          .build(GeneralizedCeLoss::new);

  private final double qexp;

  private GeneralizedCeLoss(Params p) {
    super(SPEC, p);
    this.qexp = p.real("qexp");
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
        double l = -Math.expm1(qexp * logq) / qexp;
        if (g != null) {
          SoftmaxRows.writeRowGradient(
              g, base, inner, classes, y, q, scale * Math.exp(qexp * logq));
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

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

/**
 * Zero-one loss: 1 for a wrong prediction and 0 for a right one, so that its mean is the error
 * rate; the quantity the other classification losses stand in for, for evaluation rather than
 * training.
 *
 * <pre>{@code
 * binary:      l = 1 if (pred > threshold) != (target = 1) else 0
 * multi-class: l = 1 if argmax_c pred[n, c, ...] != target[n, ...] else 0
 * no gradient: piecewise constant (zero almost everywhere, undefined at the decision boundary)
 * }</pre>
 *
 * <p>Inputs, binary: {@code pred}, finite scores or probabilities of any shape; {@code target} of
 * the same shape, labels in {0, 1} or {-1, +1}: 1 is the positive class, 0 and -1 the negative one.
 * A prediction is positive iff {@code pred > threshold} strictly, so a score exactly at the
 * threshold predicts the negative class (as Keras's {@code BinaryAccuracy} and scikit-learn's
 * {@code predict} on decision scores). Use {@code threshold = 0.5} for probabilities (the default)
 * and 0 for scores or logits.
 *
 * <p>Inputs, multi-class: {@code pred} {@code (N, C, d1, ..., dk)} scores or probabilities and an
 * integer {@code target} {@code (N, d1, ..., dk)} of class indices in [0, C); {@code threshold} is
 * not used; a tie for the largest score goes to the first such class, as {@code torch.argmax}. An
 * integer target of the same shape as {@code pred} is read as binary labels.
 *
 * <p>Mean over the unreduced values (elements, or positions {@code (N, d1, ..., dk)}). Reported as
 * not differentiable: evaluations return no gradient.
 *
 * <p>No library equivalent as a loss; it is one minus the accuracy ({@code
 * sklearn.metrics.zero_one_loss}).
 *
 * @see <a href="https://doi.org/10.1198/016214505000000907">Bartlett, Jordan and McAuliffe (2006),
 *     Convexity, classification, and risk bounds</a>
 */
public final class ZeroOneLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("zero-one", Family.CLASSIFICATION)
          .input(
              "pred",
              "(*) binary, or (N, C, d1, ..., dk) multi-class",
              InputDomain.REAL,
              false,
              "scores or probabilities")
          .input(
              "target",
              "as pred (binary), or (N, d1, ..., dk) (multi-class)",
              InputDomain.REAL,
              false,
              "labels 1 / 0 or -1 (binary), or class indices as an integer tensor (multi-class)")
          .name("Zero-one")
          .summary("1 for a wrong prediction, 0 for a right one: its mean is the error rate.")
          .formula(
              "l = [(pred > threshold) != (target = 1)] (binary); l = [argmax_c pred_c != target] (multi-class)")
          .gradient(
              "none: piecewise constant, zero almost everywhere; reported as not differentiable")
          .param(
              ParamSpec.real(
                  "threshold",
                  0.5,
                  Range.ANY,
                  "binary: pred above it predicts the positive class (0.5 for probabilities, 0 for scores)"))
          .traits(Trait.NONNEGATIVE, Trait.BOUNDED, Trait.NOT_DIFFERENTIABLE)
          .whenToUse(
              "Evaluation: the misclassification rate that surrogate losses (hinge, logistic, cross-entropy)"
                  + " bound and stand in for. It has no useful gradient and is NP-hard to minimise directly,"
                  + " so never train with it.")
          .reference(
              "Bartlett, Jordan and McAuliffe (2006), Convexity, classification, and risk bounds",
              "https://doi.org/10.1198/016214505000000907")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review",
              "https://arxiv.org/abs/2504.04242")
          .sampler(
              (p, r, n) -> {
                double th = p.real("threshold");
                return new Tensor[] {
                  Samples.uniform(r, th - 0.5, th + 0.5, n), Samples.binary(r, n)
                };
              })
          .tasks(Task.CLASSIFICATION)
          .build(ZeroOneLoss::new);

  private final double threshold;

  private ZeroOneLoss(Params p) {
    super(SPEC, p);
    this.threshold = p.real("threshold");
  }

  private static boolean multiClass(Tensor[] in) {
    return in[1].isIntegral() && in[0].rank() == in[1].rank() + 1;
  }

  @Override
  public int[] check(Tensor[] in) {
    Tensor pred = in[0];
    Tensor target = in[1];
    if (multiClass(in)) {
      if (pred.rank() < 2) {
        throw new IllegalArgumentException(
            "pred: expected shape (N, C, d1, ..., dk) for class-index targets "
                + Shapes.toString(target.shape())
                + ", found "
                + Shapes.toString(pred.shape()));
      }
      int[] expected = Shapes.drop(pred.shape(), 1);
      if (!target.hasShape(expected)) {
        throw new IllegalArgumentException(
            "target: expected class indices of shape "
                + Shapes.toString(expected)
                + " for pred "
                + Shapes.toString(pred.shape())
                + ", found "
                + Shapes.toString(target.shape()));
      }
      int classes = pred.dim(1);
      float[] y = target.data();
      for (int i = 0; i < y.length; i++) {
        if (y[i] < 0 || y[i] >= classes) {
          throw new IllegalArgumentException(
              "target: expected class indices in [0, "
                  + classes
                  + "), found "
                  + (long) y[i]
                  + " at index "
                  + i);
        }
      }
      return expected;
    }
    if (!target.hasShape(pred.shape())) {
      throw new IllegalArgumentException(
          "target: expected the shape of pred "
              + Shapes.toString(pred.shape())
              + " (binary labels), or class indices (an integer tensor) without pred's dimension 1, found "
              + target);
    }
    float[] y = target.data();
    for (int i = 0; i < y.length; i++) {
      if (y[i] != 1 && y[i] != 0 && y[i] != -1) {
        throw new IllegalArgumentException(
            "target: expected binary labels 1, 0 or -1, found " + y[i] + " at index " + i);
      }
    }
    return pred.shape();
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] p = in[0].data();
    float[] t = in[1].data();
    double sum = 0;
    if (multiClass(in)) {
      int classes = in[0].dim(1);
      int inner = Shapes.size(in[0].shape(), 2, in[0].rank());
      int outer = in[0].dim(0);
      for (int n = 0; n < outer; n++) {
        for (int j = 0; j < inner; j++) {
          int base = n * classes * inner + j;
          int best = 0;
          float max = Float.NEGATIVE_INFINITY;
          for (int c = 0; c < classes; c++) {
            float v = p[base + c * inner];
            if (v > max) {
              max = v;
              best = c;
            }
          }
          int k = n * inner + j;
          float l = best == (int) t[k] ? 0f : 1f;
          sum += l;
          if (values != null) {
            values[k] = l;
          }
        }
      }
      return sum;
    }
    for (int i = 0; i < p.length; i++) {
      boolean predicted = p[i] > threshold;
      boolean actual = t[i] == 1;
      float l = predicted == actual ? 0f : 1f;
      sum += l;
      if (values != null) {
        values[i] = l;
      }
    }
    return sum;
  }
}

package dev.losskit.classification;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Shapes;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Samples;

/**
 * Categorical hinge loss: how far the score of the true class falls short of beating the best other
 * score by the margin 1; the Crammer-Singer multi-class SVM loss, for classifiers trained on scores
 * with one-hot (or soft) targets.
 *
 * <pre>{@code
 * per sample n, with target row t (one-hot, or soft):
 * pos = sum_c t_c pred_c
 * neg = max_c (1 - t_c) pred_c            (c* = the first c attaining the max)
 * l   = max(0, neg - pos + 1)
 * dl/dpred_c = -t_c + [c = c*] (1 - t_c)  if neg - pos + 1 > 0
 *              0                          otherwise (also at the kink)
 * }</pre>
 *
 * <p>For a one-hot target of class y this is {@code max(0, 1 + max_{c != y} pred_c - pred_y)}
 * whenever some other class scores at least 0; the true class itself enters the max with the value
 * {@code (1 - 1) pred_y = 0}, so {@code neg} is never below 0 (Keras's form, kept so that soft
 * targets behave as in Keras).
 *
 * <p>Inputs: {@code pred}, finite scores {@code (N, C)}; {@code target}, a floating tensor {@code
 * (N, C)} of probabilities in [0, 1] (one-hot rows, soft rows, or all-zero rows), or an integer
 * tensor {@code (N)} of class indices in [0, C), read as one-hot rows. Mean over samples.
 *
 * <p>Numerics: exact in double; ties in the max send the gradient to the first maximal class.
 *
 * <p>Equals Keras {@code CategoricalHinge()(target, pred)}.
 *
 * @see <a href="https://www.jmlr.org/papers/v2/crammer01a.html">Crammer and Singer (2001), On the
 *     algorithmic implementation of multiclass kernel-based vector machines</a>
 */
public final class CategoricalHingeLoss extends AbstractLoss {
  /** Classes of the sampled inputs. */
  private static final int SAMPLE_CLASSES = 5;

  public static final LossSpec SPEC =
      LossSpec.builder("categorical-hinge", Family.CLASSIFICATION)
          .input("pred", "(N, C)", InputDomain.REAL, true, "class scores")
          .input(
              "target",
              "(N, C) probabilities, or (N) class indices",
              InputDomain.CLASS_INDEX_OR_PROBABILITY,
              false,
              "one-hot or soft targets (floating), or class indices (integer)")
          .name("Categorical hinge")
          .summary(
              "The shortfall of the true class's score below the best other score plus 1: the multi-class SVM loss.")
          .formula(
              "l = max(0, neg - pos + 1), pos = sum_c t_c pred_c, neg = max_c (1 - t_c) pred_c")
          .gradient(
              "dl/dpred_c = -t_c + [c = argmax_c (1 - t_c) pred_c] (1 - t_c) where l > 0, else 0")
          .traits(Trait.CONVEX, Trait.NONNEGATIVE, Trait.ROBUST)
          .equivalent("keras.losses.CategoricalHinge()(target, pred)", "")
          .whenToUse(
              "Multi-class classification with a maximum-margin objective on raw scores: only the most"
                  + " competitive wrong class is pushed down, and samples won by a margin of 1 cost nothing."
                  + " Gives no probabilities and a sparse gradient; prefer cross-entropy for calibrated outputs.")
          .reference(
              "Crammer and Singer (2001), On the algorithmic implementation of multiclass kernel-based vector machines",
              "https://www.jmlr.org/papers/v2/crammer01a.html")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review",
              "https://arxiv.org/abs/2504.04242")
          .sampler(
              (p, r, n) -> {
                Tensor y = Samples.classes(r, SAMPLE_CLASSES, n);
                float[] oneHot = new float[n * SAMPLE_CLASSES];
                for (int i = 0; i < n; i++) {
                  oneHot[i * SAMPLE_CLASSES + (int) y.data()[i]] = 1f;
                }
                return new Tensor[] {
                  Samples.normal(r, 1, n, SAMPLE_CLASSES), Tensor.of(oneHot, n, SAMPLE_CLASSES)
                };
              })
          .tasks(Task.CLASSIFICATION)
          .build(CategoricalHingeLoss::new);

  private CategoricalHingeLoss(Params p) {
    super(SPEC, p);
  }

  @Override
  public int[] check(Tensor[] in) {
    Tensor pred = in[0];
    Tensor target = in[1];
    if (pred.rank() != 2) {
      throw new IllegalArgumentException(
          "pred: expected shape (N, C), found " + Shapes.toString(pred.shape()));
    }
    int n = pred.dim(0);
    int classes = pred.dim(1);
    if (target.isIntegral()) {
      if (!target.hasShape(n)) {
        throw new IllegalArgumentException(
            "target: expected class indices of shape "
                + Shapes.toString(n)
                + " for pred "
                + Shapes.toString(pred.shape())
                + ", found "
                + Shapes.toString(target.shape()));
      }
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
    } else {
      Shapes.requireSame("target", target, "pred", pred);
    }
    return new int[] {n};
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] p = in[0].data();
    float[] t = in[1].data();
    boolean indices = in[1].isIntegral();
    int n = in[0].dim(0);
    int classes = in[0].dim(1);
    float[] g = grads == null ? null : grads[0];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      int base = i * classes;
      int label = indices ? (int) t[i] : -1;
      double pos = 0;
      double neg = Double.NEGATIVE_INFINITY;
      int best = 0;
      for (int c = 0; c < classes; c++) {
        double tc = indices ? (c == label ? 1 : 0) : t[base + c];
        double x = p[base + c];
        pos += tc * x;
        double other = (1 - tc) * x;
        if (other > neg) {
          neg = other;
          best = c;
        }
      }
      double z = neg - pos + 1;
      double l = z > 0 ? z : 0;
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        for (int c = 0; c < classes; c++) {
          if (z > 0) {
            double tc = indices ? (c == label ? 1 : 0) : t[base + c];
            double d = c == best ? 1 - 2 * tc : -tc;
            g[base + c] = (float) (d * scale);
          } else {
            g[base + c] = 0f;
          }
        }
      }
    }
    return sum;
  }
}

package dev.losskit.divergence;

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
 * Shannon entropy of predicted distributions along a class axis: a regulariser that penalises
 * confident predictions (when added) or rewards them (entropy minimisation on unlabelled data).
 *
 * <pre>{@code
 * one value per position of every axis except the distribution axis (axis):
 * probabilities (from-logits = false), p = pred, 0 log 0 = 0:
 *   l          = -sum_c p_c log p_c
 *   dl/dpred_c = -log(max(p_c, 1.18e-38)) - 1
 * logits (from-logits = true), p = softmax(pred) along axis:
 *   l          = -sum_c p_c log p_c = logsumexp(pred) - sum_c p_c pred_c
 *   dl/dpred_c = -p_c (log p_c + l)
 * mean = sum l / number of positions (samples)
 * }</pre>
 *
 * <p>Inputs: {@code pred} of any rank with the distributions along {@code axis} (1 by default;
 * negative values count from the end): probabilities in [0, 1], or finite logits with {@code
 * from-logits}. Probabilities are not renormalised. The unreduced loss has the shape of {@code
 * pred} without the axis; for distributions each value lies in [0, log C].
 *
 * <p>Numerics: on probabilities the derivative {@code -log p - 1} diverges at {@code p = 0}; there
 * (and for subnormal p) it is taken at {@code p = 1.18e-38}, the smallest normal float32, which
 * gives about 86.3: finite, with the sign of the true one-sided derivative, and exact for every
 * normal float32 probability. On logits {@code log p = pred - logsumexp(pred)} is computed with the
 * row maximum subtracted, so logits of any finite magnitude give finite values and gradients (a
 * probability that underflows to 0 contributes exactly 0).
 *
 * <p>No library has this loss with these semantics; the reference values are the formula written
 * with PyTorch operations.
 *
 * @see <a href="https://doi.org/10.1002/j.1538-7305.1948.tb01338.x">Shannon (1948), A mathematical
 *     theory of communication</a>
 */
public final class EntropyLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("entropy", Family.DIVERGENCE)
          .name("Entropy")
          .summary(
              "Shannon entropy -sum p log p of predicted distributions along a class axis, from"
                  + " probabilities or logits; a confidence regulariser.")
          .formula(
              "l = -sum_c p_c log p_c along axis, 0 log 0 = 0; p = pred, or softmax(pred) with"
                  + " from-logits")
          .gradient(
              "dl/dp_c = -log p_c - 1 (taken at p_c = 1.18e-38 where p_c = 0); with from-logits,"
                  + " dl/dpred_c = -p_c (log p_c + l)")
          .input(
              "pred",
              "(..., C, ...) with C along axis",
              InputDomain.PROBABILITY_OR_LOGIT,
              true,
              "probabilities, or logits with from-logits")
          .param(ParamSpec.bool("from-logits", false, "pred holds logits: softmax along axis"))
          .param(
              ParamSpec.integer(
                  "axis",
                  1,
                  Range.ANY,
                  "the axis of the distributions; negative values count from the end"))
          .traits(Trait.SMOOTH)
          .whenToUse(
              "Adding an entropy term to a classification loss: subtract it to penalise"
                  + " over-confident outputs (confidence penalty, exploration in reinforcement"
                  + " learning), add it to sharpen predictions on unlabelled data (entropy"
                  + " minimisation). On its own it is not a supervised loss: it ignores the labels.")
          .reference(
              "Shannon (1948), A mathematical theory of communication",
              "https://doi.org/10.1002/j.1538-7305.1948.tb01338.x")
          .reference(
              "Pereyra et al. (2017), Regularizing neural networks by penalizing confident output"
                  + " distributions",
              "https://arxiv.org/abs/1701.06548")
          .sampler(EntropyLoss::sample)
          .tasks(Task.CLASSIFICATION)
          .build(EntropyLoss::new);

  private final boolean fromLogits;
  private final long axis;

  private EntropyLoss(Params p) {
    super(SPEC, p);
    this.fromLogits = p.bool("from-logits");
    this.axis = p.integer("axis");
  }

  @Override
  public InputDomain inputDomain(int k) {
    return fromLogits ? InputDomain.REAL : InputDomain.PROBABILITY;
  }

  @Override
  public int[] check(Tensor[] in) {
    int a = AxisRows.checkAxis(axis, in[0]);
    return Shapes.drop(in[0].shape(), a);
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] x = in[0].data();
    float[] g = grads == null ? null : grads[0];
    int[] shape = in[0].shape();
    int a = AxisRows.resolve(axis, shape.length);
    int outer = AxisRows.outer(shape, a);
    int classes = shape[a];
    int inner = AxisRows.inner(shape, a);
    double sum = 0;
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < inner; j++) {
        int base = o * classes * inner + j;
        double l =
            fromLogits
                ? logits(x, g, base, inner, classes, scale)
                : probabilities(x, g, base, inner, classes, scale);
        sum += l;
        if (values != null) {
          values[o * inner + j] = (float) l;
        }
      }
    }
    return sum;
  }

  private static double probabilities(
      float[] p, float[] g, int base, int inner, int classes, double scale) {
    double l = 0;
    for (int c = 0, i = base; c < classes; c++, i += inner) {
      double pc = p[i];
      l -= AxisRows.xlogx(pc);
      if (g != null) {
        g[i] = (float) (-scale * (Math.log(Math.max(pc, AxisRows.LOG_FLOOR)) + 1));
      }
    }
    return l;
  }

  private static double logits(
      float[] x, float[] g, int base, int inner, int classes, double scale) {
    if (classes == 0) {
      return 0;
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0, i = base; c < classes; c++, i += inner) {
      max = Math.max(max, x[i]);
    }
    double z = 0;
    for (int c = 0, i = base; c < classes; c++, i += inner) {
      z += Math.exp(x[i] - max);
    }
    double lse = max + Math.log(z);
    double l = 0;
    for (int c = 0, i = base; c < classes; c++, i += inner) {
      double logP = x[i] - lse;
      l -= Math.exp(logP) * logP;
    }
    if (g != null) {
      for (int c = 0, i = base; c < classes; c++, i += inner) {
        double logP = x[i] - lse;
        g[i] = (float) (-scale * Math.exp(logP) * (logP + l));
      }
    }
    return l;
  }

  /** Distributions (or logits) along the parameter's axis; see {@link AxisRows#sampleShape}. */
  private static Tensor[] sample(Params params, SplittableRandom r, int n) {
    long axis = params.integer("axis");
    int[] shape = AxisRows.sampleShape(r, axis, n);
    int a = AxisRows.resolve(axis, shape.length);
    return new Tensor[] {
      params.bool("from-logits") ? Samples.normal(r, 2, shape) : AxisRows.simplex(r, shape, a)
    };
  }
}

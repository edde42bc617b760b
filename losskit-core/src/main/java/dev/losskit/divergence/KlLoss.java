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
import java.util.SplittableRandom;

/**
 * Kullback-Leibler divergence KL(p || q) of a target distribution p from a predicted distribution
 * q, both given as probabilities along a class axis and clipped at eps: the review's KL loss, for
 * matching a predicted distribution to a target one when the model outputs probabilities.
 *
 * <pre>{@code
 * one value per position of every axis except the distribution axis (axis):
 *   p' = clip(target, eps, 1),  q' = clip(pred, eps, 1)
 *   l         = sum_c p'_c log(p'_c / q'_c)
 *   dl/dpred_c = -p'_c / q'_c   where pred_c >= eps
 *                0              where pred_c < eps (the clip is flat there)
 *   mean      = sum l / number of positions (samples)
 * }</pre>
 *
 * <p>Inputs: {@code pred} (q) and {@code target} (p), probabilities in [0, 1] of equal shape with
 * the distributions along {@code axis} (1 by default; negative values count from the end). Only
 * {@code pred} is differentiable. The unreduced loss has the shape of {@code pred} without the
 * axis.
 *
 * <p>Numerics: the clip keeps {@code log 0} and division by 0 out, so zeros in either input give
 * finite values and gradients: a zero in p contributes {@code eps log(eps / q')}, a zero in q with
 * {@code p > 0} contributes {@code p' log(p' / eps)} (large but finite) and a zero gradient. Rows
 * are not renormalised.
 *
 * <p>Equals the review's Keras-style code, {@code sum(p * log(p / q), axis)} after {@code p =
 * clip(p, eps, 1)}, {@code q = clip(q, eps, 1)} (Keras {@code KLDivergence} with {@code epsilon =
 * eps}); Keras cannot run here, so the reference values are this formula with PyTorch operations.
 *
 * @see <a href="https://doi.org/10.1214/aoms/1177729694">Kullback and Leibler (1951)</a>
 */
public final class KlLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("kl", Family.DIVERGENCE)
          .name("Kullback-Leibler divergence")
          .summary(
              "KL(p || q) along a class axis of target probabilities p from predicted"
                  + " probabilities q, both clipped to [eps, 1], one value per sample.")
          .formula(
              "l = sum_c p'_c log(p'_c / q'_c) along axis, p' = clip(target, eps, 1), q' ="
                  + " clip(pred, eps, 1)")
          .gradient("dl/dpred_c = -p'_c / q'_c where pred_c >= eps, 0 where pred_c < eps")
          .input(
              "pred",
              "(..., C, ...) with C along axis",
              InputDomain.PROBABILITY,
              true,
              "predicted probabilities q")
          .input("target", "as pred", InputDomain.PROBABILITY, false, "target probabilities p")
          .param(ParamSpec.real("eps", 1e-12, Range.OPEN_UNIT, "lower clip of both inputs"))
          .param(
              ParamSpec.integer(
                  "axis",
                  1,
                  Range.ANY,
                  "the axis of the distributions; negative values count from the end"))
          .traits(Trait.CONVEX)
          .equivalent(
              "keras.losses.KLDivergence() with epsilon = eps (the review's code): sum(p log(p /"
                  + " q), axis) after clipping both to [eps, 1]",
              "")
          .whenToUse(
              "Matching predicted class probabilities to a target distribution (soft labels,"
                  + " distillation on probabilities, distribution regression). It is asymmetric"
                  + " and unbounded where q is near 0 and p is not; prefer kl-div or cross-entropy"
                  + " on logits for stability, and js-div for a symmetric, bounded divergence.")
          .reference(
              "Kullback and Leibler (1951), On information and sufficiency",
              "https://doi.org/10.1214/aoms/1177729694")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review",
              "https://arxiv.org/abs/2504.04242")
          .sampler(KlLoss::sample)
          .tasks(Task.CLASSIFICATION)
          .build(KlLoss::new);

  private final double eps;
  private final long axis;

  private KlLoss(Params p) {
    super(SPEC, p);
    this.eps = p.real("eps");
    this.axis = p.integer("axis");
  }

  @Override
  public int[] check(Tensor[] in) {
    int a = AxisRows.checkAxis(axis, in[0]);
    Shapes.requireSame("target", in[1], "pred", in[0]);
    return Shapes.drop(in[0].shape(), a);
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] q = in[0].data();
    float[] p = in[1].data();
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
        double l = 0;
        for (int c = 0, i = base; c < classes; c++, i += inner) {
          double pc = Math.min(Math.max(p[i], eps), 1);
          double qc = Math.min(Math.max(q[i], eps), 1);
          l += pc * Math.log(pc / qc);
          if (g != null) {
            g[i] = q[i] < eps ? 0f : (float) (-scale * pc / qc);
          }
        }
        sum += l;
        if (values != null) {
          values[o * inner + j] = (float) l;
        }
      }
    }
    return sum;
  }

  /** Pairs of distributions along the parameter's axis; see {@link AxisRows#sampleShape}. */
  private static Tensor[] sample(Params params, SplittableRandom r, int n) {
    long axis = params.integer("axis");
    int[] shape = AxisRows.sampleShape(r, axis, n);
    int a = AxisRows.resolve(axis, shape.length);
    return new Tensor[] {AxisRows.simplex(r, shape, a), AxisRows.simplex(r, shape, a)};
  }
}

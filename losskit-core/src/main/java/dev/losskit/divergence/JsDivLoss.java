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
 * Jensen-Shannon divergence between a predicted and a target distribution along a class axis: a
 * symmetric, bounded (by log 2) divergence for comparing distributions that may have disjoint
 * support.
 *
 * <pre>{@code
 * one value per position of every axis except the distribution axis (axis);
 * q = pred, p = target, m = (p + q) / 2, natural log, 0 log 0 = 0:
 *   l          = 1/2 sum_c p_c log(p_c / m_c) + 1/2 sum_c q_c log(q_c / m_c)
 *   dl/dpred_c = 1/2 log(q_c / m_c) = 1/2 log(2 q_c / (p_c + q_c))
 *                (at q_c = 0 taken at q_c = 1.18e-38, see below)
 *   mean       = sum l / number of positions (samples)
 * }</pre>
 *
 * <p>Inputs: {@code pred} (q) and {@code target} (p), probabilities in [0, 1] of equal shape with
 * the distributions along {@code axis} (1 by default; negative values count from the end). Only
 * {@code pred} is differentiable. The unreduced loss has the shape of {@code pred} without the
 * axis. For distributions (entries summing to 1) each value lies in [0, log 2].
 *
 * <p>Numerics: terms with a zero probability are 0, so zeros in either input give finite values.
 * The derivative {@code 1/2 log(2 q / (p + q))} tends to minus infinity as {@code q -> 0} with
 * {@code p > 0}; where {@code q = 0} it is taken at {@code q = 1.18e-38} (the smallest normal
 * float32): about {@code -43.3 - log(p) / 2}, finite and with the sign of the true one-sided
 * derivative. Where both are 0 it is {@code log(2) / 2}, the exact one-sided derivative (the loss
 * is linear in q there). Normal float32 inputs get the exact derivative.
 *
 * <p>No library has this loss with these semantics; the reference values are the formula written
 * with PyTorch operations.
 *
 * @see <a href="https://doi.org/10.1109/18.61115">Lin (1991), Divergence measures based on the
 *     Shannon entropy</a>
 */
public final class JsDivLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("js-div", Family.DIVERGENCE)
          .name("Jensen-Shannon divergence")
          .summary(
              "Symmetric, bounded divergence between predicted and target distributions along a"
                  + " class axis: the mean of the KL divergences of each from their average.")
          .formula(
              "l = 1/2 sum_c p_c log(p_c / m_c) + 1/2 sum_c q_c log(q_c / m_c), q = pred, p ="
                  + " target, m = (p + q) / 2, 0 log 0 = 0")
          .gradient(
              "dl/dpred_c = 1/2 log(2 q_c / (p_c + q_c)), taken at q_c = 1.18e-38 where q_c = 0")
          .input(
              "pred",
              "(..., C, ...) with C along axis",
              InputDomain.PROBABILITY,
              true,
              "predicted probabilities q")
          .input("target", "as pred", InputDomain.PROBABILITY, false, "target probabilities p")
          .param(
              ParamSpec.integer(
                  "axis",
                  1,
                  Range.ANY,
                  "the axis of the distributions; negative values count from the end"))
          .traits(Trait.CONVEX, Trait.NONNEGATIVE, Trait.BOUNDED, Trait.ZERO_AT_TARGET)
          .whenToUse(
              "Comparing two distributions symmetrically, with a finite value even where their"
                  + " supports differ (the divergence behind the original GAN objective). Its"
                  + " gradient vanishes as the distributions become disjoint (the value saturates"
                  + " at log 2); prefer wasserstein-1d for histograms on ordered bins.")
          .reference(
              "Lin (1991), Divergence measures based on the Shannon entropy",
              "https://doi.org/10.1109/18.61115")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review",
              "https://arxiv.org/abs/2504.04242")
          .sampler(JsDivLoss::sample)
          .tasks(Task.CLASSIFICATION, Task.IMAGE_TO_IMAGE)
          .build(JsDivLoss::new);

  private static final double LOG2 = Math.log(2);

  private final long axis;

  private JsDivLoss(Params p) {
    super(SPEC, p);
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
          double pc = p[i];
          double qc = q[i];
          double s = pc + qc;
          // p log(2p / (p + q)) is 0 where p = 0; where p > 0, p + q > 0.
          if (pc > 0) {
            l += 0.5 * pc * Math.log(2 * pc / s);
          }
          if (qc > 0) {
            l += 0.5 * qc * Math.log(2 * qc / s);
          }
          if (g != null) {
            double qf = Math.max(qc, AxisRows.LOG_FLOOR);
            g[i] = (float) (scale * 0.5 * (LOG2 + Math.log(qf) - Math.log(pc + qf)));
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

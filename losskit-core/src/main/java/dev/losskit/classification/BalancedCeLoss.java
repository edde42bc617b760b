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
 * Class-balanced binary cross-entropy (HED): each term of the BCE weighted by the frequency of the
 * other class in the batch, for heavily imbalanced binary targets such as edge or boundary maps.
 *
 * <pre>{@code
 * beta  = 1 - mean(t)        (the fraction of negatives in the batch; a constant, no gradient)
 * l     = -beta t max(log p, -100) - (1 - beta) (1 - t) max(log(1 - p), -100)
 * dl/dp = (-beta t (1 - p) + (1 - beta) (1 - t) p) / max((1 - p) p, 1e-12)
 *       = -beta t / p + (1 - beta) (1 - t) / (1 - p)      where (1 - p) p >= 1e-12
 * }</pre>
 *
 * <p>Inputs: {@code pred} p, probabilities in [0, 1], any shape; {@code target} t in [0, 1] (binary
 * labels, or soft labels whose mean gives beta), the shape of {@code pred}. beta is computed over
 * the whole batch, every element of {@code target}; the mean divides by the number of elements.
 *
 * <p>Numerical notes: the logarithms are clamped at -100 and the gradient's denominator floored at
 * 1e-12, exactly as {@code bce} (PyTorch's {@code binary_cross_entropy}) does, so p of exactly 0 or
 * 1 gives finite values and gradients; for binary targets the loss equals {@code bce} with weights
 * {@code beta t + (1 - beta)(1 - t)}, values and gradients alike.
 *
 * <p>Equals the catalogue formula; no library has it (the reference values are that formula written
 * with PyTorch operations).
 *
 * @see <a href="https://arxiv.org/abs/1504.06375">Xie and Tu (2015), Holistically-nested edge
 *     detection</a>
 */
public final class BalancedCeLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.elementwise("balanced-ce", Family.CLASSIFICATION)
          .domain("pred", InputDomain.PROBABILITY)
          .domain("target", InputDomain.PROBABILITY)
          .name("Class-balanced cross-entropy")
          .summary(
              "Binary cross-entropy whose positive and negative terms are weighted by the fraction of"
                  + " negatives and positives in the batch.")
          .formula(
              "l = -beta t max(log p, -100) - (1 - beta)(1 - t) max(log(1 - p), -100),"
                  + " beta = 1 - mean(target) over the batch")
          .gradient(
              "dl/dpred = (-beta t (1 - p) + (1 - beta)(1 - t) p) / max((1 - p) p, 1e-12), beta held constant")
          .traits(Trait.CONVEX, Trait.SMOOTH, Trait.NONNEGATIVE)
          .equivalent("", "")
          .whenToUse(
              "Binary targets with a strong imbalance that varies from batch to batch, such as edge,"
                  + " boundary or thin-structure maps where positives are a few percent of pixels."
                  + " beta depends on the batch, so the loss of one sample changes with its batch mates.")
          .reference(
              "Xie and Tu (2015), Holistically-nested edge detection, ICCV",
              "https://arxiv.org/abs/1504.06375")
          .sampler((p, r, n) -> new Tensor[] {Samples.probabilities(r, n), Samples.binary(r, n)})
          .tasks(Task.CLASSIFICATION, Task.SEGMENTATION)
          .build(BalancedCeLoss::new);

  private BalancedCeLoss(Params p) {
    super(SPEC, p);
  }

  @Override
  public int[] check(Tensor[] in) {
    Shapes.requireSame("target", in[1], "pred", in[0]);
    return in[0].shape();
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] p = in[0].data();
    float[] t = in[1].data();
    float[] g = grads == null ? null : grads[0];
    double beta = beta(t);
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      double pi = p[i];
      double ti = t[i];
      double pos = beta * ti;
      double neg = (1 - beta) * (1 - ti);
      double l =
          -pos * Math.max(Math.log(pi), BceLoss.LOG_FLOOR)
              - neg * Math.max(Math.log1p(-pi), BceLoss.LOG_FLOOR);
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        g[i] =
            (float)
                (scale * (neg * pi - pos * (1 - pi)) / Math.max((1 - pi) * pi, BceLoss.EPSILON));
      }
    }
    return sum;
  }

  /** 1 - mean(t): the fraction of negatives; 1/2 for an empty batch (which has no terms anyway). */
  private static double beta(float[] t) {
    if (t.length == 0) {
      return 0.5;
    }
    double s = 0;
    for (float v : t) {
      s += v;
    }
    return 1 - s / t.length;
  }
}

package dev.losskit.classification;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Shapes;
import dev.losskit.SplittableLoss;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Samples;
import dev.losskit.internal.vectorization.Vectorization;

/**
 * Binary cross-entropy on probabilities: the negative log-likelihood of Bernoulli targets, for
 * models whose output already went through a sigmoid (prefer {@code bce-with-logits} otherwise).
 *
 * <pre>{@code
 * l       = -w (t max(log p, -100) + (1 - t) max(log(1 - p), -100))
 * dl/dp   = w (p - t) / max((1 - p) p, 1e-12)
 * }</pre>
 *
 * <p>Inputs: {@code pred} p, probabilities in [0, 1], any shape; {@code target} t in [0, 1] (hard
 * or soft labels), the shape of {@code pred}; optional {@code weight} w, non-negative, of the shape
 * of {@code pred} or of any shape that broadcasts to it ({@code (C)} for {@code (N, C)}, {@code (C,
 * 1, 1)} for {@code (N, C, H, W)}, a scalar). The mean divides by the number of elements, whatever
 * the weights.
 *
 * <p>Numerical notes: both logarithms are clamped at -100, so p of exactly 0 or 1 gives finite
 * values (at most 100 w). The gradient is PyTorch's backward formula: the exact derivative wherever
 * {@code (1 - p) p >= 1e-12}, and with that denominator floored at 1e-12 elsewhere, so that p of
 * exactly 0 or 1 gives a finite gradient ({@code -w t 1e12} at p = 0, {@code w (1 - t) 1e12} at p =
 * 1) that still points towards the target.
 *
 * <p>Equals {@code torch.nn.functional.binary_cross_entropy(pred, target, weight=weight)}, value
 * and gradient, including p of exactly 0 and 1.
 *
 * @see <a href="https://doi.org/10.1111/j.2517-6161.1958.tb00292.x">Cox (1958), The regression
 *     analysis of binary sequences</a>
 */
public final class BceLoss extends AbstractLoss implements SplittableLoss {
  public static final LossSpec SPEC =
      LossSpec.elementwise("bce", Family.CLASSIFICATION)
          .domain("pred", InputDomain.PROBABILITY)
          .domain("target", InputDomain.PROBABILITY)
          .optionalInput(
              "weight",
              "broadcasts to pred: (*), (C) for (N, C), ...",
              InputDomain.NONNEGATIVE,
              false,
              "per-element rescaling weights")
          .name("Binary cross-entropy")
          .summary(
              "The negative Bernoulli log-likelihood of targets in [0, 1] under predicted probabilities.")
          .formula(
              "l = -w (t max(log p, -100) + (1 - t) max(log(1 - p), -100)), p = pred, t = target")
          .gradient("dl/dpred = w (p - t) / max((1 - p) p, 1e-12)")
          .traits(Trait.CONVEX, Trait.SMOOTH, Trait.NONNEGATIVE)
          .equivalent(
              "torch.nn.functional.binary_cross_entropy(pred, target, weight=weight)", "pytorch")
          .whenToUse(
              "Binary and multi-label classification, and binary masks, when the model already outputs"
                  + " probabilities; on logits use bce-with-logits, which is stabler and saturates less."
                  + " Sensitive to class imbalance: weight the classes, or use balanced-ce or focal.")
          .aliases("log-loss")
          .reference(
              "Cox (1958), The regression analysis of binary sequences",
              "https://doi.org/10.1111/j.2517-6161.1958.tb00292.x")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review",
              "https://arxiv.org/abs/2504.04242")
          .sampler(
              (p, r, n) ->
                  new Tensor[] {Samples.probabilities(r, n), Samples.uniform(r, 0, 1, n), null})
          .build(BceLoss::new);

  /** PyTorch's floor on (1 - p) p in the gradient. */
  static final double EPSILON = 1e-12;

  /** PyTorch's clamp on each logarithm. */
  static final double LOG_FLOOR = -100;

  private BceLoss(Params p) {
    super(SPEC, p);
  }

  @Override
  public int[] check(Tensor[] in) {
    Shapes.requireSame("target", in[1], "pred", in[0]);
    if (in[2] != null) {
      WeightBroadcast.check("weight", in[2], "pred", in[0]);
    }
    return in[0].shape();
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    return computeRange(in, values, grads, scale, 0, in[0].size());
  }

  @Override
  public double computeRange(
      Tensor[] in, float[] values, float[][] grads, double scale, int from, int to) {
    float[] p = in[0].data();
    float[] t = in[1].data();
    float[] g = grads == null ? null : grads[0];
    if (in[2] == null) {
      return Vectorization.kernels().bce(p, t, LOG_FLOOR, EPSILON, values, g, scale, from, to);
    }
    // Weights broadcast from a smaller shape: the scalar loop.
    float[] w = in[2].data();
    WeightBroadcast wb = WeightBroadcast.of(in[2], in[0]);
    double sum = 0;
    for (int i = from; i < to; i++) {
      double pi = p[i];
      double ti = t[i];
      double wi = w[wb.index(i)];
      double l =
          -wi
              * (ti * Math.max(Math.log(pi), LOG_FLOOR)
                  + (1 - ti) * Math.max(Math.log1p(-pi), LOG_FLOOR));
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        g[i] = (float) (scale * wi * (pi - ti) / Math.max((1 - pi) * pi, EPSILON));
      }
    }
    return sum;
  }
}

package dev.losskit.classification;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Shapes;
import dev.losskit.SplittableLoss;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.TwiceDifferentiable;
import dev.losskit.internal.Numerics;
import dev.losskit.internal.Samples;
import dev.losskit.internal.vectorization.Vectorization;

/**
 * Binary cross-entropy on logits (logistic loss): the negative Bernoulli log-likelihood of targets
 * under sigmoid(logit), computed stably; the standard loss for binary and multi-label outputs.
 *
 * <pre>{@code
 * x = pred (logit), t = target, w = weight (1 if absent), q = pos-weight (1 if absent)
 * l          = w (q t softplus(-x) + (1 - t) softplus(x))
 *            = -w (q t log sigmoid(x) + (1 - t) log(1 - sigmoid(x)))
 * dl/dx      = w ((1 - t) sigmoid(x) - q t sigmoid(-x))  = w ((q t + 1 - t) sigmoid(x) - q t)
 * d2l/dx2    = w (q t + 1 - t) sigmoid(x) sigmoid(-x)
 * }</pre>
 *
 * <p>Inputs: {@code pred}, finite logits of any shape; {@code target} in [0, 1], the shape of
 * {@code pred}; optional {@code weight} (per-element rescaling) and {@code pos-weight} (weight of
 * the positive term, typically one per class: shape {@code (C)} for {@code pred} of shape {@code
 * (..., C)}), both non-negative and of any shape that broadcasts to {@code pred}'s, as in PyTorch.
 * The mean divides by the number of elements.
 *
 * <p>Numerical notes: {@code softplus(x) = max(x, 0) + log1p(exp(-|x|))} never overflows; the loss
 * is a sum of two non-negative terms and the gradient a difference of two sigmoids computed each
 * without cancellation, so logits of +/-1000 give exact values and gradients.
 *
 * <p>Equals {@code torch.nn.functional.binary_cross_entropy_with_logits(pred, target,
 * weight=weight, pos_weight=pos_weight)}.
 *
 * @see <a href="https://doi.org/10.1111/j.2517-6161.1958.tb00292.x">Cox (1958), The regression
 *     analysis of binary sequences</a>
 */
public final class BceWithLogitsLoss extends AbstractLoss
    implements SplittableLoss, TwiceDifferentiable {
  public static final LossSpec SPEC =
      LossSpec.elementwise("bce-with-logits", Family.CLASSIFICATION)
          .domain("target", InputDomain.PROBABILITY)
          .optionalInput(
              "weight",
              "broadcasts to pred: (*), (C) for (N, C), ...",
              InputDomain.NONNEGATIVE,
              false,
              "per-element rescaling weights")
          .optionalInput(
              "pos-weight",
              "broadcasts to pred: (C) for (..., C), or (*)",
              InputDomain.NONNEGATIVE,
              false,
              "weight of the positive term, per class")
          .name("Binary cross-entropy with logits")
          .summary(
              "The negative Bernoulli log-likelihood of targets in [0, 1] under sigmoid(logits), computed"
                  + " stably from the logits.")
          .formula(
              "l = w (q t softplus(-x) + (1 - t) softplus(x)), x = pred, t = target, q = pos-weight")
          .gradient(
              "dl/dpred = w ((q t + 1 - t) sigmoid(x) - q t);"
                  + " d2l/dpred2 = w (q t + 1 - t) sigmoid(x) (1 - sigmoid(x))")
          .traits(Trait.CONVEX, Trait.SMOOTH, Trait.NONNEGATIVE, Trait.HESSIAN)
          .equivalent(
              "torch.nn.functional.binary_cross_entropy_with_logits(pred, target, weight=weight,"
                  + " pos_weight=pos_weight)",
              "pytorch")
          .whenToUse(
              "Binary and multi-label classification, binary segmentation masks, objectness scores and"
                  + " logistic regression, on raw logits; pos-weight counters class imbalance. It gives"
                  + " easy examples the same attention as hard ones; sigmoid-focal down-weights them.")
          .aliases("logistic", "logistic-regression")
          .reference(
              "Cox (1958), The regression analysis of binary sequences",
              "https://doi.org/10.1111/j.2517-6161.1958.tb00292.x")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review",
              "https://arxiv.org/abs/2504.04242")
          .sampler(
              (p, r, n) ->
                  new Tensor[] {
                    Samples.normal(r, 2, n), BinarySampling.mixedTargets(r, n), null, null
                  })
          .tasks(Task.CLASSIFICATION, Task.DETECTION, Task.SEGMENTATION, Task.TABULAR)
          .build(BceWithLogitsLoss::new);

  private BceWithLogitsLoss(Params p) {
    super(SPEC, p);
  }

  @Override
  public int[] check(Tensor[] in) {
    Shapes.requireSame("target", in[1], "pred", in[0]);
    if (in[2] != null) {
      WeightBroadcast.check("weight", in[2], "pred", in[0]);
    }
    if (in[3] != null) {
      WeightBroadcast.check("pos-weight", in[3], "pred", in[0]);
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
    float[] x = in[0].data();
    float[] t = in[1].data();
    float[] g = grads == null ? null : grads[0];
    if (in[2] == null && in[3] == null) {
      return Vectorization.kernels().bceWithLogits(x, t, false, values, g, scale, from, to);
    }
    // Weights broadcast from smaller shapes: the scalar loop.
    float[] w = in[2] == null ? null : in[2].data();
    float[] q = in[3] == null ? null : in[3].data();
    WeightBroadcast wb = w == null ? null : WeightBroadcast.of(in[2], in[0]);
    WeightBroadcast qb = q == null ? null : WeightBroadcast.of(in[3], in[0]);
    double sum = 0;
    for (int i = from; i < to; i++) {
      double xi = x[i];
      double ti = t[i];
      double wi = w == null ? 1 : w[wb.index(i)];
      double qt = q == null ? ti : q[qb.index(i)] * ti;
      double l = wi * (qt * Numerics.softplus(-xi) + (1 - ti) * Numerics.softplus(xi));
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        double d = (1 - ti) * Numerics.sigmoid(xi) - qt * Numerics.sigmoid(-xi);
        g[i] = (float) (scale * wi * d);
      }
    }
    return sum;
  }

  @Override
  public void secondDerivative(Tensor[] in, float[] out) {
    float[] x = in[0].data();
    float[] t = in[1].data();
    float[] w = in[2] == null ? null : in[2].data();
    float[] q = in[3] == null ? null : in[3].data();
    WeightBroadcast wb = w == null ? null : WeightBroadcast.of(in[2], in[0]);
    WeightBroadcast qb = q == null ? null : WeightBroadcast.of(in[3], in[0]);
    for (int i = 0; i < x.length; i++) {
      double xi = x[i];
      double ti = t[i];
      double wi = w == null ? 1 : w[wb.index(i)];
      double qt = q == null ? ti : q[qb.index(i)] * ti;
      out[i] = (float) (wi * (qt + 1 - ti) * Numerics.sigmoid(xi) * Numerics.sigmoid(-xi));
    }
  }
}

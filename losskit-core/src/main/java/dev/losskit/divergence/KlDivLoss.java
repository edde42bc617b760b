package dev.losskit.divergence;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.SplittableLoss;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Elementwise;
import dev.losskit.internal.Samples;
import dev.losskit.internal.vectorization.Vectorization;
import java.util.SplittableRandom;

/**
 * Pointwise Kullback-Leibler divergence of a target distribution from predicted log-probabilities,
 * as PyTorch's {@code kl_div}: the loss of fitting a distribution (knowledge distillation, label
 * distributions, variational objectives) when the model outputs log-probabilities.
 *
 * <pre>{@code
 * x = pred (log-probabilities), t = target
 * log-target = false (t probabilities):
 *   l      = t (log t - x),  0 where t = 0
 *   dl/dx  = -t
 *   dl/dt  = log t + 1 - x   (at t = 0: log(LOG_FLOOR) + 1 - x, see below)
 * log-target = true (t log-probabilities):
 *   l      = exp(t) (t - x)
 *   dl/dx  = -exp(t)
 *   dl/dt  = exp(t) (t - x + 1)
 * reductions: mean divides by the number of elements, batchmean by pred's first dimension
 * }</pre>
 *
 * <p>Inputs: {@code pred}, log-probabilities (finite, at most 0) of any shape; {@code target} of
 * the same shape: non-negative values (probabilities; neither capped at 1 nor required to sum to 1,
 * as in PyTorch) or, with {@code log-target}, log-probabilities (finite, at most 0). Both are
 * differentiable. The unreduced loss has the shape of {@code pred}; the sum over a distribution's
 * entries is KL(target || exp(pred)). Only {@code batchmean} gives the true KL divergence per
 * sample; {@code mean} (PyTorch's default) divides by the number of elements.
 *
 * <p>Numerics: everything in double. The target gradient {@code log t + 1 - x} diverges at {@code t
 * = 0}, where PyTorch 1.13 returns NaN (its {@code xlogy} backward divides 0 by 0); here it is
 * taken at {@code t = 1.18e-38} (the smallest normal float32), a finite value of about {@code -86.3
 * - x} with the sign of the true one-sided derivative. With {@code log-target}, {@code exp(t)}
 * underflows to 0 for very negative {@code t}, which gives the exact limits 0.
 *
 * <p>Equals {@code torch.nn.functional.kl_div(pred, target, reduction=reduction,
 * log_target=log-target)} of PyTorch 1.13 in value and in both gradients, except the target
 * gradient at {@code t = 0} (NaN in PyTorch, finite here).
 *
 * @see <a href="https://doi.org/10.1214/aoms/1177729694">Kullback and Leibler (1951)</a>
 */
public final class KlDivLoss extends AbstractLoss implements SplittableLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("kl-div", Family.DIVERGENCE)
          .name("Kullback-Leibler divergence (PyTorch kl_div)")
          .summary(
              "Pointwise t (log t - pred) of target probabilities t against predicted"
                  + " log-probabilities, as torch.nn.functional.kl_div; with batchmean, the KL"
                  + " divergence per sample.")
          .formula(
              "l = t (log t - pred), 0 where t = 0; with log-target, l = exp(t) (t - pred); t ="
                  + " target")
          .gradient(
              "dl/dpred = -t, dl/dt = log t + 1 - pred (taken at t = 1.18e-38 where t = 0); with"
                  + " log-target, dl/dpred = -exp(t), dl/dt = exp(t) (t - pred + 1)")
          .input("pred", "(*)", InputDomain.LOG_PROBABILITY, true, "predicted log-probabilities")
          .input(
              "target",
              "(*), as pred",
              InputDomain.REAL,
              true,
              "target probabilities (non-negative), or log-probabilities (at most 0) with"
                  + " log-target")
          .param(
              ParamSpec.bool(
                  "log-target", false, "target holds log-probabilities instead of probabilities"))
          .batchmean()
          .traits(Trait.CONVEX, Trait.SMOOTH)
          .equivalent(
              "torch.nn.functional.kl_div(pred, target, reduction=reduction,"
                  + " log_target=log_target)",
              "pytorch")
          .whenToUse(
              "Matching a predicted distribution (log-softmax output) to a target distribution:"
                  + " knowledge distillation, soft labels, variational objectives. Use reduction"
                  + " batchmean for the KL divergence per sample (PyTorch's mean divides by the"
                  + " number of elements); it is asymmetric and mode-covering in the target, and"
                  + " the inputs must be log-probabilities, not logits.")
          .reference(
              "Kullback and Leibler (1951), On information and sufficiency",
              "https://doi.org/10.1214/aoms/1177729694")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review",
              "https://arxiv.org/abs/2504.04242")
          .sampler(KlDivLoss::sample)
          .build(KlDivLoss::new);

  private final boolean logTarget;

  private KlDivLoss(Params p) {
    super(SPEC, p);
    this.logTarget = p.bool("log-target");
  }

  @Override
  public int[] check(Tensor[] in) {
    int[] shape = Elementwise.check(SPEC, in);
    float[] t = in[1].data();
    for (int i = 0; i < t.length; i++) {
      if (logTarget ? t[i] > 0 : t[i] < 0) {
        throw new IllegalArgumentException(
            "target: expected "
                + (logTarget
                    ? "log-probabilities (at most 0) with log-target = true"
                    : "non-negative probabilities with log-target = false")
                + ", found "
                + t[i]
                + " at index "
                + i);
      }
    }
    return shape;
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    return computeRange(in, values, grads, scale, 0, in[0].size());
  }

  @Override
  public double computeRange(
      Tensor[] in, float[] values, float[][] grads, double scale, int from, int to) {
    float[] gx = grads == null ? null : grads[0];
    float[] gt = grads == null ? null : grads[1];
    return Vectorization.kernels()
        .klDiv(in[0].data(), in[1].data(), logTarget, values, gx, gt, scale, from, to);
  }

  /**
   * Log-probabilities and targets in (n, c) with c in 1 to 3, every probability in [0.02, 0.98]:
   * pred at most log 0.98, away from the domain edge 0.
   */
  private static Tensor[] sample(Params params, SplittableRandom r, int n) {
    int[] shape = {n, 1 + r.nextInt(3)};
    float[] x = Samples.probabilities(r, shape).data();
    float[] t = Samples.probabilities(r, shape).data();
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.log(x[i]);
      if (params.bool("log-target")) {
        t[i] = (float) Math.log(t[i]);
      }
    }
    return new Tensor[] {Tensor.of(x, shape), Tensor.of(t, shape)};
  }
}

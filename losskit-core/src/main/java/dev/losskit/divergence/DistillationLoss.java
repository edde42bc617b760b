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

/**
 * Knowledge-distillation loss: the temperature-softened KL divergence of the teacher's class
 * distribution from the student's, scaled by T^2 so that its gradient keeps its size as T changes;
 * for training a small student network on a larger teacher's soft targets.
 *
 * <pre>{@code
 * s = pred (student logits), t = target (teacher logits), T = temperature,
 * softmax over dim 1 (the class axis):
 *   q = softmax(s / T),  p = softmax(t / T)
 *   l_n        = T^2 sum_{c, d1, ..., dk} p (log p - log q)      (one value per sample n)
 *   dl/dpred   = T (q - p)
 *   mean       = sum l / N
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target}, finite logits of equal shape {@code (N, C)} or {@code
 * (N, C, d1, ..., dk)}; only {@code pred} (the student) is differentiable. The unreduced loss has
 * shape {@code (N)}: for spatial inputs the divergences of every position of a sample are summed,
 * as PyTorch's {@code batchmean} does.
 *
 * <p>Numerics: {@code log q} and {@code log p} are computed as {@code x / T - logsumexp(x / T)}
 * with the row maximum subtracted before exponentiating, so logits of any finite magnitude give
 * finite values and gradients; a teacher probability that underflows to 0 contributes exactly 0.
 *
 * <p>Equals {@code T * T * torch.nn.functional.kl_div(F.log_softmax(pred / T, 1), F.softmax(target
 * / T, 1), reduction='batchmean')} (the mean; the unreduced values are the per-sample sums of the
 * same pointwise terms).
 *
 * @see <a href="https://arxiv.org/abs/1503.02531">Hinton, Vinyals and Dean (2015), Distilling the
 *     knowledge in a neural network</a>
 */
public final class DistillationLoss extends AbstractLoss {
  private static final int[][] SPATIAL = {{}, {}, {3}, {2, 2}};

  public static final LossSpec SPEC =
      LossSpec.builder("distillation", Family.DIVERGENCE)
          .name("Knowledge distillation")
          .summary(
              "T^2 times the KL divergence of the teacher's softened class distribution from the"
                  + " student's, per sample (Hinton et al. 2015).")
          .formula(
              "l = T^2 sum_c p_c (log p_c - log q_c), p = softmax(target / T), q = softmax(pred /"
                  + " T) over dim 1, summed over the positions of a sample")
          .gradient("dl/dpred_c = T (q_c - p_c)")
          .input("pred", "(N, C, d1, ..., dk)", InputDomain.REAL, true, "student logits")
          .input("target", "as pred", InputDomain.REAL, false, "teacher logits")
          .param(
              ParamSpec.real(
                  "temperature",
                  4.0,
                  Range.POSITIVE,
                  "softens both distributions; the loss is scaled by its square"))
          .traits(Trait.CONVEX, Trait.SMOOTH, Trait.NONNEGATIVE, Trait.ZERO_AT_TARGET)
          .whenToUse(
              "Training a student network on a teacher's soft targets, usually added to the"
                  + " student's cross-entropy on the true labels; a higher temperature transfers"
                  + " more of the teacher's knowledge about wrong classes. It needs the teacher's"
                  + " logits (not probabilities), and the temperature is a hyperparameter to tune.")
          .reference(
              "Hinton, Vinyals and Dean (2015), Distilling the knowledge in a neural network",
              "https://arxiv.org/abs/1503.02531")
          .sampler(
              (p, r, n) -> {
                int classes = 2 + r.nextInt(5);
                int[] spatial = SPATIAL[r.nextInt(SPATIAL.length)];
                int[] shape = new int[2 + spatial.length];
                shape[0] = n;
                shape[1] = classes;
                System.arraycopy(spatial, 0, shape, 2, spatial.length);
                return new Tensor[] {Samples.normal(r, 2, shape), Samples.normal(r, 2, shape)};
              })
          .tasks(Task.CLASSIFICATION, Task.DETECTION)
          .build(DistillationLoss::new);

  private final double temperature;

  private DistillationLoss(Params p) {
    super(SPEC, p);
    this.temperature = p.real("temperature");
  }

  @Override
  public int[] check(Tensor[] in) {
    Shapes.requireMinRank("pred", in[0], 2, "(N, C, d1, ..., dk)");
    Shapes.requireSame("target", in[1], "pred", in[0]);
    return new int[] {in[0].dim(0)};
  }

  /** logsumexp of {@code x / T} over one row (classes entries from base, stride inner). */
  private static double scaledLogSumExp(float[] x, int base, int inner, int classes, double invT) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0, i = base; c < classes; c++, i += inner) {
      max = Math.max(max, x[i] * invT);
    }
    double z = 0;
    for (int c = 0, i = base; c < classes; c++, i += inner) {
      z += Math.exp(x[i] * invT - max);
    }
    return max + Math.log(z);
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] s = in[0].data();
    float[] t = in[1].data();
    float[] g = grads == null ? null : grads[0];
    int[] shape = in[0].shape();
    int outer = shape[0];
    int classes = shape[1];
    int inner = Shapes.size(shape, 2, shape.length);
    double invT = 1 / temperature;
    double t2 = temperature * temperature;
    double sum = 0;
    for (int n = 0; n < outer; n++) {
      double ln = 0;
      for (int j = 0; j < inner; j++) {
        int base = n * classes * inner + j;
        double lseS = classes == 0 ? 0 : scaledLogSumExp(s, base, inner, classes, invT);
        double lseT = classes == 0 ? 0 : scaledLogSumExp(t, base, inner, classes, invT);
        double row = 0;
        for (int c = 0, i = base; c < classes; c++, i += inner) {
          double logQ = s[i] * invT - lseS;
          double logP = t[i] * invT - lseT;
          double pc = Math.exp(logP);
          row += pc * (logP - logQ);
          if (g != null) {
            g[i] = (float) (scale * temperature * (Math.exp(logQ) - pc));
          }
        }
        ln += row;
      }
      ln *= t2;
      sum += ln;
      if (values != null) {
        values[n] = (float) ln;
      }
    }
    return sum;
  }
}

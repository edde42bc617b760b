package dev.losskit.divergence;

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
 * Wasserstein-1 (earth mover's) distance between two histograms on the same ordered, unit-width
 * bins: the L1 distance of their cumulative sums, for comparing distributions over ordered values
 * (ages, ratings, intensities) where a near miss should cost less than a far one.
 *
 * <pre>{@code
 * one value per histogram (every axis but the last, the bins b = 0 .. B-1):
 *   F_k = sum_{b <= k} pred_b,  G_k = sum_{b <= k} target_b,  d_k = F_k - G_k
 *   l          = sum_{k=0}^{B-1} |d_k|
 *   dl/dpred_b = sum_{k >= b} sign(d_k)        (sign(0) = 0)
 *   mean       = sum l / number of histograms
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target}, non-negative masses of equal shape {@code (N, B)} or
 * {@code (B)} (or {@code (..., B)}: the bins along the last axis); only {@code pred} is
 * differentiable. The unreduced loss has the shape without the bin axis. Histograms are not
 * normalised: for histograms of equal total mass the last term {@code |d_{B-1}|} is zero and the
 * value is the Wasserstein-1 distance; for unequal masses it adds the difference of the totals.
 *
 * <p>Numerics: the cumulative sums are accumulated in double in bin order. The loss has kinks where
 * {@code d_k = 0}; there the gradient uses sign(0) = 0, as PyTorch's {@code abs}. For two
 * normalised float32 histograms {@code d_{B-1}} is 0 only up to rounding, so its sign adds the same
 * {@code +1}, {@code -1} or 0 to every bin's gradient: a shift that leaves the direction within the
 * simplex (and any softmax parametrisation) unchanged.
 *
 * <p>Equals {@code scipy.stats.wasserstein_distance(range(B), range(B), pred, target)} for
 * normalised histograms (scipy normalises its weights); the reference values are the formula
 * written with PyTorch operations, cross-checked against scipy.
 *
 * @see <a href="https://doi.org/10.1023/A:1026543900054">Rubner, Tomasi and Guibas (2000), The
 *     earth mover's distance as a metric for image retrieval</a>
 */
public final class Wasserstein1dLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("wasserstein-1d", Family.DIVERGENCE)
          .name("Wasserstein-1 distance of histograms")
          .summary(
              "Earth mover's distance between two histograms on the same unit-width bins: the"
                  + " L1 distance between their cumulative sums.")
          .formula("l = sum_k |F_k - G_k|, F, G = cumulative sums of pred and target over the bins")
          .gradient("dl/dpred_b = sum_{k >= b} sign(F_k - G_k), sign(0) = 0")
          .input(
              "pred",
              "(N, B) or (B), bins along the last axis",
              InputDomain.NONNEGATIVE,
              true,
              "predicted histogram (masses per bin)")
          .input("target", "as pred", InputDomain.NONNEGATIVE, false, "target histogram")
          .traits(Trait.CONVEX, Trait.NONNEGATIVE, Trait.ZERO_AT_TARGET, Trait.ROBUST)
          .whenToUse(
              "Comparing distributions over ordered bins (ordinal labels, age or rating"
                  + " histograms, intensity histograms), where mass moved to a near bin should"
                  + " cost less than mass moved far; unlike KL it stays informative for"
                  + " non-overlapping histograms. Only for one-dimensional, equally spaced bins.")
          .reference(
              "Rubner, Tomasi and Guibas (2000), The earth mover's distance as a metric for image"
                  + " retrieval",
              "https://doi.org/10.1023/A:1026543900054")
          .reference(
              "Hou, Yu and Samaras (2016), Squared earth mover's distance-based loss for training"
                  + " deep neural networks",
              "https://arxiv.org/abs/1611.05916")
          .sampler(
              (p, r, n) -> {
                // Unnormalised masses: the totals differ, which keeps the last term off its kink.
                int bins = 2 + r.nextInt(7);
                return new Tensor[] {
                  Samples.uniform(r, 0.05, 1, n, bins), Samples.uniform(r, 0.05, 1, n, bins)
                };
              })
          .tasks(Task.CLASSIFICATION)
          .build(Wasserstein1dLoss::new);

  private Wasserstein1dLoss(Params p) {
    super(SPEC, p);
  }

  @Override
  public int[] check(Tensor[] in) {
    Shapes.requireMinRank("pred", in[0], 1, "(N, B) or (B)");
    Shapes.requireSame("target", in[1], "pred", in[0]);
    return Shapes.drop(in[0].shape(), in[0].rank() - 1);
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] p = in[0].data();
    float[] t = in[1].data();
    float[] g = grads == null ? null : grads[0];
    int bins = in[0].dim(-1);
    int rows =
        bins == 0 ? Shapes.size(Shapes.drop(in[0].shape(), in[0].rank() - 1)) : p.length / bins;
    double sum = 0;
    for (int row = 0; row < rows; row++) {
      int base = row * bins;
      double cp = 0;
      double ct = 0;
      double l = 0;
      for (int b = base; b < base + bins; b++) {
        cp += p[b];
        ct += t[b];
        double d = cp - ct;
        l += Math.abs(d);
        if (g != null) {
          g[b] = (float) Math.signum(d);
        }
      }
      if (g != null) {
        // Suffix sums of the signs (whole numbers, exact in float), then the scale.
        float acc = 0;
        for (int b = base + bins - 1; b >= base; b--) {
          acc += g[b];
          g[b] = (float) (scale * acc);
        }
      }
      sum += l;
      if (values != null) {
        values[row] = (float) l;
      }
    }
    return sum;
  }
}

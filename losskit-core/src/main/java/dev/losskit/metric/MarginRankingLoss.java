package dev.losskit.metric;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.SplittableLoss;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Elementwise;
import dev.losskit.internal.Samples;
import dev.losskit.internal.vectorization.Vectorization;

/**
 * Margin ranking loss: a hinge on the score difference of two items, asking the one the label
 * prefers to score higher by a margin; for learning to rank from pairwise preferences.
 *
 * <pre>{@code
 * l = max(0, -y (x1 - x2) + margin)        y = 1: x1 should rank higher; y = -1: x2 should
 * dl/dx1 = -y,  dl/dx2 = y                  where -y (x1 - x2) + margin >= 0, else 0
 * }</pre>
 *
 * <p>Inputs: scores {@code x1} and {@code x2} and labels {@code label} in {-1, +1}, all of the same
 * shape (elementwise), finite. Gradients for {@code x1} and {@code x2}. The unreduced loss has the
 * shape of {@code x1}; {@code mean} divides by the number of elements.
 *
 * <p>Numerics: the Vector API kernel forms {@code y (x2 - x1) + margin} in float, as PyTorch does
 * (accurate relative to the scores), the scalar kernel in double; sums are in double. At the kink
 * ({@code -y (x1 - x2) + margin = 0}) the gradient is that of the active side, as PyTorch's {@code
 * clamp_min} gives it.
 *
 * <p>Equals {@code torch.nn.functional.margin_ranking_loss(x1, x2, label, margin=margin)}.
 *
 * @see <a href="https://doi.org/10.1049/cp:19991091">Herbrich, Graepel and Obermayer (1999)</a>
 */
public final class MarginRankingLoss extends AbstractLoss implements SplittableLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("margin-ranking", Family.METRIC)
          .name("Margin ranking")
          .summary(
              "Hinge on the score difference of a pair: the item the label prefers must score"
                  + " higher by a margin.")
          .formula("l = max(0, -y (x1 - x2) + margin), y in {-1, +1}")
          .gradient("dl/dx1 = -y, dl/dx2 = y where -y (x1 - x2) + margin >= 0, else 0")
          .input("x1", "(*)", InputDomain.REAL, true, "scores of the first items")
          .input("x2", "(*), as x1", InputDomain.REAL, true, "scores of the second items")
          .input(
              "label",
              "(*), as x1",
              InputDomain.SIGN,
              false,
              "1 where x1 should rank higher, -1 where x2 should")
          .param(
              ParamSpec.real(
                  "margin", 0.0, Range.ANY, "how much higher the preferred score must be"))
          .traits(Trait.CONVEX, Trait.NONNEGATIVE)
          .equivalent(
              "torch.nn.functional.margin_ranking_loss(x1, x2, label, margin=margin)", "pytorch")
          .aliases("ranking")
          .whenToUse(
              "Pairwise learning to rank (search, recommendation, preference and reward models);"
                  + " with the default margin 0 any correctly ordered pair costs nothing, so set a"
                  + " positive margin to keep pushing scores apart, and note it ignores how far apart"
                  + " the two items truly are.")
          .reference(
              "Herbrich, Graepel and Obermayer (1999), Support vector learning for ordinal"
                  + " regression",
              "https://doi.org/10.1049/cp:19991091")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review",
              "https://arxiv.org/abs/2504.04242")
          .sampler(
              (p, r, n) ->
                  new Tensor[] {
                    Samples.normal(r, 1, n), Samples.normal(r, 1, n), Samples.signs(r, n)
                  })
          .tasks(Task.REPRESENTATION)
          .build(MarginRankingLoss::new);

  private final double margin;

  private MarginRankingLoss(Params p) {
    super(SPEC, p);
    this.margin = p.real("margin");
  }

  @Override
  public int[] check(Tensor[] in) {
    return Elementwise.check(SPEC, in);
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    return computeRange(in, values, grads, scale, 0, in[0].size());
  }

  @Override
  public double computeRange(
      Tensor[] in, float[] values, float[][] grads, double scale, int from, int to) {
    float[] g1 = grads == null ? null : grads[0];
    float[] g2 = grads == null ? null : grads[1];
    return Vectorization.kernels()
        .marginRanking(
            in[0].data(), in[1].data(), in[2].data(), margin, values, g1, g2, scale, from, to);
  }
}

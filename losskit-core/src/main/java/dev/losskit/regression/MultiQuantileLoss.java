package dev.losskit.regression;

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
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Multi-quantile loss: the pinball loss averaged over Q quantile levels predicted together, with an
 * optional penalty on crossing quantiles; for forecasting a whole predictive distribution at once.
 *
 * <pre>{@code
 * pred (..., Q), target (...),  d_j = target - pred_j,  q_1 < ... < q_Q
 * l = (1 / Q) sum_j max(q_j d_j, (q_j - 1) d_j)  +  lambda sum_{j < Q} max(0, pred_j - pred_{j+1})
 * dl/dpred_j = (1 / Q) (-q_j if d_j > 0, 1 - q_j if d_j < 0, 0 at d_j = 0)
 *              + lambda [pred_j > pred_{j+1}] - lambda [pred_{j-1} > pred_j]
 * }</pre>
 *
 * <p>Inputs: {@code pred} of shape {@code (..., Q)}, one prediction per level along the last
 * dimension, and {@code target} of the leading shape {@code (...)}; both finite. One loss per
 * target element: the unreduced shape is the target's and {@code mean} divides by the number of
 * target elements. Parameters: {@code quantiles}, strictly increasing levels in (0, 1); {@code
 * crossing-penalty} lambda >= 0.
 *
 * <p>Numerical notes: at the kinks (a prediction equal to its target, two adjacent predictions
 * equal) the kernel returns the subgradient that leaves the kinked term out (0 for it), as {@code
 * quantile} does.
 *
 * <p>No library function; with Q = 1 and no penalty it equals {@code quantile}, and its value
 * equals the mean over levels of {@code sklearn.metrics.mean_pinball_loss}.
 *
 * @see <a href="https://arxiv.org/abs/1711.11053">Wen et al. (2017), A multi-horizon quantile
 *     recurrent forecaster</a>
 */
public final class MultiQuantileLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("multi-quantile", Family.REGRESSION)
          .input(
              "pred",
              "(..., Q)",
              InputDomain.REAL,
              true,
              "one prediction per quantile level, last dimension")
          .input(
              "target",
              "(...), pred without its last dimension",
              InputDomain.REAL,
              false,
              "targets")
          .name("Multi-quantile")
          .summary(
              "Pinball loss averaged over several quantile levels predicted together, optionally penalising crossings.")
          .formula(
              "l = (1/Q) sum_j max(q_j (t - p_j), (q_j - 1)(t - p_j)) + crossing-penalty sum_j max(0, p_j - p_{j+1}),"
                  + " pred (..., Q), target (...)")
          .gradient(
              "dl/dp_j = (1/Q) (-q_j if t > p_j, 1 - q_j if t < p_j, 0 if equal)"
                  + " + crossing-penalty ([p_j > p_{j+1}] - [p_{j-1} > p_j])")
          .param(
              ParamSpec.reals(
                  "quantiles",
                  new double[] {0.1, 0.5, 0.9},
                  Range.OPEN_UNIT,
                  "quantile levels, strictly increasing, one per entry of the last dimension of pred"))
          .param(
              ParamSpec.real(
                  "crossing-penalty",
                  0.0,
                  Range.NONNEGATIVE,
                  "weight of the penalty on adjacent predicted quantiles that cross"))
          .traits(Trait.CONVEX, Trait.NONNEGATIVE, Trait.ZERO_AT_TARGET, Trait.ROBUST)
          .equivalent("", "")
          .whenToUse(
              "Probabilistic forecasting (MQ-RNN, temporal fusion transformers, demand forecasting) where one"
                  + " network outputs several quantiles of the predictive distribution. Nothing in the pinball"
                  + " loss keeps the predicted quantiles ordered; the crossing penalty discourages crossings but"
                  + " does not forbid them.")
          .reference(
              "Wen et al. (2017), A multi-horizon quantile recurrent forecaster",
              "https://arxiv.org/abs/1711.11053")
          .reference(
              "Koenker and Bassett (1978), Regression quantiles, Econometrica 46(1)",
              "https://doi.org/10.2307/1913643")
          .sampler(MultiQuantileLoss::sample)
          .tasks(Task.REGRESSION, Task.TIME_SERIES)
          .build(MultiQuantileLoss::new);

  private final double[] levels;
  private final double penalty;

  private MultiQuantileLoss(Params p) {
    super(SPEC, p);
    this.levels = p.reals("quantiles");
    this.penalty = p.real("crossing-penalty");
    for (int j = 1; j < levels.length; j++) {
      if (!(levels[j] > levels[j - 1])) {
        throw new IllegalArgumentException(
            "parameter quantiles: expected strictly increasing levels, found '"
                + ParamSpec.render(levels)
                + "' ("
                + ParamSpec.render(levels[j])
                + " after "
                + ParamSpec.render(levels[j - 1])
                + ")");
      }
    }
  }

  /**
   * n targets and their Q predictions, at distinct points at least 0.15 apart and at least 0.2 from
   * the target, in random order half of the time (so that some cross) and sorted otherwise.
   */
  private static Tensor[] sample(Params params, SplittableRandom r, int n) {
    int q = params.reals("quantiles").length;
    float[] t = Samples.normal(r, 1, n).data();
    float[] p = new float[n * q];
    int slots = 4 * q + 1;
    int[] grid = new int[slots - 1];
    for (int i = 0; i < n; i++) {
      for (int k = 0, j = 0; k < slots; k++) {
        if (k != 2 * q) {
          grid[j++] = k;
        }
      }
      for (int k = grid.length - 1; k > 0; k--) {
        int m = r.nextInt(k + 1);
        int tmp = grid[k];
        grid[k] = grid[m];
        grid[m] = tmp;
      }
      if (r.nextBoolean()) {
        Arrays.sort(grid, 0, q);
      }
      for (int j = 0; j < q; j++) {
        double offset = (grid[j] - 2 * q) * 0.25 + (r.nextDouble() - 0.5) * 0.1;
        p[i * q + j] = (float) (t[i] + offset);
      }
    }
    return new Tensor[] {Tensor.of(p, n, q), Tensor.of(t, n)};
  }

  @Override
  public int[] check(Tensor[] in) {
    Tensor pred = in[0];
    Tensor target = in[1];
    int[] ts = target.shape();
    int[] expected = new int[ts.length + 1];
    System.arraycopy(ts, 0, expected, 0, ts.length);
    expected[ts.length] = levels.length;
    if (!pred.hasShape(expected)) {
      throw new IllegalArgumentException(
          "pred: expected shape "
              + Shapes.toString(expected)
              + " (the target's shape "
              + Shapes.toString(ts)
              + " and one entry per each of the "
              + levels.length
              + " quantiles), found "
              + Shapes.toString(pred.shape()));
    }
    return ts;
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] p = in[0].data();
    float[] t = in[1].data();
    float[] g = grads == null ? null : grads[0];
    int q = levels.length;
    double inv = 1.0 / q;
    double sum = 0;
    for (int i = 0, base = 0; i < t.length; i++, base += q) {
      double y = t[i];
      double pinball = 0;
      double crossing = 0;
      for (int j = 0; j < q; j++) {
        double pj = p[base + j];
        double d = y - pj;
        double level = levels[j];
        pinball += d >= 0 ? level * d : (level - 1) * d;
        boolean crossesNext = j + 1 < q && pj > p[base + j + 1];
        if (crossesNext) {
          crossing += pj - p[base + j + 1];
        }
        if (g != null) {
          double gj = d > 0 ? -level * inv : d < 0 ? (1 - level) * inv : 0;
          if (crossesNext) {
            gj += penalty;
          }
          if (j > 0 && p[base + j - 1] > pj) {
            gj -= penalty;
          }
          g[base + j] = (float) (gj * scale);
        }
      }
      double l = pinball * inv + penalty * crossing;
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
    }
    return sum;
  }
}

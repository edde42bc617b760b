package dev.losskit.timeseries;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Shapes;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Samples;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Continuous ranked probability score of an ensemble (or of samples from a generative forecaster)
 * at the target: a proper score of the empirical distribution, for training and evaluating
 * forecasts given as M members without assuming their shape.
 *
 * <pre>{@code
 * x_1 ... x_M = the members of one row of pred,  y = target,  x_(i) = the i-th smallest member
 * l        = (1/M) sum_m |x_m - y| - c sum_{m, m'} |x_m - x_m'| / 2
 *          = (1/M) sum_m |x_m - y| - c sum_i (2i - M - 1) x_(i)
 * c        = 1 / M^2,  or 1 / (M (M - 1)) if fair
 * dl/dx_k  = sign(x_k - y) / M - c (L_k - G_k)
 *            L_k, G_k = the numbers of members below and above x_k
 * }</pre>
 *
 * <p>Inputs: {@code pred}, the ensemble {@code (N, M)} (or one unbatched ensemble {@code (M)}),
 * finite, M at least 1 (at least 2 when fair); {@code target}, {@code (N)} (or {@code ()}), finite.
 * One value per row; {@code mean} divides by N.
 *
 * <p>Numerical notes: each row is sorted once (O(M log M), one scratch array per call) and the
 * pairwise term is taken from the ranks, centred on the target. Tied members share their rank
 * counts and a member equal to the target has a zero first term, as the subgradient 0 of |x| at 0
 * in PyTorch's autograd. The plain form is the CRPS of the empirical distribution of the members;
 * the fair form (Ferro 2014) is the unbiased estimate of the CRPS of the distribution they are
 * drawn from, so that ensembles of different sizes compare fairly. Both are non-negative.
 *
 * <p>Equals the CRPS of the empirical distribution (Gneiting and Raftery 2007, equation (21)); no
 * peer library is run: the reference values come from the pairwise formula written with PyTorch
 * operations and differentiated by autograd.
 *
 * @see <a href="https://doi.org/10.1198/016214506000001437">Gneiting and Raftery (2007)</a>
 * @see <a href="https://doi.org/10.1002/qj.2270">Ferro (2014), fair scores</a>
 */
public final class CrpsEnsembleLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("crps-ensemble", Family.TIMESERIES)
          .input("pred", "(N, M) or (M)", InputDomain.REAL, true, "ensemble members, M per row")
          .input("target", "(N) or ()", InputDomain.REAL, false, "observed values, one per row")
          .name("CRPS of an ensemble")
          .summary(
              "Continuous ranked probability score of the empirical distribution of M ensemble"
                  + " members (or samples) at the target, optionally in the fair (unbiased) form.")
          .formula(
              "l = (1/M) sum_m |x_m - y| - c sum_{m,m'} |x_m - x_m'| / 2, c = 1/M^2 (1/(M (M - 1))"
                  + " if fair), x = one row of pred, y = target")
          .gradient(
              "dl/dx_k = sign(x_k - y) / M - c (L_k - G_k), L_k and G_k the numbers of members"
                  + " below and above x_k")
          .param(
              ParamSpec.bool(
                  "fair",
                  false,
                  "the unbiased (fair) form, which divides the pairwise term by M (M - 1)"))
          .traits(Trait.NONNEGATIVE)
          .whenToUse(
              "Scoring or training sample-based probabilistic forecasts (ensembles, generative or"
                  + " diffusion forecasters) without assuming a distribution; use fair=true to"
                  + " compare ensembles of different sizes. The gradient is piecewise constant, so"
                  + " it trains best with enough members; for a Gaussian head use crps-gaussian.")
          .reference(
              "Gneiting, Raftery (2007), Strictly proper scoring rules, prediction, and estimation,"
                  + " Journal of the American Statistical Association",
              "https://doi.org/10.1198/016214506000001437")
          .reference(
              "Ferro (2014), Fair scores for ensemble forecasts, Quarterly Journal of the Royal"
                  + " Meteorological Society",
              "https://doi.org/10.1002/qj.2270")
          .sampler(CrpsEnsembleLoss::sample)
          .tasks(Task.TIME_SERIES)
          .build(CrpsEnsembleLoss::new);

  private final boolean fair;

  private CrpsEnsembleLoss(Params p) {
    super(SPEC, p);
    this.fair = p.bool("fair");
  }

  /** n rows of 2 to 7 members spread around a shifted centre; targets normal. */
  private static Tensor[] sample(Params p, SplittableRandom r, int n) {
    int m = 2 + r.nextInt(6);
    float[] x = Samples.normal(r, 1.5, n, m).data();
    float[] y = Samples.normal(r, 2, n).data();
    for (int i = 0; i < n; i++) {
      float shift = (float) (0.5 * Samples.gaussian(r));
      for (int k = 0; k < m; k++) {
        x[i * m + k] += shift;
      }
    }
    return new Tensor[] {Tensor.of(x, n, m), Tensor.of(y, n)};
  }

  @Override
  public int[] check(Tensor[] in) {
    Tensor pred = in[0];
    Tensor target = in[1];
    if (pred.rank() != 1 && pred.rank() != 2) {
      throw new IllegalArgumentException(
          "pred: expected shape (N, M) or (M), found " + Shapes.toString(pred.shape()));
    }
    int[] rows = pred.rank() == 2 ? new int[] {pred.dim(0)} : new int[0];
    if (!target.hasShape(rows)) {
      throw new IllegalArgumentException(
          "target: expected shape "
              + Shapes.toString(rows)
              + " for pred "
              + Shapes.toString(pred.shape())
              + ", found "
              + Shapes.toString(target.shape()));
    }
    int members = pred.dim(-1);
    if (members < (fair ? 2 : 1)) {
      throw new IllegalArgumentException(
          "pred: expected at least "
              + (fair ? "2 ensemble members (fair=true)" : "1 ensemble member")
              + ", found "
              + members);
    }
    return rows;
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] x = in[0].data();
    float[] target = in[1].data();
    float[] g = grads == null ? null : grads[0];
    int m = in[0].dim(-1);
    int rows = target.length;
    double c = fair ? 1.0 / ((double) m * (m - 1)) : 1.0 / ((double) m * m);
    long[] order = new long[m];
    double sum = 0;
    for (int n = 0; n < rows; n++) {
      int base = n * m;
      double y = target[n];
      double absolute = 0;
      for (int k = 0; k < m; k++) {
        float v = x[base + k];
        absolute += Math.abs(v - y);
        int bits = Float.floatToRawIntBits(v);
        int key = bits ^ ((bits >> 31) & 0x7fffffff); // orders like the float values
        order[k] = ((long) key << 32) | k;
      }
      Arrays.sort(order);
      double pairwise = 0;
      for (int i = 0; i < m; i++) {
        pairwise += (2.0 * i - m + 1) * (x[base + (int) order[i]] - y);
      }
      double l = absolute / m - c * pairwise;
      sum += l;
      if (values != null) {
        values[n] = (float) l;
      }
      if (g != null) {
        // Walk groups of equal members: the group at sorted positions i..j has i members below
        // and m - 1 - j above.
        for (int i = 0; i < m; ) {
          float v = x[base + (int) order[i]];
          int j = i;
          while (j + 1 < m && x[base + (int) order[j + 1]] == v) {
            j++;
          }
          double rank = c * (i - (m - 1 - j));
          double first = v > y ? 1.0 / m : v < y ? -1.0 / m : 0;
          float gv = (float) (scale * (first - rank));
          for (int k = i; k <= j; k++) {
            g[base + (int) order[k]] = gv;
          }
          i = j + 1;
        }
      }
    }
    return sum;
  }
}

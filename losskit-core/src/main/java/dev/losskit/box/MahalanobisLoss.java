package dev.losskit.box;

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

/**
 * Mahalanobis distance: the distance of a prediction from a mean measured in units of a covariance;
 * the gating and association cost of Kalman-filter trackers such as Deep SORT.
 *
 * <pre>{@code
 * r = x - mu,  S = L L^T (Cholesky)
 * l = r^T S^-1 r          squared = true  (default)
 *     sqrt(r^T S^-1 r)    squared = false
 * dl/dx = 2 S^-1 r                         (squared)
 *         S^-1 r / sqrt(r^T S^-1 r), 0 at r = 0
 * }</pre>
 *
 * <p>Inputs: {@code pred} x and {@code target} mu {@code (N, d)}; {@code cov} S, one {@code (d, d)}
 * matrix shared by every sample or one per sample {@code (N, d, d)}, symmetric positive definite.
 * One value per sample; the mean is over samples. The gradient is with respect to {@code pred}
 * only.
 *
 * <p>Numerical notes: S^-1 r is obtained from the Cholesky factor by two triangular solves, never
 * by inverting S; the factor of a shared covariance is computed once. A covariance that is not
 * positive definite (a non-positive pivot), or asymmetric by more than 1e-5 of its largest diagonal
 * entry, is an error; the symmetric part (S + S^T) / 2 is used. The unsquared distance is not
 * differentiable at r = 0; its gradient there is defined as 0.
 *
 * <p>No peer library has it as a loss; the reference values are this formula written with {@code
 * torch.linalg.cholesky} and {@code torch.cholesky_solve}.
 *
 * @see <a href="https://arxiv.org/abs/1703.07402">Wojke, Bewley and Paulus (2017), Simple Online
 *     and Realtime Tracking with a Deep Association Metric</a>
 */
public final class MahalanobisLoss extends AbstractLoss {
  private static final int SAMPLE_DIM = 4;
  private static final double SYMMETRY_TOLERANCE = 1e-5;

  public static final LossSpec SPEC =
      LossSpec.builder("mahalanobis", Family.BOX)
          .input("pred", "(N, d)", InputDomain.REAL, true, "predictions x")
          .input("target", "(N, d)", InputDomain.REAL, false, "means mu")
          .input(
              "cov",
              "(d, d) or (N, d, d)",
              InputDomain.REAL,
              false,
              "covariances, symmetric positive definite; one shared or one per sample")
          .name("Mahalanobis distance")
          .summary(
              "Distance from a mean in units of a covariance: the association and gating cost of"
                  + " Kalman-filter trackers.")
          .formula("l = (x - mu)^T S^-1 (x - mu); its square root when squared = false")
          .gradient(
              "dl/dx = 2 S^-1 (x - mu); S^-1 (x - mu) / sqrt((x - mu)^T S^-1 (x - mu)) when"
                  + " squared = false (0 at x = mu)")
          .param(
              ParamSpec.bool(
                  "squared", true, "the squared distance (true) or the distance itself (false)"))
          .traits(Trait.CONVEX, Trait.NONNEGATIVE, Trait.ZERO_AT_TARGET)
          .whenToUse(
              "Motion gating and association in multi-object tracking (Deep SORT), and any error"
                  + " whose components have known, correlated uncertainty. It needs a well-conditioned"
                  + " covariance and is sensitive to a poor estimate of it.")
          .reference(
              "Wojke, Bewley and Paulus (2017), Simple Online and Realtime Tracking with a Deep"
                  + " Association Metric",
              "https://arxiv.org/abs/1703.07402")
          .sampler(
              (p, r, n) ->
                  new Tensor[] {
                    Samples.normal(r, 2, n, SAMPLE_DIM),
                    Samples.normal(r, 1, n, SAMPLE_DIM),
                    // A shared covariance for odd n, one per sample for even n: both layouts.
                    n % 2 == 1
                        ? WassersteinGaussianLoss.covariances(r, 1, SAMPLE_DIM)
                            .reshape(SAMPLE_DIM, SAMPLE_DIM)
                        : WassersteinGaussianLoss.covariances(r, n, SAMPLE_DIM)
                  })
          .tasks(Task.TRACKING)
          .build(MahalanobisLoss::new);

  private final boolean squared;

  private MahalanobisLoss(Params p) {
    super(SPEC, p);
    this.squared = p.bool("squared");
  }

  @Override
  public int[] check(Tensor[] in) {
    Tensor x = in[0];
    Shapes.requireRank("pred", x, 2);
    Shapes.requireSame("target", in[1], "pred", x);
    int n = x.dim(0);
    int d = x.dim(1);
    Tensor cov = in[2];
    if (!cov.hasShape(d, d) && !cov.hasShape(n, d, d)) {
      throw new IllegalArgumentException(
          "cov: expected shape (d, d) = "
              + Shapes.toString(d, d)
              + " or (N, d, d) = "
              + Shapes.toString(n, d, d)
              + " as pred, found "
              + Shapes.toString(cov.shape()));
    }
    float[] s = cov.data();
    double[] l = new double[d * d];
    for (int m = 0; m < s.length / Math.max(1, d * d); m++) {
      int o = m * d * d;
      double scale = 0;
      for (int i = 0; i < d; i++) {
        scale = Math.max(scale, Math.abs(s[o + i * d + i]));
      }
      for (int i = 0; i < d; i++) {
        for (int j = i + 1; j < d; j++) {
          if (Math.abs((double) s[o + i * d + j] - s[o + j * d + i]) > SYMMETRY_TOLERANCE * scale) {
            throw new IllegalArgumentException(
                "cov: expected symmetric matrices, found entries ("
                    + i
                    + ", "
                    + j
                    + ") = "
                    + s[o + i * d + j]
                    + " and ("
                    + j
                    + ", "
                    + i
                    + ") = "
                    + s[o + j * d + i]
                    + " in matrix "
                    + m);
          }
        }
      }
      int bad = cholesky(s, o, d, l);
      if (bad >= 0) {
        throw new IllegalArgumentException(
            "cov: expected symmetric positive definite matrices, found a non-positive pivot at row "
                + bad
                + " of matrix "
                + m);
      }
    }
    return new int[] {n};
  }

  /**
   * Cholesky factor L (lower, row-major) of the symmetric part of the matrix at offset {@code o};
   * returns -1, or the row of the first pivot that is not positive.
   */
  private static int cholesky(float[] s, int o, int d, double[] l) {
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        double v = 0.5 * ((double) s[o + i * d + j] + s[o + j * d + i]);
        for (int k = 0; k < j; k++) {
          v -= l[i * d + k] * l[j * d + k];
        }
        if (i == j) {
          if (!(v > 0)) {
            return i;
          }
          l[i * d + i] = Math.sqrt(v);
        } else {
          l[i * d + j] = v / l[j * d + j];
        }
      }
      for (int j = i + 1; j < d; j++) {
        l[i * d + j] = 0;
      }
    }
    return -1;
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] x = in[0].data();
    float[] mu = in[1].data();
    float[] s = in[2].data();
    float[] g = grads == null ? null : grads[0];
    int n = in[0].dim(0);
    int d = in[0].dim(1);
    boolean shared = in[2].rank() == 2;
    double[] l = new double[d * d];
    double[] z = new double[d];
    if (shared) {
      cholesky(s, 0, d, l);
    }
    double sum = 0;
    for (int m = 0; m < n; m++) {
      if (!shared) {
        cholesky(s, m * d * d, d, l);
      }
      // Forward solve L z = r.
      double q = 0;
      for (int i = 0; i < d; i++) {
        double v = (double) x[m * d + i] - mu[m * d + i];
        for (int k = 0; k < i; k++) {
          v -= l[i * d + k] * z[k];
        }
        z[i] = v / l[i * d + i];
        q += z[i] * z[i];
      }
      double value = squared ? q : Math.sqrt(q);
      sum += value;
      if (values != null) {
        values[m] = (float) value;
      }
      if (g != null) {
        // Back solve L^T y = z, in place: y = S^-1 r.
        for (int i = d - 1; i >= 0; i--) {
          double v = z[i];
          for (int k = i + 1; k < d; k++) {
            v -= l[k * d + i] * z[k];
          }
          z[i] = v / l[i * d + i];
        }
        double f = squared ? 2 : (value > 0 ? 1 / value : 0);
        for (int i = 0; i < d; i++) {
          g[m * d + i] = (float) (f * z[i] * scale);
        }
      }
    }
    return sum;
  }
}

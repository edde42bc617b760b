package dev.losskit.box;

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
import java.util.SplittableRandom;

/**
 * Squared 2-Wasserstein distance between two Gaussians in d dimensions: how far a predicted
 * distribution (mean and covariance) is from a target one, for probabilistic regression and
 * Gaussian box or keypoint models.
 *
 * <pre>{@code
 * S_p = U diag(lambda) U^T,   P = U diag(g) U^T,   g_i = sqrt(max(lambda_i, 0) + eps)
 * M   = P S_t P = V diag(mu) V^T,                  h_i = sqrt(max(mu_i, 0) + eps)
 * l   = |m_p - m_t|^2 + Tr(S_p) + Tr(S_t) - 2 sum_i h_i
 * dl/dm_p = 2 (m_p - m_t)
 * dl/dS_p = I - 2 U ((U^T H U) / (g_i + g_j)) U^T,   H = S_t P G + G P S_t,
 *           G = V diag(1 / (2 h_i)) V^T
 * }</pre>
 *
 * <p>Inputs: {@code pred-mean} and {@code target-mean} {@code (N, d)}; {@code pred-cov} and {@code
 * target-cov} {@code (N, d, d)}, symmetric positive semi-definite. One value per sample; the mean
 * is over samples. Gradients with respect to {@code pred-mean} and {@code pred-cov}.
 *
 * <p>Numerical notes: both matrix square roots go through symmetric eigen-decompositions (cyclic
 * Jacobi in double), with {@code eps} added to every eigenvalue under the square root, so singular
 * covariances give finite gradients; with {@code eps > 0} the value at identical Gaussians is
 * slightly negative (about -eps d / (2 lambda)). Eigenvalues slightly below 0 from rounding are
 * read as 0 (the gradient treats that guard as the identity). The derivative of the matrix square
 * root uses the divided differences (g_i - g_j) / (lambda_i - lambda_j) = 1 / (g_i + g_j), which
 * stay exact for repeated eigenvalues. Covariances are read through their symmetric part (S + S^T)
 * / 2, so the gradient is symmetric; an asymmetry above 1e-2 of the largest diagonal entry, or an
 * eigenvalue below -1e-5 of the largest magnitude, is an error.
 *
 * <p>No peer library has it as a loss; the reference values are this formula written with {@code
 * torch.linalg.eigh}.
 *
 * @see <a href="https://doi.org/10.1307/mmj/1029003026">Givens and Shortt (1984), A class of
 *     Wasserstein metrics for probability distributions</a>
 */
public final class WassersteinGaussianLoss extends AbstractLoss {
  /** Sampled dimension. */
  private static final int SAMPLE_DIM = 3;

  private static final double SYMMETRY_TOLERANCE = 1e-2;
  private static final double PSD_TOLERANCE = 1e-5;

  public static final LossSpec SPEC =
      LossSpec.builder("wasserstein-gaussian", Family.BOX)
          .input("pred-mean", "(N, d)", InputDomain.REAL, true, "predicted means")
          .input(
              "pred-cov",
              "(N, d, d)",
              InputDomain.REAL,
              true,
              "predicted covariances, symmetric positive semi-definite")
          .input("target-mean", "(N, d)", InputDomain.REAL, false, "target means")
          .input(
              "target-cov",
              "(N, d, d)",
              InputDomain.REAL,
              false,
              "target covariances, symmetric positive semi-definite")
          .name("Wasserstein distance between Gaussians")
          .summary(
              "Squared 2-Wasserstein distance between predicted and target Gaussians: compares"
                  + " means and covariances in one metric.")
          .formula(
              "l = |m_p - m_t|^2 + Tr(S_p) + Tr(S_t) - 2 Tr((S_p^1/2 S_t S_p^1/2)^1/2), with eps"
                  + " added to the eigenvalues under each square root")
          .gradient(
              "dl/dm_p = 2 (m_p - m_t); dl/dS_p = I - 2 U ((U^T H U) / (g_i + g_j)) U^T, H = S_t P"
                  + " G + G P S_t, P = S_p^1/2, G = (P S_t P)^-1/2 / 2")
          .param(
              ParamSpec.real(
                  "eps", 1e-7, Range.POSITIVE, "added to the eigenvalues under the square roots"))
          .traits(Trait.SMOOTH)
          .whenToUse(
              "Comparing predicted Gaussians with target Gaussians (probabilistic box or keypoint"
                  + " models, distribution matching of features): a true metric that stays finite"
                  + " for singular covariances, unlike KL divergence. It costs two small"
                  + " eigen-decompositions per sample, so keep d small.")
          .reference(
              "Givens and Shortt (1984), A class of Wasserstein metrics for probability"
                  + " distributions",
              "https://doi.org/10.1307/mmj/1029003026")
          .reference(
              "Elharrouss et al. (2025), Loss Functions in Deep Learning: A Comprehensive Review",
              "https://arxiv.org/abs/2504.04242")
          .sampler((p, r, n) -> sample(r, n, SAMPLE_DIM))
          .tasks(Task.DETECTION, Task.TRACKING)
          .build(WassersteinGaussianLoss::new);

  private final double eps;

  private WassersteinGaussianLoss(Params p) {
    super(SPEC, p);
    this.eps = p.real("eps");
  }

  /** Means N(0, 2^2) and covariances B B^T / d + 0.5 I: well conditioned, eigenvalues apart. */
  static Tensor[] sample(SplittableRandom r, int n, int d) {
    return new Tensor[] {
      Samples.normal(r, 2, n, d),
      covariances(r, n, d),
      Samples.normal(r, 2, n, d),
      covariances(r, n, d)
    };
  }

  /** {@code n} covariances B B^T / d + 0.5 I of size d, B standard normal. */
  static Tensor covariances(SplittableRandom r, int n, int d) {
    float[] out = new float[n * d * d];
    double[] b = new double[d * d];
    for (int s = 0; s < n; s++) {
      for (int i = 0; i < b.length; i++) {
        b[i] = Samples.gaussian(r);
      }
      for (int i = 0; i < d; i++) {
        for (int j = 0; j <= i; j++) {
          double v = 0;
          for (int k = 0; k < d; k++) {
            v += b[i * d + k] * b[j * d + k];
          }
          v /= d;
          if (i == j) {
            v += 0.5;
          }
          out[s * d * d + i * d + j] = (float) v;
          out[s * d * d + j * d + i] = (float) v;
        }
      }
    }
    return Tensor.of(out, n, d, d);
  }

  @Override
  public int[] check(Tensor[] in) {
    Tensor mean = in[0];
    Shapes.requireRank("pred-mean", mean, 2);
    int n = mean.dim(0);
    int d = mean.dim(1);
    if (d < 1) {
      throw new IllegalArgumentException(
          "pred-mean: expected at least one dimension, found shape "
              + Shapes.toString(mean.shape()));
    }
    requireCov("pred-cov", in[1], n, d);
    Shapes.requireSame("target-mean", in[2], "pred-mean", mean);
    requireCov("target-cov", in[3], n, d);
    double[] a = new double[d * d];
    double[] values = new double[d];
    double[] v = new double[d * d];
    checkMatrices("pred-cov", in[1].data(), n, d, a, values, v);
    checkMatrices("target-cov", in[3].data(), n, d, a, values, v);
    return new int[] {n};
  }

  private static void requireCov(String name, Tensor t, int n, int d) {
    if (!t.hasShape(n, d, d)) {
      throw new IllegalArgumentException(
          name
              + ": expected shape (N, d, d) = "
              + Shapes.toString(n, d, d)
              + " as pred-mean, found "
              + Shapes.toString(t.shape()));
    }
  }

  /** Symmetric (to 1e-2 of the largest diagonal entry) and positive semi-definite, by name. */
  private static void checkMatrices(
      String name, float[] s, int n, int d, double[] a, double[] values, double[] v) {
    for (int m = 0; m < n; m++) {
      int o = m * d * d;
      double scale = 0;
      for (int i = 0; i < d; i++) {
        scale = Math.max(scale, Math.abs(s[o + i * d + i]));
      }
      for (int i = 0; i < d; i++) {
        for (int j = i + 1; j < d; j++) {
          float x = s[o + i * d + j];
          float y = s[o + j * d + i];
          if (Math.abs((double) x - y) > SYMMETRY_TOLERANCE * scale) {
            throw new IllegalArgumentException(
                name
                    + ": expected symmetric matrices, found entries ("
                    + i
                    + ", "
                    + j
                    + ") = "
                    + x
                    + " and ("
                    + j
                    + ", "
                    + i
                    + ") = "
                    + y
                    + " in matrix "
                    + m);
          }
        }
      }
      symmetric(s, o, d, a);
      SymmetricEigen.decompose(a, d, values, v);
      double min = Double.POSITIVE_INFINITY;
      double max = 0;
      for (int i = 0; i < d; i++) {
        min = Math.min(min, values[i]);
        max = Math.max(max, Math.abs(values[i]));
      }
      if (min < -PSD_TOLERANCE * max) {
        throw new IllegalArgumentException(
            name
                + ": expected positive semi-definite matrices, found the eigenvalue "
                + min
                + " in matrix "
                + m);
      }
    }
  }

  /** The symmetric part of the matrix at offset {@code o}, in double. */
  private static void symmetric(float[] s, int o, int d, double[] out) {
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        out[i * d + j] = 0.5 * ((double) s[o + i * d + j] + s[o + j * d + i]);
      }
    }
  }

  /** out = a b, all d x d row-major; out must not alias a or b. */
  private static void mul(double[] a, double[] b, double[] out, int d) {
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        double v = 0;
        for (int k = 0; k < d; k++) {
          v += a[i * d + k] * b[k * d + j];
        }
        out[i * d + j] = v;
      }
    }
  }

  /** out = u diag(w) u^T. */
  private static void compose(double[] u, double[] w, double[] out, int d) {
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        double v = 0;
        for (int k = 0; k < d; k++) {
          v += u[i * d + k] * w[k] * u[j * d + k];
        }
        out[i * d + j] = v;
      }
    }
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] mp = in[0].data();
    float[] sp = in[1].data();
    float[] mt = in[2].data();
    float[] st = in[3].data();
    float[] gMean = grads == null ? null : grads[0];
    float[] gCov = grads == null ? null : grads[1];
    int n = in[0].dim(0);
    int d = in[0].dim(1);
    int dd = d * d;
    double[] a = new double[dd];
    double[] t = new double[dd];
    double[] u = new double[dd];
    double[] lambda = new double[d];
    double[] g = new double[d];
    double[] p = new double[dd];
    double[] tp = new double[dd];
    double[] m = new double[dd];
    double[] v = new double[dd];
    double[] mu = new double[d];
    double[] w = new double[d];
    double[] k1 = new double[dd];
    double[] k2 = new double[dd];
    double sum = 0;
    for (int s = 0; s < n; s++) {
      int o = s * dd;
      symmetric(sp, o, d, a);
      symmetric(st, o, d, t);
      double trace = 0;
      for (int i = 0; i < d; i++) {
        trace += a[i * d + i] + t[i * d + i];
      }
      SymmetricEigen.decompose(a, d, lambda, u);
      for (int i = 0; i < d; i++) {
        g[i] = Math.sqrt(Math.max(lambda[i], 0) + eps);
      }
      compose(u, g, p, d);
      mul(t, p, tp, d);
      mul(p, tp, m, d);
      for (int i = 0; i < d; i++) {
        for (int j = i + 1; j < d; j++) {
          double x = 0.5 * (m[i * d + j] + m[j * d + i]);
          m[i * d + j] = x;
          m[j * d + i] = x;
        }
      }
      SymmetricEigen.decompose(m, d, mu, v);
      double roots = 0;
      for (int i = 0; i < d; i++) {
        w[i] = Math.sqrt(Math.max(mu[i], 0) + eps);
        roots += w[i];
      }
      double dist = 0;
      for (int i = 0; i < d; i++) {
        double r = (double) mp[s * d + i] - mt[s * d + i];
        dist += r * r;
        if (gMean != null) {
          gMean[s * d + i] = (float) (2 * r * scale);
        }
      }
      double l = dist + trace - 2 * roots;
      sum += l;
      if (values != null) {
        values[s] = (float) l;
      }
      if (gCov != null) {
        // G = V diag(1 / (2 h)) V^T, the derivative of sum_i h_i with respect to M.
        for (int i = 0; i < d; i++) {
          w[i] = 0.5 / w[i];
        }
        compose(v, w, m, d);
        // H = K + K^T with K = S_t P G.
        mul(tp, m, k1, d);
        for (int i = 0; i < d; i++) {
          for (int j = 0; j < d; j++) {
            k2[i * d + j] = k1[i * d + j] + k1[j * d + i];
          }
        }
        // U^T H U, divided by g_i + g_j, mapped back: U (.) U^T.
        mul(k2, u, k1, d);
        for (int i = 0; i < d; i++) {
          for (int j = 0; j < d; j++) {
            double x = 0;
            for (int q = 0; q < d; q++) {
              x += u[q * d + i] * k1[q * d + j];
            }
            k2[i * d + j] = x / (g[i] + g[j]);
          }
        }
        mul(u, k2, k1, d);
        for (int i = 0; i < d; i++) {
          for (int j = 0; j < d; j++) {
            double x = 0;
            for (int q = 0; q < d; q++) {
              x += k1[i * d + q] * u[j * d + q];
            }
            gCov[o + i * d + j] = (float) (((i == j ? 1 : 0) - 2 * x) * scale);
          }
        }
      }
    }
    return sum;
  }
}

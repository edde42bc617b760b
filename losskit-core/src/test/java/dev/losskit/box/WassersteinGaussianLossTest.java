package dev.losskit.box;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.testing.LossContractTest;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WassersteinGaussianLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "wasserstein-gaussian";
  }

  /** W2^2 per sample: sqrt(S_p + eps I), then Tr sqrt(P S_t P + eps I), by Denman-Beavers. */
  static double[] naive(double[] mp, double[] cp, double[] mt, double[] ct, int d, double eps) {
    int n = mp.length / d;
    double[] l = new double[n];
    for (int s = 0; s < n; s++) {
      double[][] sp = NaiveMatrices.symmetric(cp, s * d * d, d);
      double[][] st = NaiveMatrices.symmetric(ct, s * d * d, d);
      double[][] p = NaiveMatrices.sqrt(NaiveMatrices.shifted(sp, eps));
      double[][] m = NaiveMatrices.multiply(p, NaiveMatrices.multiply(st, p));
      double roots = NaiveMatrices.trace(NaiveMatrices.sqrt(NaiveMatrices.shifted(m, eps)));
      double dist = 0;
      for (int i = 0; i < d; i++) {
        double r = mp[s * d + i] - mt[s * d + i];
        dist += r * r;
      }
      l[s] = dist + NaiveMatrices.trace(sp) + NaiveMatrices.trace(st) - 2 * roots;
    }
    return l;
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params params) {
    int d = in.shape(0)[1];
    return Oracle.of(naive(in.get(0), in.get(1), in.get(2), in.get(3), d, params.real("eps")));
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("eps", "1e-3"), Map.of("eps", 0.5));
  }

  private static Tensor[] inputs(
      double[][] means, double[][][] covs, double[][] tMeans, double[][][] tCovs) {
    int n = means.length;
    int d = means[0].length;
    return new Tensor[] {
      Tensor.of(flat(means), n, d),
      Tensor.of(flat3(covs), n, d, d),
      Tensor.of(flat(tMeans), n, d),
      Tensor.of(flat3(tCovs), n, d, d)
    };
  }

  private static double[] flat(double[][] a) {
    double[] out = new double[a.length * a[0].length];
    for (int i = 0; i < a.length; i++) {
      System.arraycopy(a[i], 0, out, i * a[0].length, a[0].length);
    }
    return out;
  }

  private static double[] flat3(double[][][] a) {
    int d = a[0].length;
    double[] out = new double[a.length * d * d];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < d; j++) {
        System.arraycopy(a[i][j], 0, out, (i * d + j) * d, d);
      }
    }
    return out;
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    double[][] zero = {{0, 0}, {0, 0}};
    double[][] eye = {{1, 0}, {0, 1}};
    double[][] rank1 = {{1, 1}, {1, 1}};
    double[][] big = {{1e6, 2e5}, {2e5, 3e5}};
    double[][] thin = {{1e-8, 0}, {0, 5}};
    return List.of(
        inputs(
            new double[][] {{0, 0}, {1, 2}, {1e6, -1e6}, {3, 3}, {0, 0}, {0, 0}},
            new double[][][] {zero, eye, big, rank1, thin, eye},
            new double[][] {{0, 0}, {1, 2}, {-1e6, 1e6}, {3, 3}, {0, 0}, {0, 0}},
            new double[][][] {rank1, eye, eye, rank1, eye, zero}),
        inputs(
            new double[][] {{5}, {0}},
            new double[][][] {{{0}}, {{4}}},
            new double[][] {{-5}, {0}},
            new double[][][] {{{0}}, {{0}}}));
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor m = Tensor.of(new float[] {0, 0, 1, 1}, 2, 2);
    Tensor c = Tensor.of(new float[] {1, 0, 0, 1, 2, 0.5f, 0.5f, 1}, 2, 2, 2);
    return List.of(
        new BadInput(
            "asymmetric pred-cov",
            new Tensor[] {m, Tensor.of(new float[] {1, 0, 0, 1, 2, 0.5f, 0.1f, 1}, 2, 2, 2), m, c},
            "pred-cov",
            "symmetric",
            "matrix 1"),
        new BadInput(
            "indefinite target-cov",
            new Tensor[] {m, c, m, Tensor.of(new float[] {1, 0, 0, 1, 1, 2, 2, 1}, 2, 2, 2)},
            "target-cov",
            "positive semi-definite",
            "matrix 1"),
        new BadInput(
            "pred-cov of another size",
            new Tensor[] {m, Tensor.of(new float[12], 2, 2, 3), m, c},
            "pred-cov",
            "(2, 2, 2)",
            "(2, 2, 3)"),
        new BadInput(
            "target-mean of another shape",
            new Tensor[] {m, c, Tensor.of(new float[3], 1, 3), c},
            "target-mean",
            "(2, 2)",
            "(1, 3)"),
        new BadInput(
            "pred-mean of rank 1",
            new Tensor[] {Tensor.of(new float[2], 2), c, m, c},
            "pred-mean",
            "2 dimensions"));
  }

  /** In one dimension: |dm|^2 + s_p + s_t - 2 sqrt((s_p + eps) s_t + eps). */
  @Test
  void oneDimensionalClosedForm() {
    Tensor[] in =
        inputs(
            new double[][] {{1}, {0}},
            new double[][][] {{{4}}, {{0.25}}},
            new double[][] {{3}, {0}},
            new double[][][] {{{9}}, {{1}}});
    float[] v = spec().create().evaluate(Reduction.NONE, in).values().data();
    double eps = 1e-7;
    assertEquals(4 + 4 + 9 - 2 * Math.sqrt((4 + eps) * 9 + eps), v[0], 1e-5);
    assertEquals(0.25 + 1 - 2 * Math.sqrt((0.25 + eps) + eps), v[1], 1e-6);
    // Without eps: (sqrt(s_p) - sqrt(s_t))^2.
    assertEquals(4 + 1, v[0], 1e-5);
    assertEquals(0.25, v[1], 1e-6);
  }

  /** Commuting (diagonal) covariances: sum_i (sqrt(a_i) - sqrt(b_i))^2. */
  @Test
  void diagonalCovariancesClosedForm() {
    Tensor[] in =
        inputs(
            new double[][] {{0, 0, 0}},
            new double[][][] {{{4, 0, 0}, {0, 1, 0}, {0, 0, 9}}},
            new double[][] {{0, 0, 0}},
            new double[][][] {{{1, 0, 0}, {0, 1, 0}, {0, 0, 16}}});
    LossResult r = spec().create().evaluate(Reduction.SUM, in);
    assertEquals(1 + 0 + 1, r.value(), 1e-5);
    // dl/ds_p,ii = 1 - sqrt(b_i / a_i).
    float[] g = r.grad(1).data();
    assertEquals(1 - Math.sqrt(1 / 4.0), g[0], 1e-5);
    assertEquals(0, g[4], 1e-5);
    assertEquals(1 - Math.sqrt(16 / 9.0), g[8], 1e-5);
  }

  /**
   * Repeated eigenvalues (isotropic pred covariance), where the derivative of the square root needs
   * the divided differences at equal eigenvalues: against central differences of the oracle, and
   * symmetric.
   */
  @Test
  void gradientAtRepeatedEigenvalues() {
    Tensor[] in =
        inputs(
            new double[][] {{0.5, -1, 2}, {0, 0, 0}},
            new double[][][] {{{2, 0, 0}, {0, 2, 0}, {0, 0, 2}}, {{1, 0, 0}, {0, 1, 0}, {0, 0, 3}}},
            new double[][] {{0, 0, 1}, {1, 1, 1}},
            new double[][][] {
              {{3, 1, 0.5}, {1, 2, -0.3}, {0.5, -0.3, 1.5}},
              {{2, 0.4, 0}, {0.4, 1, 0.2}, {0, 0.2, 1}}
            });
    float[] g = spec().create().evaluate(Reduction.SUM, in).grad(1).data();
    double[][] x = new double[4][];
    for (int k = 0; k < 4; k++) {
      x[k] = new double[in[k].size()];
      for (int i = 0; i < x[k].length; i++) {
        x[k][i] = in[k].data()[i];
      }
    }
    for (int i = 0; i < x[1].length; i++) {
      double x0 = x[1][i];
      double h = 1e-6;
      x[1][i] = x0 + h;
      double up = sum(naive(x[0], x[1], x[2], x[3], 3, 1e-7));
      x[1][i] = x0 - h;
      double down = sum(naive(x[0], x[1], x[2], x[3], 3, 1e-7));
      x[1][i] = x0;
      double numeric = (up - down) / (2 * h);
      assertEquals(numeric, g[i], 1e-5 * (1 + Math.abs(numeric)), "d/dpred-cov[" + i + "]");
    }
    for (int s = 0; s < 2; s++) {
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          assertEquals(g[s * 9 + i * 3 + j], g[s * 9 + j * 3 + i], 1e-7);
        }
      }
    }
  }

  private static double sum(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s;
  }

  /** Identical Gaussians: about -eps d / (2 lambda) with eps, 0 in the limit; gradient near 0. */
  @Test
  void identicalGaussiansGiveNearZero() {
    Tensor[] in = spec().sample(spec().defaults(), new SplittableRandom(61), 5);
    Tensor[] same = {in[0], in[1], in[0].copy(), in[1].copy()};
    Loss loss = spec().create(Map.of("eps", "1e-12"));
    LossResult r = loss.evaluate(Reduction.SUM, same);
    assertEquals(0, r.value(), 1e-6);
    for (int k = 0; k < 2; k++) {
      for (float g : r.grad(k).data()) {
        assertEquals(0, g, 1e-5);
      }
    }
    assertTrue(spec().create().value(Reduction.SUM, same) < 0, "slightly negative with eps");
  }
}

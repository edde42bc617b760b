package dev.losskit.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.losskit.Catalog;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InfoNceLossTest extends LossContractTest {
  @Override
  protected int[] sizes() {
    return PAIRWISE_SIZES;
  }

  @Override
  protected String id() {
    return "info-nce";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("temperature", "0.5"), Map.of("temperature", 0.03));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double tau = p.real("temperature");
    int n = in.shape(0)[0];
    int dim = in.shape(0)[1];
    double[] a = Naive.normalize(in.get(0), n, dim);
    double[] b = Naive.normalize(in.get(1), n, dim);
    double[] l = new double[n];
    double[] z = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        z[j] = Naive.dot(a, i, b, j, dim) / tau;
      }
      l[i] = Naive.logSumExp(z) - z[i];
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return MetricCases.pairExtremes(r);
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return MetricCases.pairBadInputs("a", "b");
  }

  @Test
  void aZeroNormRowIsEquallySimilarToEveryRow() {
    float[] a = {0, 0, 0, 1, 2, 3};
    float[] b = {1, 0, 0, 0, 1, 0};
    LossResult r =
        Catalog.builtin()
            .create("info-nce")
            .evaluate(Reduction.NONE, Tensor.of(a, 2, 3), Tensor.of(b, 2, 3));
    assertEquals(Math.log(2), r.values().data()[0], 1e-6);
    for (float g : r.grad("a").data()) {
      assertEquals(true, Float.isFinite(g));
    }
  }

  @Test
  void aBatchOfOneHasNoNegativesAndZeroLoss() {
    Loss loss = Catalog.builtin().create("info-nce");
    LossResult r =
        loss.evaluate(
            Reduction.MEAN,
            Tensor.of(new float[] {1, 2, 3}, 1, 3),
            Tensor.of(new float[] {-3, 1, 0}, 1, 3));
    assertEquals(0, r.value(), 1e-6);
    for (float g : r.grad("a").data()) {
      assertEquals(0, g, 1e-6);
    }
  }

  @Test
  void perfectlyAlignedOrthogonalPairsReachTheLowerBound() {
    // b = a, rows orthonormal: l_i = log(1 + (N - 1) exp(-1 / tau)).
    int n = 4;
    float[] a = new float[n * n];
    for (int i = 0; i < n; i++) {
      a[i * n + i] = 2;
    }
    double v =
        Catalog.builtin()
            .create("info-nce", Map.of("temperature", 0.25))
            .value(Tensor.of(a, n, n), Tensor.of(a, n, n));
    assertEquals(Math.log(1 + (n - 1) * Math.exp(-4)), v, 1e-6);
  }

  @Test
  void theLossIsInvariantToTheScaleOfEachRow() {
    SplittableRandom r = new SplittableRandom(3);
    Tensor a = Embeddings.sample(r, 9);
    Tensor b = Embeddings.sample(r, 9);
    float[] scaled = a.data().clone();
    for (int d = 0; d < Embeddings.SAMPLE_DIM; d++) {
      scaled[2 * Embeddings.SAMPLE_DIM + d] *= 100;
    }
    Loss loss = Catalog.builtin().create("info-nce");
    assertEquals(loss.value(a, b), loss.value(Tensor.of(scaled, a.shape()), b), 1e-5);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void largeBatchesSplitIntoBlocksMatchADoublePrecisionOracle(boolean vector) {
    FloatGemm.Kernel kernel = vector ? FloatGemm.vector() : FloatGemm.SCALAR;
    assumeTrue(kernel != null, "Vector API absent from this JVM");
    // 301 rows: several row blocks, the last with a single row; 33 columns: a partial panel; and
    // enough work that the blocks are spread over the pool's threads.
    int n = 301;
    int dim = 33;
    double tau = 0.1;
    assertTrue(InfoNceLoss.splits(n, dim) && n > 4 * InfoNceLoss.BLOCK);
    SplittableRandom r = new SplittableRandom(11);
    float[] a = gaussian(r, n * dim);
    float[] b = gaussian(r, n * dim);
    InfoNceLoss loss =
        (InfoNceLoss) Catalog.builtin().create("info-nce", Map.of("temperature", tau));
    float[] values = new float[n];
    float[][] grads = {new float[n * dim], new float[n * dim]};
    double sum =
        loss.compute(
            kernel, new Tensor[] {Tensor.of(a, n, dim), Tensor.of(b, n, dim)}, values, grads, 1);

    double[] ah = Naive.normalize(toDouble(a), n, dim);
    double[] bh = Naive.normalize(toDouble(b), n, dim);
    // dL/ds for the sum of the rows' losses, then carried to the rows of a and b.
    double[] gs = new double[n * n];
    double[] z = new double[n];
    double want = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        z[j] = Naive.dot(ah, i, bh, j, dim) / tau;
      }
      double lse = Naive.logSumExp(z);
      assertEquals(lse - z[i], values[i], 1e-5 * Math.abs(lse), "row " + i);
      want += lse - z[i];
      for (int j = 0; j < n; j++) {
        gs[i * n + j] = (Math.exp(z[j] - lse) - (i == j ? 1 : 0)) / tau;
      }
    }
    assertEquals(want, sum, 1e-6 * Math.abs(want));
    assertGradient(gs, n, dim, toDouble(a), ah, bh, false, grads[0]);
    assertGradient(gs, n, dim, toDouble(b), bh, ah, true, grads[1]);
  }

  @Test
  void aCallDoesNotDependOnTheCallsBeforeIt() {
    // The arrays of a call are kept for the next one: a different size in between must not leak.
    SplittableRandom r = new SplittableRandom(5);
    Tensor a = Tensor.of(gaussian(r, 130 * 9), 130, 9);
    Tensor b = Tensor.of(gaussian(r, 130 * 9), 130, 9);
    Loss loss = Catalog.builtin().create("info-nce");
    LossResult first = loss.evaluate(Reduction.MEAN, a, b);
    loss.evaluate(
        Reduction.MEAN, Tensor.of(gaussian(r, 7 * 9), 7, 9), Tensor.of(gaussian(r, 63), 7, 9));
    loss.evaluate(
        Reduction.MEAN,
        Tensor.of(gaussian(r, 130 * 5), 130, 5),
        Tensor.of(gaussian(r, 650), 130, 5));
    LossResult again = loss.evaluate(Reduction.MEAN, a, b);
    // Not bit for bit: the first call may run the exponential interpreted, the last compiled.
    assertEquals(first.value(), again.value(), 1e-6 * first.value());
    for (String name : new String[] {"a", "b"}) {
      float[] x = first.grad(name).data();
      float[] y = again.grad(name).data();
      for (int e = 0; e < x.length; e++) {
        assertEquals(x[e], y[e], 1e-6 * Math.abs(x[e]) + 1e-9, name + "[" + e + "]");
      }
    }
  }

  /**
   * Row k of {@code got} against {@code (u_k - xh_k <xh_k, u_k>) / |x_k|}, {@code u_k = sum_m dL/ds
   * dh_m} over row k of {@code gs} (or column k, {@code byColumn}).
   */
  private static void assertGradient(
      double[] gs,
      int n,
      int dim,
      double[] x,
      double[] xh,
      double[] other,
      boolean byColumn,
      float[] got) {
    double[] want = new double[n * dim];
    double max = 0;
    for (int k = 0; k < n; k++) {
      double[] u = new double[dim];
      for (int m = 0; m < n; m++) {
        double g = byColumn ? gs[m * n + k] : gs[k * n + m];
        for (int d = 0; d < dim; d++) {
          u[d] += g * other[m * dim + d];
        }
      }
      double proj = 0;
      for (int d = 0; d < dim; d++) {
        proj += xh[k * dim + d] * u[d];
      }
      double nrm = Naive.norm(x, k, dim);
      for (int d = 0; d < dim; d++) {
        want[k * dim + d] = (u[d] - xh[k * dim + d] * proj) / nrm;
        max = Math.max(max, Math.abs(want[k * dim + d]));
      }
    }
    for (int e = 0; e < want.length; e++) {
      assertEquals(want[e], got[e], 1e-4 * max, "element " + e);
    }
  }

  private static float[] gaussian(SplittableRandom r, int size) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      x[i] = (float) (r.nextGaussian());
    }
    return x;
  }

  private static double[] toDouble(float[] x) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = x[i];
    }
    return y;
  }
}

package dev.losskit.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.internal.Samples;
import dev.losskit.testing.LossContractTest;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ContextLossTest extends LossContractTest {
  private final PerImageCache cache = new PerImageCache();

  @Override
  protected String id() {
    return "context";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("bandwidth", 0.1, "eps", 1e-3),
        Map.of("layers", "2", "weights", "1"),
        Map.of("layers", "1,2", "weights", "0.3,1.5", "bandwidth", 1.0),
        Map.of("features", "precomputed"));
  }

  /** The contextual loss of one layer, straight from the paper's definitions. */
  static double cx(double[] a, double[] b, int c, int m, double h, double eps) {
    double[] mu = new double[c];
    for (int ch = 0; ch < c; ch++) {
      for (int j = 0; j < m; j++) {
        mu[ch] += b[ch * m + j] / m;
      }
    }
    double[][] d = new double[m][m];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        double dot = 0;
        double nx = 0;
        double ny = 0;
        for (int ch = 0; ch < c; ch++) {
          double x = a[ch * m + i] - mu[ch];
          double y = b[ch * m + j] - mu[ch];
          dot += x * y;
          nx += x * x;
          ny += y * y;
        }
        d[i][j] = 1 - dot / (Math.sqrt(nx) * Math.sqrt(ny));
      }
    }
    double[][] cxm = new double[m][m];
    for (int i = 0; i < m; i++) {
      double min = Double.POSITIVE_INFINITY;
      for (int k = 0; k < m; k++) {
        min = Math.min(min, d[i][k]);
      }
      double z = 0;
      for (int k = 0; k < m; k++) {
        z += Math.exp((1 - d[i][k] / (min + eps)) / h);
      }
      for (int j = 0; j < m; j++) {
        cxm[i][j] = Math.exp((1 - d[i][j] / (min + eps)) / h) / z;
      }
    }
    double s = 0;
    for (int j = 0; j < m; j++) {
      double max = 0;
      for (int i = 0; i < m; i++) {
        max = Math.max(max, cxm[i][j]);
      }
      s += max;
    }
    return -Math.log(s / m);
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double h = p.real("bandwidth");
    double eps = p.real("eps");
    return Oracle.of(
        FeatureOracles.values(
            cache, in, p, true, (a, b, c, m) -> m == 1 ? 0 : cx(a, b, c, m, h, eps)));
  }

  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    return List.of(
        new Tensor[] {Samples.uniform(r, 0, 1, 2, 3, 9, 5), Samples.uniform(r, 0, 1, 2, 3, 9, 5)},
        new Tensor[] {Samples.normal(r, 1, 1, 2, 4, 9), Samples.normal(r, 1, 1, 2, 4, 9)});
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return FeatureTests.extremes(r, 1e30);
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return FeatureTests.badInputs(true);
  }

  private static Loss precomputed() {
    return Catalog.builtin().get("context").create(Map.of("features", "precomputed"));
  }

  @Test
  void identicalFeatureSetsGiveNearlyZeroAndNoGradient() {
    Tensor t = Samples.normal(new SplittableRandom(5), 1, 2, 6, 4, 5);
    LossResult r = precomputed().evaluate(Reduction.SUM, t, t);
    assertEquals(0, r.value(), 1e-12);
    for (float g : r.grad(0).data()) {
      assertEquals(0, g, 1e-9);
    }
  }

  @Test
  void permutedPositionsDoNotMatter() {
    // The contextual loss compares sets of features: moving them around changes nothing.
    SplittableRandom r = new SplittableRandom(6);
    Tensor p = Samples.normal(r, 1, 1, 5, 3, 4);
    Tensor t = Samples.normal(r, 1, 1, 5, 3, 4);
    float[] q = p.data().clone();
    int m = 12;
    for (int ch = 0; ch < 5; ch++) {
      for (int i = 0; i < m; i++) {
        q[ch * m + i] = p.data()[ch * m + (i * 5) % m];
      }
    }
    double a = precomputed().value(Reduction.SUM, p, t);
    double b = precomputed().value(Reduction.SUM, Tensor.of(q, 1, 5, 3, 4), t);
    assertEquals(a, b, 1e-12);
    assertTrue(a > 0.01, "different feature sets: " + a);
  }

  @Test
  void zeroFeaturesGiveLogOfTheNumberOfPositions() {
    // Every centred vector is 0: all distances 1, CX_ij = 1 / m, CX = 1 / m.
    Tensor z = Tensor.of(new float[3 * 20], 1, 3, 4, 5);
    assertEquals(Math.log(20), precomputed().value(Reduction.SUM, z, z), 1e-12);
  }

  @Test
  void extremeImagesStayFinite() {
    FeatureTests.extremesStayFinite("context", 3e38f);
  }
}

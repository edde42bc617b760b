package dev.losskit.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.Loss;
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

class StyleLossTest extends LossContractTest {
  private final PerImageCache cache = new PerImageCache();

  @Override
  protected String id() {
    return "style";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("layers", "1", "weights", "3"),
        Map.of("layers", "2,3", "weights", "0.5,2"),
        Map.of("features", "precomputed"));
  }

  /** mean over (p, q) of (G_a - G_b)^2, G = F F^T / (c hw), written out entry by entry. */
  static double gramMse(double[] a, double[] b, int c, int hw) {
    double s = 0;
    for (int p = 0; p < c; p++) {
      for (int q = 0; q < c; q++) {
        double ga = 0;
        double gb = 0;
        for (int i = 0; i < hw; i++) {
          ga += a[p * hw + i] * a[q * hw + i];
          gb += b[p * hw + i] * b[q * hw + i];
        }
        double d = (ga - gb) / (c * hw);
        s += d * d;
      }
    }
    return s / (c * c);
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    return Oracle.of(FeatureOracles.values(cache, in, p, true, StyleLossTest::gramMse));
  }

  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    return List.of(
        new Tensor[] {
          Samples.uniform(r, 0, 255, 2, 3, 9, 5), Samples.uniform(r, 0, 255, 2, 3, 9, 5)
        },
        new Tensor[] {Samples.normal(r, 100, 1, 2, 4, 11), Samples.normal(r, 100, 1, 2, 4, 11)});
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    // The gradient grows with the cube of the scale: 1e9 keeps it within float32.
    return FeatureTests.extremes(r, 1e9);
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return FeatureTests.badInputs(true);
  }

  @Test
  void identicalImagesGiveZeroValueAndGradient() {
    FeatureTests.identicalGiveZero("style", 0);
  }

  @Test
  void gramMatricesIgnoreWherePositionsAre() {
    // Precomputed maps whose positions are permuted have the same Gram matrix: value 0.
    SplittableRandom r = new SplittableRandom(3);
    Tensor a = Samples.normal(r, 1, 2, 4, 3, 5);
    float[] b = a.data().clone();
    int hw = 15;
    for (int img = 0; img < 8; img++) {
      for (int i = 0; i < hw; i++) {
        b[img * hw + i] = a.data()[img * hw + (i * 7) % hw];
      }
    }
    Loss pre = Catalog.builtin().get("style").create(Map.of("features", "precomputed"));
    assertEquals(0, pre.value(Reduction.SUM, a, Tensor.of(b, 2, 4, 3, 5)), 1e-12);
    assertTrue(
        Catalog.builtin()
                .get("perceptual")
                .create(Map.of("features", "precomputed"))
                .value(Reduction.SUM, a, Tensor.of(b, 2, 4, 3, 5))
            > 0.1);
  }

  @Test
  void extremeImagesStayFinite() {
    FeatureTests.extremesStayFinite("style", 1e9f);
  }
}

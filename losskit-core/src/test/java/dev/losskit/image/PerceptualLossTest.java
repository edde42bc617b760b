package dev.losskit.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

class PerceptualLossTest extends LossContractTest {
  private final PerImageCache cache = new PerImageCache();

  @Override
  protected String id() {
    return "perceptual";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("layers", "2", "weights", "0.5"),
        Map.of("layers", "1,3", "weights", "2,0.25"),
        Map.of("features", "precomputed"));
  }

  static double mse(double[] a, double[] b, int c, int hw) {
    double s = 0;
    for (int i = 0; i < c * hw; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return s / (c * hw);
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    return Oracle.of(FeatureOracles.values(cache, in, p, true, PerceptualLossTest::mse));
  }

  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    // Odd sides (pooling drops a row and a column), the smallest image, a wide one.
    return List.of(
        new Tensor[] {Samples.uniform(r, 0, 1, 2, 3, 9, 5), Samples.uniform(r, 0, 1, 2, 3, 9, 5)},
        new Tensor[] {Samples.uniform(r, 0, 1, 1, 2, 4, 4), Samples.uniform(r, 0, 1, 1, 2, 4, 4)},
        new Tensor[] {Samples.normal(r, 1, 2, 1, 4, 12), Samples.normal(r, 1, 2, 1, 4, 12)});
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return FeatureTests.extremes(r, 1e15);
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return FeatureTests.badInputs(true);
  }

  @Test
  void identicalImagesGiveZeroValueAndGradient() {
    FeatureTests.identicalGiveZero("perceptual", 0);
  }

  @Test
  void precomputedFeaturesGiveTheMeanSquaredError() {
    Tensor[] in = FeatureTests.pair(new SplittableRandom(1), 3, 5, 6, 7);
    double v = loss(Map.of("features", "precomputed")).value(Reduction.MEAN, in);
    double mse = Catalog.builtin().get("mse").create().value(Reduction.MEAN, in);
    assertEquals(mse, v, 1e-9);
  }

  @Test
  void anotherExtractorPlugsIn() {
    // The identity as a one-layer extractor: the loss is the per-image MSE of the images.
    Tensor[] in = FeatureTests.pair(new SplittableRandom(2), 2, 3, 5, 4);
    Loss viaIdentity =
        PerceptualLoss.with(FeatureTests.IDENTITY, Map.of("layers", "1", "weights", "1"));
    Loss precomputed = loss(Map.of("features", "precomputed"));
    LossResult a = viaIdentity.evaluate(Reduction.MEAN, in);
    LossResult b = precomputed.evaluate(Reduction.MEAN, in);
    assertEquals(b.value(), a.value(), 1e-12);
    float[] ga = a.grad(0).data();
    float[] gb = b.grad(0).data();
    for (int i = 0; i < ga.length; i++) {
      assertEquals(gb[i], ga[i], 1e-7);
    }
  }

  @Test
  void extremeImagesStayFinite() {
    FeatureTests.extremesStayFinite("perceptual", 1e18f);
  }

  private static Loss loss(Map<String, ?> p) {
    return Catalog.builtin().get("perceptual").create(p);
  }
}

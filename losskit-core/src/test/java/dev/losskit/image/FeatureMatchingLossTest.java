package dev.losskit.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.LossSpec;
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

class FeatureMatchingLossTest extends LossContractTest {
  private final PerImageCache cache = new PerImageCache();

  @Override
  protected String id() {
    return "feature-matching";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("layers", "1"), Map.of("layers", "3,2"), Map.of("features", "precomputed"));
  }

  static double l1(double[] a, double[] b, int c, int hw) {
    double s = 0;
    for (int i = 0; i < c * hw; i++) {
      s += Math.abs(a[i] - b[i]);
    }
    return s / (c * hw);
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    return Oracle.of(FeatureOracles.values(cache, in, p, false, FeatureMatchingLossTest::l1));
  }

  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    return List.of(
        new Tensor[] {Samples.uniform(r, 0, 1, 2, 3, 9, 5), Samples.uniform(r, 0, 1, 2, 3, 9, 5)},
        new Tensor[] {Samples.normal(r, 1, 1, 2, 5, 10), Samples.normal(r, 1, 1, 2, 5, 10)});
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return FeatureTests.extremes(r, 1e30);
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return FeatureTests.badInputs(false);
  }

  @Test
  void onlyTheGeneratedImagesAreDifferentiable() {
    LossSpec s = Catalog.builtin().get("feature-matching");
    assertTrue(s.inputs().get(0).differentiable());
    assertFalse(s.inputs().get(1).differentiable());
    assertTrue(s.inputs().get(0).description().contains("generated"));
    assertTrue(s.inputs().get(1).description().contains("real"));
  }

  @Test
  void identicalImagesGiveZeroValueAndGradient() {
    FeatureTests.identicalGiveZero("feature-matching", 0);
  }

  @Test
  void layersAreAveraged() {
    Tensor[] in = FeatureTests.pair(new SplittableRandom(4), 2, 3, 8, 8);
    double all = value(Map.of(), in);
    double sum = 0;
    for (String l : List.of("1", "2", "3")) {
      sum += value(Map.of("layers", l), in);
    }
    assertEquals(sum / 3, all, 1e-12);
  }

  @Test
  void extremeImagesStayFinite() {
    FeatureTests.extremesStayFinite("feature-matching", 3e38f);
  }

  private static double value(Map<String, ?> p, Tensor[] in) {
    return Catalog.builtin().get("feature-matching").create(p).value(Reduction.MEAN, in);
  }
}

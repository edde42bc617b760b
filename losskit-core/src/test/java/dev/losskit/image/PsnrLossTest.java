package dev.losskit.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

class PsnrLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "psnr";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("data-range", 255.0), Map.of("data-range", "2"));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double range = p.real("data-range");
    double[] x = in.get(0);
    double[] y = in.get(1);
    int n = in.shape(0)[0];
    int size = n == 0 ? 0 : x.length / n;
    double[] l = new double[n];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = i * size; j < (i + 1) * size; j++) {
        s += (x[j] - y[j]) * (x[j] - y[j]);
      }
      double mse = Math.max(s / size, 1e-10 * range * range);
      l[i] = -10 * Math.log10(range * range / mse);
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    double range = p.real("data-range");
    return List.of(Images.noisyPair(r, range, 2, 3, 7, 9), Images.noisyPair(r, range, 4, 1, 1, 1));
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    float[] big = {3e38f, -3e38f, 1e30f, 0};
    float[] zero = new float[4];
    float[] tiny = {1e-30f, 0, 0, 0};
    int[] s = {1, 1, 2, 2};
    return List.<Tensor[]>of(
        new Tensor[] {Tensor.of(big, s), Tensor.of(zero, s)},
        new Tensor[] {Tensor.of(zero, s), Tensor.of(zero.clone(), s)},
        new Tensor[] {Tensor.of(tiny, s), Tensor.of(zero, s)});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "target of another shape",
            new Tensor[] {Tensor.of(new float[6], 1, 1, 2, 3), Tensor.of(new float[6], 1, 1, 3, 2)},
            "target",
            "(1, 1, 2, 3)",
            "(1, 1, 3, 2)"),
        new BadInput(
            "flat vectors",
            new Tensor[] {Tensor.of(new float[6]), Tensor.of(new float[6])},
            "pred",
            "(N, C, H, W)"));
  }

  private static Loss loss(Map<String, ?> p) {
    return Catalog.builtin().get("psnr").create(p);
  }

  @Test
  void identicalImagesAreCappedAtOneHundredDecibels() {
    Tensor[] in = Images.noisyPair(new SplittableRandom(1), 1, 2, 3, 4, 4);
    LossResult r = loss(Map.of()).evaluate(Reduction.MEAN, in[1], in[1]);
    assertEquals(-100, r.value(), 1e-9);
    for (float g : r.grad(0).data()) {
      assertEquals(0, g, 0);
    }
  }

  @Test
  void knownValue() {
    // mse = 0.01 with data range 1: PSNR 20 dB; with range 255 and errors scaled by 255, also 20.
    float[] p = {0.1f, 0.1f, 0.1f, 0.1f};
    float[] t = new float[4];
    assertEquals(
        -20,
        loss(Map.of()).value(Reduction.MEAN, Tensor.of(p, 1, 1, 2, 2), Tensor.of(t, 1, 1, 2, 2)),
        1e-6);
    float[] q = {25.5f, 25.5f, 25.5f, 25.5f};
    assertEquals(
        -20,
        loss(Map.of("data-range", 255))
            .value(Reduction.MEAN, Tensor.of(q, 1, 1, 2, 2), Tensor.of(t, 1, 1, 2, 2)),
        1e-6);
  }

  @Test
  void theMeanIsOverPerImageValues() {
    // Image 0 has mse 1 (0 dB), image 1 mse 0.01 (20 dB): mean -10, not -PSNR of the pooled mse.
    float[] p = {1, 1, 0.1f, 0.1f};
    float[] t = new float[4];
    assertEquals(
        -10,
        loss(Map.of()).value(Reduction.MEAN, Tensor.of(p, 2, 1, 1, 2), Tensor.of(t, 2, 1, 1, 2)),
        1e-6);
  }
}

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

class TotalVariationLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "total-variation";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("kind", "isotropic"),
        Map.of("kind", "isotropic", "eps", 0.01),
        Map.of("kind", "isotropic", "eps", 0.0),
        Map.of("kind", "squared"));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    String kind = p.text("kind");
    double eps = p.real("eps");
    double[] x = in.get(0);
    int[] s = in.shape(0);
    int n = s[0];
    int c = s[1];
    int h = s[2];
    int w = s[3];
    double[] l = new double[n];
    for (int i = 0; i < n; i++) {
      for (int ch = 0; ch < c; ch++) {
        int o = (i * c + ch) * h * w;
        for (int a = 0; a < h; a++) {
          for (int b = 0; b < w; b++) {
            double v = x[o + a * w + b];
            double dy = a + 1 < h ? x[o + (a + 1) * w + b] - v : Double.NaN;
            double dx = b + 1 < w ? x[o + a * w + b + 1] - v : Double.NaN;
            if (kind.equals("isotropic")) {
              if (a + 1 < h && b + 1 < w) {
                l[i] += Math.sqrt(dy * dy + dx * dx + eps);
              }
            } else {
              for (double d : new double[] {dy, dx}) {
                if (!Double.isNaN(d)) {
                  l[i] += kind.equals("squared") ? d * d : Math.abs(d);
                }
              }
            }
          }
        }
      }
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    return List.of(
        new Tensor[] {Samples.normal(r, 1, 2, 3, 1, 7)},
        new Tensor[] {Samples.normal(r, 1, 1, 2, 6, 1)},
        new Tensor[] {Samples.uniform(r, 0, 255, 2, 3, 4, 5)});
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    // The squared kind's gradient is 2 d: differences of 1e18 keep it within float32, as for mse.
    float m = p.text("kind").equals("squared") ? 1e18f : 3e38f;
    float[] big = {m, -m, m, -m, 0, 1e-30f};
    return List.<Tensor[]>of(
        new Tensor[] {Tensor.of(big, 1, 1, 2, 3)},
        new Tensor[] {Tensor.of(new float[6], 1, 2, 1, 3)},
        new Tensor[] {Tensor.of(new float[0], 0, 1, 2, 2)});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "one image without a batch dimension",
            new Tensor[] {Tensor.of(new float[12], 3, 2, 2)},
            "pred",
            "(N, C, H, W)",
            "(3, 2, 2)"));
  }

  private static Loss loss(Map<String, ?> p) {
    return Catalog.builtin().get("total-variation").create(p);
  }

  @Test
  void constantImagesHaveNoVariationAndNoGradient() {
    float[] x = new float[2 * 3 * 4 * 5];
    java.util.Arrays.fill(x, 0.7f);
    for (String kind : List.of("anisotropic", "squared", "isotropic")) {
      LossResult r =
          loss(Map.of("kind", kind, "eps", 0.0)).evaluate(Reduction.SUM, Tensor.of(x, 2, 3, 4, 5));
      assertEquals(0, r.value(), 0, kind);
      for (float g : r.grad(0).data()) {
        assertEquals(0, g, 0, kind);
      }
    }
  }

  @Test
  void knownValues() {
    // [[0, 1], [3, 2]]: dy = 3, 1; dx = 1, -1.
    Tensor x = Tensor.of(new float[] {0, 1, 3, 2}, 1, 1, 2, 2);
    assertEquals(6, loss(Map.of()).value(Reduction.SUM, x), 0);
    assertEquals(12, loss(Map.of("kind", "squared")).value(Reduction.SUM, x), 0);
    assertEquals(
        Math.sqrt(10),
        loss(Map.of("kind", "isotropic", "eps", 0.0)).value(Reduction.SUM, x),
        1e-12);
  }

  @Test
  void theMeanIsOverImages() {
    Tensor x = Samples.normal(new SplittableRandom(3), 1, 4, 2, 3, 3);
    assertEquals(
        loss(Map.of()).value(Reduction.SUM, x) / 4, loss(Map.of()).value(Reduction.MEAN, x), 1e-12);
  }
}

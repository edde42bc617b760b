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

class SsimLossTest extends LossContractTest {
  private final PerImageCache cache = new PerImageCache();

  @Override
  protected String id() {
    return "ssim";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("window", 7, "sigma", 1.0),
        Map.of("window", 5, "sigma", 0.5, "k1", 0.02, "k2", 0.05),
        Map.of("data-range", 255.0),
        Map.of("window", 1));
  }

  static double ssim(double[] x, double[] y, int[] s, Params p) {
    int win = (int) p.integer("window");
    double[] g = SsimMath.gaussian(win, p.real("sigma"));
    double range = p.real("data-range");
    double c1 = Math.pow(p.real("k1") * range, 2);
    double c2 = Math.pow(p.real("k2") * range, 2);
    int c = s[0];
    int h = s[1];
    int w = s[2];
    double sum = 0;
    for (int ch = 0; ch < c; ch++) {
      sum +=
          SsimMath.mapSum(
              SsimMath.channel(x, ch, h, w), SsimMath.channel(y, ch, h, w), h, w, g, c1, c2, true);
    }
    return sum / ((double) c * (h - win + 1) * (w - win + 1));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    return Oracle.of(cache.values(in, p, (x, y, s) -> 1 - ssim(x, y, s, p)));
  }

  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    int win = (int) p.integer("window");
    double range = p.real("data-range");
    // Two channels, a tall and a wide image, an exactly windowed image of three channels.
    return List.of(
        Images.noisyPair(r, range, 2, 2, win + 4, win),
        Images.noisyPair(r, range, 1, 3, win, win + 5),
        Images.noisyPair(r, range, 3, 3, win, win));
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    int win = (int) p.integer("window");
    int size = 2 * win * win;
    float[] big = new float[size];
    float[] zero = new float[size];
    float[] neg = new float[size];
    float[] noise = new float[size];
    for (int i = 0; i < size; i++) {
      big[i] = 1e30f;
      neg[i] = -3e38f;
      noise[i] = (float) (1e30 * (r.nextDouble() - 0.5));
    }
    int[] shape = {1, 2, win, win};
    return List.<Tensor[]>of(
        new Tensor[] {Tensor.of(big, shape), Tensor.of(zero, shape)},
        new Tensor[] {Tensor.of(zero, shape), Tensor.of(zero, shape)},
        new Tensor[] {Tensor.of(neg, shape), Tensor.of(big, shape)},
        new Tensor[] {Tensor.of(noise, shape), Tensor.of(noise.clone(), shape)},
        new Tensor[] {Tensor.of(noise, shape), Tensor.of(big, shape)});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "images without a batch dimension",
            new Tensor[] {
              Tensor.of(new float[121], 1, 11, 11), Tensor.of(new float[121], 1, 11, 11)
            },
            "pred",
            "(N, C, H, W)",
            "(1, 11, 11)"),
        new BadInput(
            "target of another size",
            new Tensor[] {
              Tensor.of(new float[144], 1, 1, 12, 12), Tensor.of(new float[132], 1, 1, 12, 11)
            },
            "target",
            "(1, 1, 12, 12)",
            "(1, 1, 12, 11)"),
        new BadInput(
            "images smaller than the window",
            new Tensor[] {
              Tensor.of(new float[110], 1, 1, 10, 11), Tensor.of(new float[110], 1, 1, 10, 11)
            },
            "pred",
            "11x11",
            "(1, 1, 10, 11)"),
        new BadInput(
            "even window",
            Map.of("window", 6),
            new Tensor[] {
              Tensor.of(new float[144], 1, 1, 12, 12), Tensor.of(new float[144], 1, 1, 12, 12)
            },
            "window",
            "odd",
            "6"));
  }

  private static Loss loss(Map<String, ?> p) {
    return Catalog.builtin().get("ssim").create(p);
  }

  @Test
  void identicalImagesGiveZeroValueAndGradient() {
    Tensor[] in = Images.noisyPair(new SplittableRandom(1), 1, 2, 3, 14, 12);
    LossResult r = loss(Map.of()).evaluate(Reduction.SUM, in[1], in[1]);
    assertEquals(0, r.value(), 1e-12);
    for (float g : r.grad(0).data()) {
      assertEquals(0, g, 1e-9);
    }
  }

  @Test
  void constantImagesCompareLuminanceOnly() {
    // sigma = 0 everywhere: SSIM = (2 a b + C1) / (a^2 + b^2 + C1).
    float[] a = new float[2 * 11 * 13];
    float[] b = new float[a.length];
    java.util.Arrays.fill(a, 0.25f);
    java.util.Arrays.fill(b, 0.75f);
    double c1 = 1e-4;
    double expected = 1 - (2 * 0.25 * 0.75 + c1) / (0.25 * 0.25 + 0.75 * 0.75 + c1);
    double v =
        loss(Map.of())
            .value(Reduction.MEAN, Tensor.of(a, 1, 2, 11, 13), Tensor.of(b, 1, 2, 11, 13));
    assertEquals(expected, v, 1e-12);
  }

  @Test
  void dataRangeScalesTheConstants() {
    Tensor[] in = Images.noisyPair(new SplittableRandom(2), 1, 2, 1, 15, 13);
    float[] p = in[0].data().clone();
    float[] t = in[1].data().clone();
    for (int i = 0; i < p.length; i++) {
      p[i] *= 255;
      t[i] *= 255;
    }
    double one = loss(Map.of()).value(Reduction.MEAN, in);
    double scaled =
        loss(Map.of("data-range", 255))
            .value(Reduction.MEAN, Tensor.of(p, in[0].shape()), Tensor.of(t, in[1].shape()));
    assertEquals(one, scaled, 1e-6);
  }

  @Test
  void channelsAreAveraged() {
    Tensor[] in = Images.noisyPair(new SplittableRandom(3), 1, 1, 3, 12, 12);
    double all = loss(Map.of()).value(Reduction.SUM, in);
    double sum = 0;
    for (int c = 0; c < 3; c++) {
      float[] p = java.util.Arrays.copyOfRange(in[0].data(), c * 144, (c + 1) * 144);
      float[] t = java.util.Arrays.copyOfRange(in[1].data(), c * 144, (c + 1) * 144);
      sum +=
          loss(Map.of())
              .value(Reduction.SUM, Tensor.of(p, 1, 1, 12, 12), Tensor.of(t, 1, 1, 12, 12));
    }
    assertEquals(sum / 3, all, 1e-12);
  }

  @Test
  void windowOfOneIsPixelwiseLuminance() {
    float[] p = {0.1f, 0.9f};
    float[] t = {0.3f, 0.4f};
    double c1 = 1e-4;
    double expected = 0;
    for (int i = 0; i < 2; i++) {
      expected += 1 - (2.0 * p[i] * t[i] + c1) / ((double) p[i] * p[i] + (double) t[i] * t[i] + c1);
    }
    double v =
        loss(Map.of("window", 1))
            .value(Reduction.MEAN, Tensor.of(p, 1, 1, 1, 2), Tensor.of(t, 1, 1, 1, 2));
    assertEquals(expected / 2, v, 1e-7);
  }
}

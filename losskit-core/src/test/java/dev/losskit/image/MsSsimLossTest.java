package dev.losskit.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.testing.LossContractTest;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MsSsimLossTest extends LossContractTest {
  private final MsSsimOracle state = new MsSsimOracle();

  @Override
  protected String id() {
    return "ms-ssim";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("window", 3, "weights", "0.2,0.3,0.5"),
        Map.of("window", 3, "data-range", 255.0),
        Map.of("window", 5, "sigma", 1.0, "weights", "0.5,0,0.5"),
        Map.of("window", 7, "weights", "1"));
  }

  /**
   * Tighter than the default: each pixel of a 161 x 161 image moves the loss by about 1e-6, which
   * the default absolute floor (1e-6 of the largest element) would not resolve. The oracle's
   * central differences are accurate to about 1e-11 here, so 1e-6 relative and 1e-8 absolute hold.
   */
  @Override
  protected double gradTolerance() {
    return 1e-6;
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    return Oracle.of(state.values(in, p));
  }

  private static int minSide(Params p) {
    return (int) ((p.integer("window") - 1) * (1L << (p.reals("weights").length - 1)) + 1);
  }

  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    int m = minSide(p);
    double range = p.real("data-range");
    if (m > 60) {
      return List.of();
    }
    // Several images and channels, odd and even sides at every scale.
    return List.of(
        Images.noisyPair(r, range, 2, 3, m, m + 3), Images.noisyPair(r, range, 3, 1, m + 6, m + 1));
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    int m = minSide(p);
    int size = m * m;
    float[] big = new float[size];
    float[] zero = new float[size];
    float[] t = new float[size];
    float[] anti = new float[size];
    for (int i = 0; i < size; i++) {
      big[i] = 1e30f;
      t[i] = (float) r.nextDouble();
      anti[i] = -t[i];
    }
    int[] shape = {1, 1, m, m};
    List<Tensor[]> out = new ArrayList<>();
    out.add(new Tensor[] {Tensor.of(big, shape), Tensor.of(zero, shape)});
    out.add(new Tensor[] {Tensor.of(zero, shape), Tensor.of(zero, shape)});
    out.add(new Tensor[] {Tensor.of(anti, shape), Tensor.of(t, shape)});
    out.add(new Tensor[] {Tensor.of(t, shape), Tensor.of(t.clone(), shape)});
    return out;
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "images one pixel short of the pyramid",
            new Tensor[] {
              Tensor.of(new float[160 * 170], 1, 1, 160, 170),
              Tensor.of(new float[160 * 170], 1, 1, 160, 170)
            },
            "pred",
            "161x161",
            "(1, 1, 160, 170)"),
        new BadInput(
            "target of another shape",
            new Tensor[] {
              Tensor.of(new float[2 * 161 * 161], 1, 2, 161, 161),
              Tensor.of(new float[161 * 161], 1, 1, 161, 161)
            },
            "target",
            "(1, 2, 161, 161)"),
        new BadInput(
            "a single image without batch and channel",
            new Tensor[] {Tensor.of(new float[4], 2, 2), Tensor.of(new float[4], 2, 2)},
            "pred",
            "(N, C, H, W)"),
        new BadInput(
            "three scales of a window of 5 need 17 pixels",
            Map.of("window", 5, "weights", "1,1,1"),
            new Tensor[] {
              Tensor.of(new float[16 * 20], 1, 1, 20, 16),
              Tensor.of(new float[16 * 20], 1, 1, 20, 16)
            },
            "pred",
            "17x17"),
        new BadInput(
            "more scales than any image holds",
            Map.of("weights", "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1"),
            new Tensor[] {Tensor.of(new float[4], 1, 1, 2, 2), Tensor.of(new float[4], 1, 1, 2, 2)},
            "weights",
            "21 scales"),
        new BadInput(
            "even window",
            Map.of("window", 4),
            new Tensor[] {Tensor.of(new float[4], 1, 1, 2, 2), Tensor.of(new float[4], 1, 1, 2, 2)},
            "window",
            "4"));
  }

  private static Loss loss(Map<String, ?> p) {
    return Catalog.builtin().get("ms-ssim").create(p);
  }

  @Test
  void theOracleShortcutAgreesWithFullEvaluations() {
    Params p = Catalog.builtin().get("ms-ssim").params(Map.of("window", 5));
    Tensor[] in = Images.noisyPair(new SplittableRandom(4), 1, 2, 2, 66, 67);
    OracleInputs oi = new OracleInputs(in);
    MsSsimOracle o = new MsSsimOracle();
    o.values(oi, p);
    SplittableRandom r = new SplittableRandom(5);
    double[] x = oi.get(0);
    for (int k = 0; k < 40; k++) {
      // One to four elements at once, anywhere (several may share a window or a pooling cell).
      int moved = 1 + k % 4;
      int[] at = new int[moved];
      double[] was = new double[moved];
      for (int q = 0; q < moved; q++) {
        at[q] = q > 0 && k % 2 == 0 ? Math.min(x.length - 1, at[q - 1] + 1) : r.nextInt(x.length);
        was[q] = x[at[q]];
      }
      for (int q = 0; q < moved; q++) {
        x[at[q]] += 0.3 * (r.nextDouble() - 0.5);
      }
      int before = o.fullEvaluations;
      double[] fast = o.values(oi, p);
      assertEquals(before, o.fullEvaluations, "the shortcut was taken");
      double[] slow = new MsSsimOracle().values(oi, p);
      for (int n = 0; n < fast.length; n++) {
        assertEquals(
            slow[n], fast[n], 1e-13, "image " + n + " after moving " + moved + " elements");
      }
      for (int q = moved - 1; q >= 0; q--) {
        x[at[q]] = was[q];
      }
    }
  }

  @Test
  void oneScaleWithWeightOneIsSsim() {
    Tensor[] in = Images.noisyPair(new SplittableRandom(6), 1, 2, 3, 13, 15);
    LossResult ms = loss(Map.of("weights", "1")).evaluate(Reduction.MEAN, in);
    LossResult ss = Catalog.builtin().get("ssim").create().evaluate(Reduction.MEAN, in);
    assertEquals(ss.value(), ms.value(), 1e-12);
    float[] a = ms.grad(0).data();
    float[] b = ss.grad(0).data();
    for (int i = 0; i < a.length; i++) {
      assertEquals(b[i], a[i], 1e-7);
    }
  }

  @Test
  void identicalImagesGiveZeroValueAndGradient() {
    Tensor[] in = Images.noisyPair(new SplittableRandom(7), 255, 1, 3, 170, 163);
    LossResult r = loss(Map.of("data-range", 255)).evaluate(Reduction.SUM, in[1], in[1]);
    assertEquals(0, r.value(), 1e-12);
    for (float g : r.grad(0).data()) {
      assertEquals(0, g, 1e-9);
    }
  }

  @Test
  void anticorrelatedImagesAreClampedToOneWithoutGradient() {
    Tensor[] in = Images.noisyPair(new SplittableRandom(8), 1, 1, 1, 33, 33);
    float[] anti = in[1].data().clone();
    for (int i = 0; i < anti.length; i++) {
      anti[i] = -anti[i];
    }
    LossResult r =
        loss(Map.of("window", 3, "weights", "0.5,0.5"))
            .evaluate(Reduction.SUM, Tensor.of(anti, 1, 1, 33, 33), in[1]);
    assertEquals(1, r.value(), 0);
    for (float g : r.grad(0).data()) {
      assertEquals(0, g, 0);
    }
  }

  @Test
  void constantImagesOfTheSameValueGiveZero() {
    float[] a = new float[161 * 161];
    java.util.Arrays.fill(a, 0.4f);
    double v =
        loss(Map.of())
            .value(Reduction.MEAN, Tensor.of(a, 1, 1, 161, 161), Tensor.of(a, 1, 1, 161, 161));
    assertEquals(0, v, 1e-12);
    float[] b = new float[a.length];
    java.util.Arrays.fill(b, 0.8f);
    // Only the luminance of the last scale differs: 1 - l^w5.
    double l = (2 * 0.4 * 0.8 + 1e-4) / (0.16 + 0.64 + 1e-4);
    double expected = 1 - Math.pow(l, 0.1333);
    double w =
        loss(Map.of())
            .value(Reduction.MEAN, Tensor.of(a, 1, 1, 161, 161), Tensor.of(b, 1, 1, 161, 161));
    assertEquals(expected, w, 1e-6);
    assertTrue(w > 0);
  }
}

package dev.losskit.segmentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.LossResult;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.internal.Samples;
import dev.losskit.testing.LossContractTest;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LovaszSoftmaxLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "lovasz-softmax";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("classes", "all"),
        Map.of("per-image", true),
        Map.of("per-image", true, "classes", "all", "ignore-index", 255),
        Map.of("ignore-index", 0));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    return oracle(SegOracle.Raw.of(in), p);
  }

  static Oracle oracle(SegOracle.Raw in, Params p) {
    long ignore = p.integer("ignore-index");
    boolean all = p.text("classes").equals("all");
    boolean perImage = p.bool("per-image");
    SegOracle o = SegOracle.of(in, false, ignore, false);
    int groups = perImage ? o.batch : 1;
    double[] values = new double[groups];
    for (int g = 0; g < groups; g++) {
      List<Integer> pixels = new ArrayList<>();
      for (int n = perImage ? g : 0; n < (perImage ? g + 1 : o.batch); n++) {
        for (int s = 0; s < o.spatial; s++) {
          if (o.valid[n * o.spatial + s]) {
            pixels.add(n * o.spatial + s);
          }
        }
      }
      double sum = 0;
      int count = 0;
      for (int c = 0; c < o.classes && !pixels.isEmpty(); c++) {
        double[] e = new double[pixels.size()];
        double[] fg = new double[pixels.size()];
        double present = 0;
        for (int k = 0; k < e.length; k++) {
          int px = pixels.get(k);
          int i = o.at(px / o.spatial, c, px % o.spatial);
          fg[k] = o.t[i];
          e[k] = Math.abs(fg[k] - o.p[i]);
          present += fg[k];
        }
        if (!all && present == 0) {
          continue;
        }
        sum += SegOracle.lovasz(e, fg, false);
        count++;
      }
      values[g] = count == 0 ? 0 : sum / count;
    }
    return Oracle.of(values);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    int ignore = (int) p.integer("ignore-index");
    List<Tensor[]> out = new ArrayList<>();
    // One-hot probabilities of exactly 0 and 1, right and wrong.
    float[] x = new float[2 * 3 * 4];
    int[] y = new int[8];
    for (int n = 0; n < 2; n++) {
      for (int s = 0; s < 4; s++) {
        int c = r.nextInt(3);
        x[(n * 3 + c) * 4 + s] = 1;
        y[n * 4 + s] = s == 0 ? (c + 1) % 3 : c;
      }
    }
    out.add(new Tensor[] {Tensor.shaped(x, new int[] {2, 3, 2, 2}), Tensor.indices(y, 2, 2, 2)});
    int[] none = new int[8];
    java.util.Arrays.fill(none, ignore);
    out.add(new Tensor[] {Samples.simplex(r, 2, 3, 4), Tensor.indices(none, 2, 4)});
    out.add(new Tensor[] {Samples.simplex(r, 1, 4, 1, 1), Tensor.indices(new int[] {2}, 1, 1, 1)});
    return out;
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor p = Samples.simplex(r, 2, 3, 4);
    return List.of(
        new BadInput(
            "floating target", new Tensor[] {p, Samples.binary(r, 2, 4)}, "target", "integer"),
        new BadInput(
            "class index out of range",
            new Tensor[] {p, Tensor.indices(new int[] {0, 1, 2, 3, 0, 1, 2, 0}, 2, 4)},
            "target",
            "[0, 3)",
            "found 3"),
        new BadInput(
            "indices of the wrong shape",
            new Tensor[] {p, Samples.classes(r, 3, 2, 3)},
            "target",
            "(2, 4)"),
        new BadInput(
            "probability above 1",
            new Tensor[] {
              Tensor.shaped(new float[] {0.5f, 1.25f}, new int[] {1, 2, 1}),
              Tensor.indices(new int[] {0}, 1, 1)
            },
            "pred",
            "1.25"),
        new BadInput(
            "no class dimension",
            new Tensor[] {Samples.probabilities(r, 4), Samples.classes(r, 1, 4)},
            "pred",
            "(N, C"));
  }

  /**
   * Probabilities of 2 pixels x 2 classes: pixel 0 (0.8, 0.2) label 0; pixel 1 (0.3, 0.7) label 0.
   */
  static final Tensor P = Tensor.shaped(new float[] {0.8f, 0.3f, 0.2f, 0.7f}, new int[] {1, 2, 2});

  static final Tensor Y = Tensor.indices(new int[] {0, 0}, 1, 2);

  @Test
  void handComputedValues() {
    // class 0: errors (0.2, 0.7), fg (1, 1): sorted 0.7, 0.2; lovasz_grad (0.5, 0.5): 0.45.
    // class 1: errors (0.2, 0.7), fg (0, 0): absent; with classes=all lovasz_grad (1, 0): 0.7.
    assertEquals(0.45, spec().create().value(Reduction.MEAN, P, Y), 1e-7);
    assertEquals(
        (0.45 + 0.7) / 2,
        spec().create(Map.of("classes", "all")).value(Reduction.MEAN, P, Y),
        1e-7);
    LossResult r = spec().create(Map.of("classes", "all")).evaluate(Reduction.MEAN, P, Y);
    // d/dp: class 0 -0.5 each (divided by 2 classes); class 1: pixel 1 (largest error) +1 / 2.
    assertArrayEquals(new float[] {-0.25f, -0.25f, 0, 0.5f}, r.grad(0).data(), 1e-7f);
  }

  @Test
  void everyPixelIgnoredGivesZeroAndNoGradient() {
    Tensor y = Tensor.indices(new int[] {-100, -100}, 1, 2);
    for (Map<String, ?> given :
        List.<Map<String, ?>>of(Map.of(), Map.of("classes", "all", "per-image", true))) {
      LossResult r = spec().create(given).evaluate(Reduction.MEAN, P, y);
      assertEquals(0.0, r.value());
      assertArrayEquals(new float[4], r.grad(0).data());
    }
  }

  @Test
  void ignoredPixelsAreLeftOutAsIfCroppedAway() {
    SplittableRandom r = new SplittableRandom(23);
    Tensor p = Samples.simplex(r, 2, 3, 3);
    int[] y = {0, 2, 1, 1, 0, 2};
    int[] yi = {0, -100, 1, 1, -100, 2};
    float[] kept = new float[2 * 3 * 2];
    int[] yk = {0, 1, 1, 2};
    for (int n = 0; n < 2; n++) {
      int k = 0;
      for (int s = 0; s < 3; s++) {
        if (yi[n * 3 + s] != -100) {
          for (int c = 0; c < 3; c++) {
            kept[(n * 3 + c) * 2 + k] = p.data()[(n * 3 + c) * 3 + s];
          }
          k++;
        }
      }
    }
    for (Map<String, ?> given :
        List.<Map<String, ?>>of(Map.of(), Map.of("per-image", true, "classes", "all"))) {
      double full = spec().create(given).value(Reduction.SUM, p, Tensor.indices(y, 2, 3));
      double ignored = spec().create(given).value(Reduction.SUM, p, Tensor.indices(yi, 2, 3));
      double cropped =
          spec()
              .create(given)
              .value(
                  Reduction.SUM,
                  Tensor.shaped(kept, new int[] {2, 3, 2}),
                  Tensor.indices(yk, 2, 2));
      assertEquals(cropped, ignored, 1e-7);
      assertTrue(Math.abs(full - ignored) > 1e-6);
      float[] g =
          spec().create(given).evaluate(Reduction.SUM, p, Tensor.indices(yi, 2, 3)).grad(0).data();
      for (int c = 0; c < 3; c++) {
        assertEquals(0f, g[(0 * 3 + c) * 3 + 1]);
        assertEquals(0f, g[(1 * 3 + c) * 3 + 1]);
      }
    }
  }

  @Test
  void classesPresentSkipsAbsentClassesOfEachImage() {
    // Image 0 has only class 0, image 1 classes 1 and 2.
    SplittableRandom r = new SplittableRandom(24);
    Tensor p = Samples.simplex(r, 2, 3, 2);
    Tensor y = Tensor.indices(new int[] {0, 0, 1, 2}, 2, 2);
    Params present = spec().params(Map.of("per-image", true));
    Params all = spec().params(Map.of("per-image", true, "classes", "all"));
    float[] vp =
        spec().create(Map.of("per-image", true)).evaluate(Reduction.NONE, p, y).values().data();
    float[] va =
        spec()
            .create(Map.of("per-image", true, "classes", "all"))
            .evaluate(Reduction.NONE, p, y)
            .values()
            .data();
    double[] op = oracle(SegOracle.Raw.of(p, y), present).values();
    double[] oa = oracle(SegOracle.Raw.of(p, y), all).values();
    for (int n = 0; n < 2; n++) {
      assertEquals(op[n], vp[n], 1e-6);
      assertEquals(oa[n], va[n], 1e-6);
      assertTrue(Math.abs(vp[n] - va[n]) > 1e-6);
    }
  }
}

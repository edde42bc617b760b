package dev.losskit.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.LossResult;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.internal.Samples;
import dev.losskit.testing.LossContractTest.BadInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Cases shared by the tests of the feature losses. */
final class FeatureTests {
  private FeatureTests() {}

  /** A one-layer extractor whose features are the images themselves. */
  static final FeatureExtractor IDENTITY =
      new FeatureExtractor() {
        @Override
        public int layers() {
          return 1;
        }

        @Override
        public void check(String input, int[] shape, int deepest) {}

        @Override
        public Features forward(double[] images, int[] shape, int deepest) {
          return new Features() {
            @Override
            public int[] shape(int l) {
              return shape.clone();
            }

            @Override
            public double[] layer(int l) {
              return images;
            }

            @Override
            public void backward(double[][] featureGrads, double[] imageGrad) {
              System.arraycopy(featureGrads[0], 0, imageGrad, 0, imageGrad.length);
            }
          };
        }
      };

  static Tensor[] pair(SplittableRandom r, int n, int c, int h, int w) {
    return new Tensor[] {
      Samples.uniform(r, 0, 1, n, c, h, w), Samples.uniform(r, 0, 1, n, c, h, w)
    };
  }

  /** Large, constant, zero and identical images. */
  static List<Tensor[]> extremes(SplittableRandom r, double big) {
    List<Tensor[]> out = new ArrayList<>();
    Tensor[] p = pair(r, 2, 3, 6, 5);
    float[] large = p[0].data().clone();
    float[] constant = new float[large.length];
    for (int i = 0; i < large.length; i++) {
      large[i] = (float) (big * (large[i] - 0.5));
      constant[i] = 0.5f;
    }
    int[] s = p[0].shape();
    out.add(new Tensor[] {Tensor.of(large, s), p[1]});
    out.add(new Tensor[] {p[0], Tensor.of(large, s)});
    out.add(new Tensor[] {Tensor.of(constant, s), p[1]});
    out.add(new Tensor[] {Tensor.of(new float[large.length], s), Tensor.of(constant, s)});
    out.add(
        new Tensor[] {
          Tensor.of(new float[large.length], s), Tensor.of(new float[large.length], s)
        });
    out.add(new Tensor[] {p[1], p[1]});
    return out;
  }

  static List<BadInput> badInputs(boolean weighted) {
    List<BadInput> out = new ArrayList<>();
    out.add(
        new BadInput(
            "images without a batch dimension",
            new Tensor[] {Tensor.of(new float[48], 3, 4, 4), Tensor.of(new float[48], 3, 4, 4)},
            "pred",
            "(N, C, H, W)",
            "(3, 4, 4)"));
    out.add(
        new BadInput(
            "target of another size",
            new Tensor[] {
              Tensor.of(new float[48], 1, 3, 4, 4), Tensor.of(new float[60], 1, 3, 4, 5)
            },
            "target",
            "(1, 3, 4, 4)",
            "(1, 3, 4, 5)"));
    out.add(
        new BadInput(
            "too small for layer 3",
            new Tensor[] {
              Tensor.of(new float[12], 1, 1, 3, 4), Tensor.of(new float[12], 1, 1, 3, 4)
            },
            "pred",
            "4x4",
            "(1, 1, 3, 4)"));
    out.add(
        new BadInput(
            "a layer the extractor does not have",
            Map.of("layers", "4"),
            new Tensor[] {
              Tensor.of(new float[16], 1, 1, 4, 4), Tensor.of(new float[16], 1, 1, 4, 4)
            },
            "layers",
            "1 to 3",
            "4"));
    out.add(
        new BadInput(
            "a fractional layer",
            Map.of("layers", "1.5"),
            new Tensor[] {
              Tensor.of(new float[16], 1, 1, 4, 4), Tensor.of(new float[16], 1, 1, 4, 4)
            },
            "layers",
            "1.5"));
    out.add(
        new BadInput(
            "layers with precomputed features",
            Map.of("features", "precomputed", "layers", "2"),
            new Tensor[] {
              Tensor.of(new float[16], 1, 1, 4, 4), Tensor.of(new float[16], 1, 1, 4, 4)
            },
            "layers",
            "precomputed"));
    if (weighted) {
      out.add(
          new BadInput(
              "a weight for each of two layers missing",
              Map.of("layers", "1,2", "weights", "1"),
              new Tensor[] {
                Tensor.of(new float[16], 1, 1, 4, 4), Tensor.of(new float[16], 1, 1, 4, 4)
              },
              "weights",
              "one weight per layer (2)"));
    }
    return out;
  }

  /** Identical images: value {@code expected} and no gradient. */
  static void identicalGiveZero(String id, double tolerance) {
    Tensor[] in = pair(new SplittableRandom(9), 2, 3, 8, 7);
    LossResult r = Catalog.builtin().get(id).create().evaluate(Reduction.SUM, in[1], in[1]);
    assertEquals(0, r.value(), tolerance);
    for (float g : r.grad(0).data()) {
      assertEquals(0, g, 1e-9);
    }
  }

  /**
   * Images of +-magnitude (pred) and 0 (target), and the other way round, give finite values and
   * gradients.
   */
  static void extremesStayFinite(String id, float magnitude) {
    float[] big = new float[2 * 3 * 8 * 8];
    java.util.Arrays.fill(big, magnitude);
    for (int i = 0; i < big.length; i += 3) {
      big[i] = -magnitude;
    }
    Tensor b = Tensor.of(big, 2, 3, 8, 8);
    Tensor z = Tensor.of(new float[big.length], 2, 3, 8, 8);
    for (Tensor[] in : List.of(new Tensor[] {b, z}, new Tensor[] {z, b})) {
      LossResult r = Catalog.builtin().get(id).create().evaluate(Reduction.MEAN, in);
      assertTrue(Double.isFinite(r.value()), id + " value " + r.value());
      for (float g : r.grad(0).data()) {
        assertTrue(Float.isFinite(g), id + " gradient " + g);
      }
    }
  }
}

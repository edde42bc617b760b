package dev.losskit.image;

import dev.losskit.AbstractLoss;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.Shapes;
import dev.losskit.Tensor;
import dev.losskit.internal.Samples;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The shared frame of the losses on feature maps: parameters {@code features}, {@code layers} and
 * {@code weights}; pred and target through the extractor (or taken as precomputed feature maps);
 * one weighted term per layer and image; the gradient back through the extractor to pred.
 */
abstract class FeatureLoss extends AbstractLoss {
  static final double[] DEFAULT_LAYERS = {1, 2, 3};
  static final double[] DEFAULT_WEIGHTS = {1, 1, 1};

  /** The inputs and the parameters every feature loss declares. */
  static LossSpec.Builder start(LossSpec.Builder b, String predWhat, String targetWhat) {
    return b.input("pred", "(N, C, H, W)", InputDomain.REAL, true, predWhat)
        .input("target", "(N, C, H, W)", InputDomain.REAL, false, targetWhat)
        .param(
            ParamSpec.choice(
                "features",
                "extractor",
                List.of("extractor", "precomputed"),
                "run pred and target through the feature extractor (the built-in one unless"
                    + " another is given through the Java API), or take them as the feature maps"
                    + " (N, C, H, W) of one layer"))
        .param(
            ParamSpec.reals(
                "layers",
                DEFAULT_LAYERS,
                Range.atLeast(1),
                "layers of the extractor to compare, from 1 (the built-in extractor has 3)"));
  }

  static ParamSpec weightsParam() {
    return ParamSpec.reals(
        "weights", DEFAULT_WEIGHTS, Range.NONNEGATIVE, "weight of each chosen layer");
  }

  /**
   * n images of one channel (odd n) or three (even n), each side 4 to 7 pixels (layer 3 of the
   * built-in extractor needs 4), values in [0, 1); the target is another random image.
   */
  static Tensor[] sample(Params p, SplittableRandom r, int n) {
    int c = n % 2 == 0 ? 3 : 1;
    int h = 4 + r.nextInt(4);
    int w = 4 + r.nextInt(4);
    return new Tensor[] {
      Samples.uniform(r, 0, 1, n, c, h, w), Samples.uniform(r, 0, 1, n, c, h, w)
    };
  }

  private final FeatureExtractor extractor;
  private final int[] layers;
  private final double[] weights;
  private final int deepest;

  /**
   * @param weighted whether the loss has a {@code weights} parameter; without it every layer has
   *     weight 1 / (number of layers)
   */
  FeatureLoss(LossSpec spec, Params p, FeatureExtractor extractor, boolean weighted) {
    super(spec, p);
    boolean precomputed = p.text("features").equals("precomputed");
    double[] given = p.reals("layers");
    double[] w = weighted ? p.reals("weights") : null;
    if (precomputed) {
      if (!Arrays.equals(given, DEFAULT_LAYERS)) {
        throw new IllegalArgumentException(
            "parameter layers: expected the default with features=precomputed (pred and target"
                + " are the maps of one layer), found '"
                + ParamSpec.render(given)
                + "'");
      }
      if (weighted && !Arrays.equals(w, DEFAULT_WEIGHTS)) {
        throw new IllegalArgumentException(
            "parameter weights: expected the default with features=precomputed (one layer of"
                + " weight 1), found '"
                + ParamSpec.render(w)
                + "'");
      }
      this.extractor = null;
      this.layers = new int[] {1};
      this.weights = new double[] {1};
      this.deepest = 1;
      return;
    }
    this.extractor = extractor;
    this.layers = new int[given.length];
    int max = 0;
    for (int i = 0; i < given.length; i++) {
      double v = given[i];
      if (v != Math.rint(v) || v > extractor.layers()) {
        throw new IllegalArgumentException(
            "parameter layers: expected whole numbers from 1 to "
                + extractor.layers()
                + ", found '"
                + ParamSpec.render(given)
                + "'");
      }
      layers[i] = (int) v;
      max = Math.max(max, layers[i]);
    }
    this.deepest = max;
    if (weighted) {
      if (w.length != layers.length) {
        throw new IllegalArgumentException(
            "parameter weights: expected one weight per layer ("
                + layers.length
                + "), found '"
                + ParamSpec.render(w)
                + "'");
      }
      this.weights = w;
    } else {
      this.weights = new double[layers.length];
      Arrays.fill(weights, 1.0 / layers.length);
    }
  }

  /**
   * The term of one layer for one image: feature maps {@code a} (of pred) and {@code b} (of target)
   * of {@code c} channels and {@code hw} positions each, from the offsets. Where {@code ga} is not
   * null, adds {@code coef} times the term's gradient with respect to {@code a} into {@code ga}
   * (same offset as {@code a}).
   */
  abstract double term(double[] a, double[] b, int off, int c, int hw, double[] ga, double coef);

  @Override
  public int[] check(Tensor[] in) {
    Images.requireImages("pred", in[0]);
    if (extractor != null) {
      extractor.check("pred", in[0].shape(), deepest);
    }
    return Images.checkPair(in[0], in[1]);
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] gp = grads == null ? null : grads[0];
    int[] shape = in[0].shape();
    int n = shape[0];
    double[] x = toDouble(in[0].data());
    double[] y = toDouble(in[1].data());
    FeatureExtractor.Features fx = null;
    FeatureExtractor.Features fy = null;
    if (extractor != null) {
      fx = extractor.forward(x, shape, deepest);
      fy = extractor.forward(y, shape, deepest);
    }
    double[][] fgrads = gp == null ? null : new double[deepest][];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double l = 0;
      for (int k = 0; k < layers.length; k++) {
        int layer = layers[k];
        double[] a = fx == null ? x : fx.layer(layer);
        double[] b = fy == null ? y : fy.layer(layer);
        int[] s = fx == null ? shape : fx.shape(layer);
        int c = s[1];
        int hw = s[2] * s[3];
        double[] ga = null;
        if (fgrads != null) {
          if (fgrads[layer - 1] == null) {
            fgrads[layer - 1] = new double[Shapes.size(s)];
          }
          ga = fgrads[layer - 1];
        }
        l += weights[k] * term(a, b, i * c * hw, c, hw, ga, scale * weights[k]);
      }
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
    }
    if (gp != null) {
      double[] g;
      if (fx == null) {
        g = fgrads[0] == null ? new double[gp.length] : fgrads[0];
      } else {
        g = new double[gp.length];
        fx.backward(fgrads, g);
      }
      for (int i = 0; i < gp.length; i++) {
        gp[i] = (float) g[i];
      }
    }
    return sum;
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}

package dev.losskit.bench;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The cases of the PyTorch baseline ({@code tools/bench/torch_baseline.py}) in losskit: the same
 * loss, parameters, shapes, value distributions and reduction, with the gradient taken with respect
 * to the same inputs. Values follow the baseline's distributions, not its bit patterns (the timing
 * of branchy losses depends on the mix of branches, not on the exact numbers).
 */
public final class PeerCases {
  /**
   * One case at one size: the losskit id, the loss, its inputs, which gradients are taken, and the
   * sizes the baseline reports (prediction floats, units and the unit's name).
   */
  public record Case(
      String id,
      String params,
      String shape,
      long elems,
      long units,
      String unit,
      Loss loss,
      Reduction reduction,
      Tensor[] inputs,
      float[][] grads) {
    /** One value-and-gradient call into the preallocated gradient arrays. */
    public double step() {
      return loss.evaluate(reduction, inputs, null, grads);
    }
  }

  /** Builds one case for a nominal size {@code n} and a seed. */
  @FunctionalInterface
  interface Builder {
    Case build(int n, Random g);
  }

  private static final Catalog CATALOG = Catalog.builtin();
  private static final Map<String, Builder> CASES = new LinkedHashMap<>();

  static {
    CASES.put("mse", elementwise("mse", "nn.MSELoss", Map.of(), Dist.NORMAL));
    CASES.put("l1", elementwise("mae", "nn.L1Loss", Map.of(), Dist.NORMAL));
    CASES.put("smooth_l1", elementwise("smooth-l1", "beta=1", Map.of("beta", 1.0), Dist.NORMAL));
    CASES.put("huber", elementwise("huber", "delta=1", Map.of("delta", 1.0), Dist.NORMAL));
    CASES.put("log_cosh", elementwise("log-cosh", "log(cosh(p-t)).mean()", Map.of(), Dist.NORMAL));
    CASES.put(
        "quantile", elementwise("quantile", "q=0.9 pinball", Map.of("quantile", 0.9), Dist.NORMAL));
    CASES.put(
        "bce_logits",
        elementwise("bce-with-logits", "nn.BCEWithLogitsLoss", Map.of(), Dist.LOGITS_HALF));
    CASES.put("bce", elementwise("bce", "nn.BCELoss on probs leaf", Map.of(), Dist.PROBS_HALF));
    CASES.put(
        "focal",
        elementwise(
            "sigmoid-focal",
            "torchvision sigmoid_focal_loss a=0.25 g=2 mean",
            Map.of("alpha", 0.25, "gamma", 2.0),
            Dist.LOGITS_SPARSE));
    CASES.put(
        "poisson_nll",
        elementwise(
            "poisson-nll",
            "log_input=True full=False",
            Map.of("log-input", true, "full", false),
            Dist.POISSON));
    CASES.put("gaussian_nll", PeerCases::gaussianNll);
    CASES.put("cross_entropy_c10", classification("cross-entropy", 10));
    CASES.put("cross_entropy_c1000", classification("cross-entropy", 1000));
    CASES.put("nll_c10", classification("nll", 10));
    CASES.put("nll_c1000", classification("nll", 1000));
    CASES.put("kl_div_c100", classification("kl-div", 100));
    CASES.put("dice", segmentation("dice", false));
    CASES.put("tversky", segmentation("tversky", false));
    CASES.put("dice_logits", segmentation("dice", true));
    CASES.put("giou", box("giou"));
    CASES.put("diou", box("diou"));
    CASES.put("ciou", box("ciou"));
    CASES.put("ssim", PeerCases::ssim);
    CASES.put("infonce", PeerCases::infoNce);
    CASES.put("triplet", PeerCases::triplet);
    CASES.put("soft_margin", elementwise("soft-margin", "nn.SoftMarginLoss", Map.of(), Dist.SIGNS));
    CASES.put("margin_ranking", PeerCases::marginRanking);
    CASES.put("multi_margin_c10", classification("multi-margin", 10));
    CASES.put("multilabel_soft_margin_c10", classification("multilabel-soft-margin", 10));
    CASES.put("cosine_embedding", PeerCases::cosineEmbedding);
  }

  private PeerCases() {}

  /** The baseline's case names, in its order. */
  public static List<String> names() {
    return List.copyOf(CASES.keySet());
  }

  /** The baseline's case names that take a batch size rather than a size in elements. */
  public static boolean batchSized(String name) {
    return name.equals("infonce");
  }

  /**
   * The case {@code name} at nominal size {@code n}, with data from {@code seed}.
   *
   * @throws IllegalArgumentException for a name the baseline does not have
   */
  public static Case build(String name, int n, long seed) {
    Builder b = CASES.get(name);
    if (b == null) {
      throw new IllegalArgumentException(
          "case: expected one of " + CASES.keySet() + ", found " + name);
    }
    return b.build(n, new Random(seed));
  }

  private enum Dist {
    NORMAL,
    LOGITS_HALF,
    PROBS_HALF,
    LOGITS_SPARSE,
    POISSON,
    /** Logits N(0, 4) against labels -1 and +1 with equal odds. */
    SIGNS
  }

  private static Builder elementwise(String id, String params, Map<String, ?> p, Dist dist) {
    return (n, g) -> {
      float[] pred = new float[n];
      float[] target = new float[n];
      for (int i = 0; i < n; i++) {
        switch (dist) {
          case NORMAL:
            pred[i] = (float) g.nextGaussian();
            target[i] = (float) g.nextGaussian();
            break;
          case LOGITS_HALF:
            pred[i] = (float) (2 * g.nextGaussian());
            target[i] = g.nextFloat() < 0.5f ? 1 : 0;
            break;
          case PROBS_HALF:
            pred[i] = (float) sigmoid(2 * g.nextGaussian());
            target[i] = g.nextFloat() < 0.5f ? 1 : 0;
            break;
          case LOGITS_SPARSE:
            pred[i] = (float) (2 * g.nextGaussian());
            target[i] = g.nextFloat() < 0.1f ? 1 : 0;
            break;
          case SIGNS:
            pred[i] = (float) (2 * g.nextGaussian());
            target[i] = sign(g);
            break;
          default: // POISSON: log-rate N(0, 0.25), counts drawn at rate exp(N(0, 0.25))
            pred[i] = (float) (0.5 * g.nextGaussian());
            target[i] = poisson(g, Math.exp(0.5 * g.nextGaussian()));
        }
      }
      Loss loss = CATALOG.create(id, p);
      Tensor[] in = {Tensor.of(pred), Tensor.of(target)};
      return new Case(
          id,
          params,
          "(" + n + ",)",
          n,
          n,
          "elem",
          loss,
          Reduction.MEAN,
          padded(loss, in),
          grads(loss, n));
    };
  }

  private static Case gaussianNll(int n, Random g) {
    float[] mu = normal(g, n, 1);
    float[] var = new float[n];
    for (int i = 0; i < n; i++) {
      var[i] = g.nextFloat() + 0.1f;
    }
    float[] target = normal(g, n, 1);
    Loss loss = CATALOG.create("gaussian-nll", Map.of("full", false, "eps", 1e-6));
    Tensor[] in = {Tensor.of(mu), Tensor.of(target), Tensor.of(var)};
    float[][] grads = {new float[n], null, new float[n]};
    return new Case(
        "gaussian-nll",
        "full=False eps=1e-6, grads for mean and var",
        "(" + n + ",)",
        n,
        n,
        "elem",
        loss,
        Reduction.MEAN,
        in,
        grads);
  }

  private static Builder classification(String id, int c) {
    return (n, g) -> {
      int b = Math.max(1, n / c);
      float[] logits = normal(g, b * c, 2);
      Tensor[] in;
      Reduction r = Reduction.MEAN;
      if (id.equals("multilabel-soft-margin")) {
        float[] target = new float[b * c];
        for (int i = 0; i < target.length; i++) {
          target[i] = g.nextFloat() < 0.3f ? 1 : 0;
        }
        in = new Tensor[] {Tensor.of(logits, b, c), Tensor.of(target, b, c)};
      } else if (id.equals("kl-div")) {
        logSoftmaxRows(logits, c);
        float[] target = normal(g, b * c, 2);
        logSoftmaxRows(target, c);
        for (int i = 0; i < target.length; i++) {
          target[i] = (float) Math.exp(target[i]);
        }
        in = new Tensor[] {Tensor.of(logits, b, c), Tensor.of(target, b, c)};
        r = Reduction.BATCHMEAN;
      } else {
        if (id.equals("nll")) {
          logSoftmaxRows(logits, c);
        }
        int[] labels = new int[b];
        for (int i = 0; i < b; i++) {
          labels[i] = g.nextInt(c);
        }
        in = new Tensor[] {Tensor.of(logits, b, c), Tensor.indices(labels)};
      }
      Loss loss = CATALOG.create(id);
      return new Case(
          id,
          "C=" + c,
          "(" + b + "," + c + ")",
          (long) b * c,
          b,
          "sample",
          loss,
          r,
          padded(loss, in),
          grads(loss, b * c));
    };
  }

  private static Builder segmentation(String id, boolean fromLogits) {
    return (n, g) -> {
      int[] shape = squareImageShape(n);
      int size = shape[0] * shape[2] * shape[3];
      float[] target = new float[size];
      for (int i = 0; i < size; i++) {
        target[i] = g.nextFloat() < 0.3f ? 1 : 0;
      }
      float[] x = normal(g, size, 2);
      if (!fromLogits) {
        for (int i = 0; i < size; i++) {
          x[i] = (float) sigmoid(x[i]);
        }
      }
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("smooth", 1.0);
      p.put("per-image", true);
      p.put("from-logits", fromLogits);
      String params = "per-sample soft dice, smooth=1";
      if (id.equals("tversky")) {
        p.put("alpha", 0.3);
        p.put("beta", 0.7);
        params = "alpha=0.3 beta=0.7 smooth=1";
      }
      params += ", input=" + (fromLogits ? "logits (sigmoid inside)" : "probs");
      Loss loss = CATALOG.create(id, p);
      Tensor[] in = {Tensor.of(x, shape), Tensor.of(target, shape)};
      return new Case(
          id,
          params,
          "(" + shape[0] + ",1," + shape[2] + "," + shape[3] + ")",
          size,
          size,
          "pixel",
          loss,
          Reduction.MEAN,
          padded(loss, in),
          grads(loss, size));
    };
  }

  /** B x 1 x H x W with H = W and B H W = n, as the baseline's {@code square_image_shape}. */
  static int[] squareImageShape(int n) {
    for (int b : new int[] {10, 16, 4, 1, 8, 2, 25, 40, 100}) {
      if (n % b == 0) {
        int hw = n / b;
        int s = (int) Math.round(Math.sqrt(hw));
        if (s * s == hw) {
          return new int[] {b, 1, s, s};
        }
      }
    }
    int s = (int) Math.round(Math.sqrt(n));
    return new int[] {1, 1, s, s};
  }

  private static Builder box(String id) {
    return (n, g) -> {
      float[] target = new float[4 * n];
      float[] pred = new float[4 * n];
      for (int i = 0; i < n; i++) {
        float x = 100 * g.nextFloat();
        float y = 100 * g.nextFloat();
        float w = 50 * g.nextFloat() + 1;
        float h = 50 * g.nextFloat() + 1;
        target[4 * i] = x;
        target[4 * i + 1] = y;
        target[4 * i + 2] = x + w;
        target[4 * i + 3] = y + h;
      }
      for (int i = 0; i < n; i++) {
        float x = target[4 * i] + (float) (5 * g.nextGaussian());
        float y = target[4 * i + 1] + (float) (5 * g.nextGaussian());
        float w = (target[4 * i + 2] - target[4 * i]) * (float) Math.exp(0.2 * g.nextGaussian());
        float h =
            (target[4 * i + 3] - target[4 * i + 1]) * (float) Math.exp(0.2 * g.nextGaussian());
        pred[4 * i] = x;
        pred[4 * i + 1] = y;
        pred[4 * i + 2] = x + w;
        pred[4 * i + 3] = y + h;
      }
      Loss loss = CATALOG.create(id);
      Tensor[] in = {Tensor.of(pred, n, 4), Tensor.of(target, n, 4)};
      return new Case(
          id,
          "xyxy, reduction=mean",
          "(" + n + ",4)",
          4L * n,
          n,
          "box",
          loss,
          Reduction.MEAN,
          padded(loss, in),
          grads(loss, 4 * n));
    };
  }

  private static Case ssim(int n, Random g) {
    int[] shape;
    switch (n) {
      case 1000:
        shape = new int[] {1, 1, 32, 32};
        break;
      case 100_000:
        shape = new int[] {2, 3, 128, 128};
        break;
      case 1_000_000:
        shape = new int[] {5, 3, 256, 256};
        break;
      case 10_000_000:
        shape = new int[] {40, 3, 256, 256};
        break;
      default:
        int s = (int) Math.sqrt(n / 3.0);
        shape = new int[] {1, 3, s, s};
    }
    int size = shape[0] * shape[1] * shape[2] * shape[3];
    float[] y = new float[size];
    for (int i = 0; i < size; i++) {
      y[i] = g.nextFloat();
    }
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      x[i] = (float) Math.min(1, Math.max(0, y[i] + 0.1 * g.nextGaussian()));
    }
    Loss loss = CATALOG.create("ssim");
    Tensor[] in = {Tensor.of(x, shape), Tensor.of(y, shape)};
    return new Case(
        "ssim",
        "win=11 sigma=1.5 separable valid conv, data_range=1",
        "(" + shape[0] + "," + shape[1] + "," + shape[2] + "," + shape[3] + ")",
        size,
        size,
        "pixel",
        loss,
        Reduction.MEAN,
        padded(loss, in),
        grads(loss, size));
  }

  private static Case infoNce(int b, Random g) {
    int d = 128;
    float[] z1 = normal(g, b * d, 1);
    float[] z2 = normal(g, b * d, 0.5);
    for (int i = 0; i < z2.length; i++) {
      z2[i] += 0.5f * z1[i];
    }
    Loss loss = CATALOG.create("info-nce", Map.of("temperature", 0.1));
    Tensor[] in = {Tensor.of(z1, b, d), Tensor.of(z2, b, d)};
    float[][] grads = new float[loss.spec().inputs().size()][];
    grads[0] = new float[b * d];
    grads[1] = new float[b * d];
    return new Case(
        "info-nce",
        "D=128 tau=0.1, grads for both views; ns/elem is per sim-matrix entry",
        "2x(" + b + "," + d + ") -> sim (" + b + "," + b + ")",
        (long) b * b,
        b,
        "sample",
        loss,
        Reduction.MEAN,
        padded(loss, in),
        grads);
  }

  private static Case triplet(int n, Random g) {
    int d = 128;
    int b = Math.max(1, n / d);
    float[] a = normal(g, b * d, 1);
    float[] p = normal(g, b * d, 1.35);
    for (int i = 0; i < p.length; i++) {
      p[i] += a[i];
    }
    float[] neg = normal(g, b * d, 1);
    Loss loss = CATALOG.create("triplet-margin", Map.of("margin", 1.0, "p", 2.0));
    Tensor[] in = {Tensor.of(a, b, d), Tensor.of(p, b, d), Tensor.of(neg, b, d)};
    float[][] grads = {new float[b * d], new float[b * d], new float[b * d]};
    return new Case(
        "triplet-margin",
        "D=128 margin=1 p=2, grads for anchor/pos/neg; ns/elem per anchor float",
        "3x(" + b + "," + d + ")",
        (long) b * d,
        b,
        "sample",
        loss,
        Reduction.MEAN,
        in,
        grads);
  }

  private static Case marginRanking(int n, Random g) {
    float[] x1 = normal(g, n, 1);
    float[] x2 = normal(g, n, 1);
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      y[i] = sign(g);
    }
    Loss loss = CATALOG.create("margin-ranking", Map.of("margin", 0.0));
    Tensor[] in = {Tensor.of(x1), Tensor.of(x2), Tensor.of(y)};
    float[][] grads = {new float[n], new float[n], null};
    return new Case(
        "margin-ranking",
        "margin=0, grads for x1 and x2",
        "(" + n + ",)",
        n,
        n,
        "elem",
        loss,
        Reduction.MEAN,
        in,
        grads);
  }

  private static Case cosineEmbedding(int n, Random g) {
    int d = 128;
    int b = Math.max(1, n / d);
    float[] x1 = normal(g, b * d, 1);
    float[] x2 = normal(g, b * d, 1);
    float[] y = new float[b];
    for (int i = 0; i < b; i++) {
      y[i] = sign(g);
    }
    Loss loss = CATALOG.create("cosine-embedding", Map.of("margin", 0.0));
    Tensor[] in = {Tensor.of(x1, b, d), Tensor.of(x2, b, d), Tensor.of(y)};
    float[][] grads = {new float[b * d], new float[b * d], null};
    return new Case(
        "cosine-embedding",
        "D=128 margin=0, grads for both inputs; ns/elem per x1 float",
        "2x(" + b + "," + d + ")",
        (long) b * d,
        b,
        "sample",
        loss,
        Reduction.MEAN,
        in,
        grads);
  }

  /** -1 or +1 with equal odds. */
  private static float sign(Random g) {
    return g.nextFloat() < 0.5f ? -1 : 1;
  }

  private static Tensor[] padded(Loss loss, Tensor[] in) {
    Tensor[] out = new Tensor[loss.spec().inputs().size()];
    System.arraycopy(in, 0, out, 0, in.length);
    return out;
  }

  /** A gradient array for the first input (the prediction) only. */
  private static float[][] grads(Loss loss, int size) {
    float[][] g = new float[loss.spec().inputs().size()][];
    g[0] = new float[size];
    return g;
  }

  private static float[] normal(Random g, int n, double scale) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (scale * g.nextGaussian());
    }
    return x;
  }

  private static void logSoftmaxRows(float[] x, int c) {
    for (int r = 0; r < x.length / c; r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < c; j++) {
        max = Math.max(max, x[r * c + j]);
      }
      double s = 0;
      for (int j = 0; j < c; j++) {
        s += Math.exp(x[r * c + j] - max);
      }
      double lse = max + Math.log(s);
      for (int j = 0; j < c; j++) {
        x[r * c + j] = (float) (x[r * c + j] - lse);
      }
    }
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  /** Knuth's method; the rates here are small. */
  private static float poisson(Random g, double rate) {
    double l = Math.exp(-rate);
    int k = 0;
    double p = g.nextDouble();
    while (p > l) {
      k++;
      p *= g.nextDouble();
    }
    return k;
  }
}

package dev.losskit.image;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Multi-scale structural dissimilarity 1 - MS-SSIM: SSIM's contrast and structure compared at
 * several resolutions, for restoration and compression losses that should hold from fine detail to
 * coarse layout.
 *
 * <pre>{@code
 * scale 1 is the image; scale j + 1 is scale j after 2x2 average pooling (ceil mode: an odd last
 * row or column is averaged on its own), M = number of weights
 * cs_j   = mean over the valid window positions of (2 sigma_xy + C2) / (sigma_x^2 + sigma_y^2 + C2)
 * ssim_M = mean over the valid window positions of SSIM at the last scale (luminance included)
 * MS     = prod_{j < M} relu(cs_j)^{w_j} * relu(ssim_M)^{w_M}     per channel
 * l (per image) = 1 - mean over channels of MS
 * dMS/dt_j = w_j MS / t_j for each term t_j > 0; 0 when any term is at or below 0 (MS = 0 there)
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target}, finite images {@code (N, C, H, W)} of one shape, each
 * side at least {@code (window - 1) 2^(M - 1) + 1} (161 for the defaults) so that the last scale
 * still holds one window. The unreduced loss has one value per image; the mean is over images.
 * Moments, constants and the window are those of {@code ssim}.
 *
 * <p>Numerics: a mean cs or ssim term at or below 0 (anti-correlated images) is clamped to 0 by
 * relu, as TensorFlow's {@code ssim_multiscale} and {@code pytorch_msssim} do, which keeps the
 * fractional powers real: the value is then 1 and the gradient 0. The gradient runs back through
 * every scale's SSIM kernel and the adjoint of each pooling step.
 *
 * <p>No runnable peer implements exactly this definition (TensorFlow and {@code pytorch_msssim}
 * pool differently at odd sizes); the reference values come from the same definition written with
 * torch operations, whose SSIM part is checked against scikit-image.
 *
 * @see <a href="https://doi.org/10.1109/ACSSC.2003.1292216">Wang, Simoncelli, Bovik (2003)</a>
 */
public final class MsSsimLoss extends AbstractLoss {
  private static final double[] WEIGHTS = {0.0448, 0.2856, 0.3001, 0.2363, 0.1333};

  public static final LossSpec SPEC =
      LossSpec.builder("ms-ssim", Family.IMAGE)
          .input("pred", "(N, C, H, W)", InputDomain.REAL, true, "predicted images")
          .input("target", "(N, C, H, W)", InputDomain.REAL, false, "reference images")
          .name("Multi-scale structural similarity (1 - MS-SSIM)")
          .summary(
              "One minus multi-scale SSIM: contrast and structure compared at five resolutions"
                  + " and luminance at the coarsest.")
          .formula(
              "l = 1 - mean over channels of prod_{j < M} relu(cs_j)^{w_j} relu(ssim_M)^{w_M},"
                  + " scales by 2x2 average pooling (ceil mode), cs_j and ssim_M means over the"
                  + " valid window positions")
          .gradient(
              "dl/dt_j = -w_j MS / (C t_j) for each term t_j > 0 (0 when a term is clamped),"
                  + " through each scale's SSIM backward and the adjoint of the pooling")
          .param(
              ParamSpec.reals(
                  "weights", WEIGHTS, Range.NONNEGATIVE, "exponent of each scale, finest first"))
          .param(
              ParamSpec.integer(
                  "window", 11, Range.atLeast(1), "side of the Gaussian window (odd)"))
          .param(
              ParamSpec.real(
                  "sigma", 1.5, Range.POSITIVE, "standard deviation of the Gaussian window"))
          .param(
              ParamSpec.real(
                  "data-range", 1.0, Range.POSITIVE, "range L of the pixel values (1, 255, ...)"))
          .traits(Trait.NONNEGATIVE, Trait.BOUNDED, Trait.ZERO_AT_TARGET)
          .whenToUse(
              "Image restoration and compression losses that should respect structure at every"
                  + " scale (often mixed with L1, as in Zhao et al. 2017); it needs images of at"
                  + " least (window - 1) 2^4 + 1 pixels per side and gives no gradient where"
                  + " images are anti-correlated.")
          .reference(
              "Wang, Simoncelli, Bovik (2003), Multiscale structural similarity for image quality"
                  + " assessment, Asilomar Conference on Signals, Systems and Computers",
              "https://doi.org/10.1109/ACSSC.2003.1292216")
          .sampler(MsSsimLoss::sample)
          .tasks(Task.IMAGE_TO_IMAGE, Task.INPAINTING, Task.DEHAZING)
          .build(MsSsimLoss::new);

  private static final double K1 = 0.01;
  private static final long MAX_SIDE = 1 << 20;
  private static final double K2 = 0.03;

  private final double[] weights;
  private final int window;
  private final double[] g;
  private final double c1;
  private final double c2;

  /** Each thread's scratch, reused from call to call while the image size stays the same. */
  private final ThreadLocal<Pyramid> pyramids = new ThreadLocal<>();

  private MsSsimLoss(Params p) {
    super(SPEC, p);
    this.weights = p.reals("weights");
    this.window = Images.oddWindow(p.integer("window"));
    if (minSide(window, weights.length) > MAX_SIDE) {
      throw new IllegalArgumentException(
          "parameter weights: expected few enough scales that images of at most "
              + MAX_SIDE
              + " pixels per side hold the pyramid ((window - 1) 2^(scales - 1) + 1 with window "
              + window
              + "), found "
              + weights.length
              + " scales");
    }
    this.g = Images.gaussian(window, p.real("sigma"));
    double range = p.real("data-range");
    this.c1 = Math.pow(K1 * range, 2);
    this.c2 = Math.pow(K2 * range, 2);
  }

  /** The smallest side that still holds one window at the last of {@code scales} scales. */
  static long minSide(int window, int scales) {
    return (long) (window - 1) * (1L << Math.min(scales - 1, 40)) + 1;
  }

  /**
   * One image (the smallest side the pyramid allows is already large: 161 pixels for the defaults),
   * one channel for odd n and three for even n, each side the minimum plus 0 or 1.
   */
  private static Tensor[] sample(Params p, SplittableRandom r, int n) {
    int win = (int) p.integer("window");
    int min = (int) minSide(win, p.reals("weights").length);
    int c = n % 2 == 0 && min < 60 ? 3 : 1;
    return Images.noisyPair(r, p.real("data-range"), 1, c, min + r.nextInt(2), min + r.nextInt(2));
  }

  @Override
  public int[] check(Tensor[] in) {
    int[] shape = Images.checkPair(in[0], in[1]);
    Images.requireSides(
        "pred",
        in[0],
        (int) minSide(window, weights.length),
        "(window - 1) 2^" + (weights.length - 1) + " + 1 for " + weights.length + " scales");
    return shape;
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    return compute(in, values, grads, scale, null);
  }

  /**
   * {@link #compute}, with the planes split across threads as {@link Planes#forEach} decides when
   * {@code parallel} is null, else as it says (the tests compare both).
   */
  double compute(Tensor[] in, float[] values, float[][] grads, double scale, Boolean parallel) {
    float[] p = in[0].data();
    float[] t = in[1].data();
    float[] gp = grads == null ? null : grads[0];
    int n = in[0].dim(0);
    int channels = in[0].dim(1);
    int h = in[0].dim(2);
    int w = in[0].dim(3);
    int hw = h * w;
    double[] planeMs = new double[n * channels];
    IntConsumer plane =
        q -> planeMs[q] = pyramid(h, w, gp != null).plane(p, t, q * hw, gp, scale / channels);
    Planes.forEach(n * channels, hw, plane, parallel);
    return Planes.oneMinusImageMeans(planeMs, n, channels, channels, values);
  }

  /** This thread's pyramid for images of {@code h x w}, made on first use and kept for reuse. */
  private Pyramid pyramid(int h, int w, boolean withGrad) {
    Pyramid py = pyramids.get();
    if (py == null || !py.fits(h, w, withGrad)) {
      py = new Pyramid(h, w, withGrad);
      pyramids.set(py);
    }
    return py;
  }

  /** The SSIM kernels of every scale and their gradient buffers: one thread's scratch. */
  private final class Pyramid {
    final SsimKernel[] k;
    final double[][] gb;
    final double[] terms;

    Pyramid(int h, int w, boolean withGrad) {
      int m = weights.length;
      k = new SsimKernel[m];
      gb = withGrad ? new double[m][] : null;
      terms = new double[m];
      int hs = h;
      int ws = w;
      for (int j = 0; j < m; j++) {
        k[j] = new SsimKernel(hs, ws, g, c1, c2, j == m - 1);
        if (gb != null) {
          gb[j] = new double[hs * ws];
        }
        hs = (hs + 1) / 2;
        ws = (ws + 1) / 2;
      }
    }

    boolean fits(int h, int w, boolean withGrad) {
      return k[0].fits(h, w) && (gb != null || !withGrad);
    }

    /**
     * MS-SSIM of the channel pair at {@code off}; with {@code gp}, writes {@code -coef} times its
     * gradient there.
     */
    double plane(float[] p, float[] t, int off, float[] gp, double coef) {
      int m = weights.length;
      k[0].load(p, t, off);
      for (int j = 0; j < m; j++) {
        if (j > 0) {
          pool(k[j - 1].x, k[j - 1].h, k[j - 1].w, k[j].x);
          pool(k[j - 1].y, k[j - 1].h, k[j - 1].w, k[j].y);
        }
        terms[j] = k[j].forward(gp != null) / k[j].count();
      }
      double ms = 1;
      boolean clamped = false;
      for (int j = 0; j < m; j++) {
        if (weights[j] == 0) {
          continue;
        }
        if (terms[j] <= 0) {
          clamped = true;
          ms = 0;
          break;
        }
        ms *= Math.pow(terms[j], weights[j]);
      }
      if (gp != null) {
        // d(sum)/d t_j = -(1 / C) w_j MS / t_j, then back through the scales, coarsest first.
        for (int j = m - 1; j >= 0; j--) {
          double[] gj = gb[j];
          if (j == m - 1) {
            Arrays.fill(gj, 0);
          } else {
            unpool(gb[j + 1], k[j].h, k[j].w, gj);
          }
          if (!clamped && weights[j] != 0) {
            double d = -coef * weights[j] * ms / terms[j];
            k[j].backward(d / k[j].count(), gj);
          }
        }
        double[] g0 = gb[0];
        for (int q = 0; q < g0.length; q++) {
          gp[off + q] = (float) g0[q];
        }
      }
      return ms;
    }
  }

  /** 2x2 average pooling in ceil mode: {@code (h, w)} to {@code ((h + 1) / 2, (w + 1) / 2)}. */
  static void pool(double[] src, int h, int w, double[] dst) {
    int ho = (h + 1) / 2;
    int wo = (w + 1) / 2;
    for (int a = 0; a < ho; a++) {
      int r0 = 2 * a;
      int r1 = Math.min(r0 + 1, h - 1);
      for (int b = 0; b < wo; b++) {
        int q0 = 2 * b;
        int q1 = Math.min(q0 + 1, w - 1);
        double s = src[r0 * w + q0];
        int cnt = 1;
        if (q1 != q0) {
          s += src[r0 * w + q1];
          cnt++;
        }
        if (r1 != r0) {
          s += src[r1 * w + q0];
          cnt++;
          if (q1 != q0) {
            s += src[r1 * w + q1];
            cnt++;
          }
        }
        dst[a * wo + b] = s / cnt;
      }
    }
  }

  /** Adjoint of {@link #pool}: overwrites {@code dst (h, w)} from the pooled gradient. */
  static void unpool(double[] src, int h, int w, double[] dst) {
    int wo = (w + 1) / 2;
    for (int r = 0; r < h; r++) {
      int a = r / 2;
      int rows = Math.min(2 * a + 1, h - 1) - 2 * a + 1;
      for (int q = 0; q < w; q++) {
        int b = q / 2;
        int cols = Math.min(2 * b + 1, w - 1) - 2 * b + 1;
        dst[r * w + q] = src[a * wo + b] / (rows * cols);
      }
    }
  }
}

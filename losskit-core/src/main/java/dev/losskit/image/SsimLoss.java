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
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Structural dissimilarity 1 - SSIM: compares local means, contrasts and structure of two images
 * through a Gaussian window, for restoration and compression where pixel errors do not match what
 * people see.
 *
 * <pre>{@code
 * per channel, per window position q of the valid region (the window wholly inside the image):
 *   mu_x, mu_y, sigma_x^2, sigma_y^2, sigma_xy: Gaussian-weighted moments (population covariance)
 *   SSIM_q = (2 mu_x mu_y + C1)(2 sigma_xy + C2) / ((mu_x^2 + mu_y^2 + C1)(sigma_x^2 + sigma_y^2 + C2))
 *   C1 = (k1 data-range)^2,  C2 = (k2 data-range)^2
 * l (per image) = 1 - mean of SSIM_q over channels and valid positions
 * dl/dpred_p    = -(1 / count) sum_q w(p - q) (alpha_q + 2 x~_p beta_q + y~_p gamma_q)
 *   beta = dSSIM/dsigma_x^2 = -SSIM / B2,  gamma = dSSIM/dsigma_xy = 2 A1 / (B1 B2)
 *   alpha = dSSIM/dmu_x - 2 mu~_x beta - mu~_y gamma,  dSSIM/dmu_x = 2 mu_y A2 / (B1 B2) - 2 mu_x SSIM / B1
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target}, finite images {@code (N, C, H, W)} of one shape, each
 * side at least {@code window}. The unreduced loss has one value per image; the mean is over
 * images. The window is the outer product of 1-D Gaussian weights of {@code window} taps and
 * standard deviation {@code sigma}, normalised to sum 1.
 *
 * <p>Numerics: in double; moments are taken about the channel mean (which leaves variances
 * unchanged and keeps them accurate far from zero) and negative variances from rounding count as 0,
 * so the denominators never fall below C1 and C2. Filtering and its adjoint are two 1-D passes
 * (SIMD lanes where the Vector API is enabled); the channels of large batches are split across
 * cores, with the same result for any number of threads.
 *
 * <p>Equals {@code 1 - skimage.metrics.structural_similarity(target[n], pred[n],
 * gaussian_weights=True, sigma=sigma, use_sample_covariance=False, data_range=data_range,
 * channel_axis=0)} for each image n, where {@code window = 2 int(3.5 sigma + 0.5) + 1} (11 for
 * sigma 1.5): scikit-image filters the whole image and averages over the pixels at least {@code
 * (window - 1) / 2} from the border, which is this valid region.
 *
 * @see <a href="https://doi.org/10.1109/TIP.2003.819861">Wang et al. (2004)</a>
 */
public final class SsimLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("ssim", Family.IMAGE)
          .input("pred", "(N, C, H, W)", InputDomain.REAL, true, "predicted images")
          .input("target", "(N, C, H, W)", InputDomain.REAL, false, "reference images")
          .name("Structural similarity (1 - SSIM)")
          .summary(
              "One minus the mean structural similarity of local Gaussian windows: luminance,"
                  + " contrast and structure of two images compared as people see them.")
          .formula(
              "l = 1 - mean over channels and valid window positions of (2 mu_x mu_y + C1)(2"
                  + " sigma_xy + C2) / ((mu_x^2 + mu_y^2 + C1)(sigma_x^2 + sigma_y^2 + C2)), C1 ="
                  + " (k1 data-range)^2, C2 = (k2 data-range)^2, Gaussian-weighted moments")
          .gradient(
              "dl/dpred_p = -(1 / count) sum_q w(p - q) (alpha_q + 2 x~_p beta_q + y~_p gamma_q),"
                  + " beta = -SSIM / B2, gamma = 2 A1 / (B1 B2), alpha = dSSIM/dmu_x - 2 mu_x beta -"
                  + " mu_y gamma (separable adjoint filtering)")
          .param(
              ParamSpec.integer(
                  "window", 11, Range.atLeast(1), "side of the Gaussian window (odd)"))
          .param(
              ParamSpec.real(
                  "sigma", 1.5, Range.POSITIVE, "standard deviation of the Gaussian window"))
          .param(ParamSpec.real("k1", 0.01, Range.POSITIVE, "luminance constant: C1 = (k1 L)^2"))
          .param(ParamSpec.real("k2", 0.03, Range.POSITIVE, "contrast constant: C2 = (k2 L)^2"))
          .param(
              ParamSpec.real(
                  "data-range", 1.0, Range.POSITIVE, "range L of the pixel values (1, 255, ...)"))
          .traits(Trait.SMOOTH, Trait.NONNEGATIVE, Trait.BOUNDED, Trait.ZERO_AT_TARGET)
          .equivalent(
              "1 - skimage.metrics.structural_similarity(target[n], pred[n], gaussian_weights=True,"
                  + " sigma=sigma, use_sample_covariance=False, data_range=data_range,"
                  + " channel_axis=0), per image",
              "scikit-image")
          .whenToUse(
              "Image restoration, super-resolution, denoising and compression, where structure"
                  + " matters more than exact pixel values; often combined with an L1 term. It is"
                  + " insensitive to uniform bias and colour shifts and ignores the border within"
                  + " half a window.")
          .reference(
              "Wang, Bovik, Sheikh, Simoncelli (2004), Image quality assessment: from error"
                  + " visibility to structural similarity, IEEE TIP 13(4)",
              "https://doi.org/10.1109/TIP.2003.819861")
          .sampler(SsimLoss::sample)
          .tasks(Task.IMAGE_TO_IMAGE, Task.INPAINTING, Task.DEHAZING)
          .build(SsimLoss::new);

  private final int window;
  private final double[] g;
  private final double c1;
  private final double c2;

  /** Each thread's scratch, reused from call to call while the image size stays the same. */
  private final ThreadLocal<SsimKernel> kernels = new ThreadLocal<>();

  private SsimLoss(Params p) {
    super(SPEC, p);
    this.window = Images.oddWindow(p.integer("window"));
    this.g = Images.gaussian(window, p.real("sigma"));
    double range = p.real("data-range");
    this.c1 = Math.pow(p.real("k1") * range, 2);
    this.c2 = Math.pow(p.real("k2") * range, 2);
  }

  /**
   * n images of one channel (odd n) or three (even n), each side the window plus 0 to 2 pixels; the
   * target uniform over the data range, the prediction the target plus noise.
   */
  private static Tensor[] sample(Params p, SplittableRandom r, int n) {
    int win = (int) p.integer("window");
    int c = n % 2 == 0 ? 3 : 1;
    return Images.noisyPair(r, p.real("data-range"), n, c, win + r.nextInt(3), win + r.nextInt(3));
  }

  @Override
  public int[] check(Tensor[] in) {
    int[] shape = Images.checkPair(in[0], in[1]);
    Images.requireSides("pred", in[0], window, "the side of the SSIM window");
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
    double count = (double) (h - window + 1) * (w - window + 1) * channels;
    double[] planeSums = new double[n * channels];
    IntConsumer plane =
        q -> {
          SsimKernel k = kernel(h, w);
          int off = q * hw;
          k.load(p, t, off);
          planeSums[q] = k.forward(gp != null);
          if (gp != null) {
            k.backward(-scale / count, gp, off);
          }
        };
    Planes.forEach(n * channels, hw, plane, parallel);
    return Planes.oneMinusImageMeans(planeSums, n, channels, count, values);
  }

  /** This thread's kernel for images of {@code h x w}, made on first use and kept for reuse. */
  private SsimKernel kernel(int h, int w) {
    SsimKernel k = kernels.get();
    if (k == null || !k.fits(h, w)) {
      k = new SsimKernel(h, w, g, c1, c2, true);
      kernels.set(k);
    }
    return k;
  }
}

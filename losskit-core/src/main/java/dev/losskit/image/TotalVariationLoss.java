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
import dev.losskit.internal.Samples;
import java.util.Arrays;
import java.util.List;

/**
 * Total variation of an image: the summed size of its differences between neighbouring pixels, a
 * smoothness prior for denoising, inpainting and generated images.
 *
 * <pre>{@code
 * dy = x[c, i+1, j] - x[c, i, j],  dx = x[c, i, j+1] - x[c, i, j]
 * anisotropic: l = sum over every dy of |dy| + sum over every dx of |dx|
 * squared:     l = sum dy^2 + sum dx^2
 * isotropic:   l = sum over i < H-1, j < W-1 of sqrt(dy^2 + dx^2 + eps)  (the common region)
 * dl/dx[c,i,j] collects, from each difference d it enters with sign s = +1 (later pixel) or -1,
 *   s sign(d) (anisotropic, 0 at d = 0), 2 s d (squared), s d / sqrt(dy^2 + dx^2 + eps) (isotropic)
 * }</pre>
 *
 * <p>Input: {@code pred}, finite images {@code (N, C, H, W)}. The unreduced loss has one value per
 * image, summed over channels; the mean is over images.
 *
 * <p>Numerics: {@code eps} (isotropic only) keeps the square root differentiable where both
 * differences vanish; with eps = 0 the gradient there is 0, as it is for |d| at 0.
 *
 * <p>The anisotropic kind equals kornia's {@code total_variation(pred)} per image (sum of absolute
 * differences over channels and pixels).
 *
 * @see <a href="https://doi.org/10.1016/0167-2789(92)90242-F">Rudin, Osher, Fatemi (1992)</a>
 */
public final class TotalVariationLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("total-variation", Family.IMAGE)
          .input("pred", "(N, C, H, W)", InputDomain.REAL, true, "images")
          .name("Total variation")
          .summary(
              "Summed size of the differences between neighbouring pixels: a smoothness prior on a"
                  + " single image.")
          .formula(
              "anisotropic: sum |x[i+1,j] - x[i,j]| + sum |x[i,j+1] - x[i,j]|; squared: the same"
                  + " with squares; isotropic: sum over the common region of sqrt(dy^2 + dx^2 + eps);"
                  + " per image, summed over channels")
          .gradient(
              "dl/dx: each difference d = later - earlier adds g to the later pixel and -g to the"
                  + " earlier, g = sign(d) (anisotropic), 2 d (squared), d / sqrt(dy^2 + dx^2 +"
                  + " eps) (isotropic)")
          .param(
              ParamSpec.choice(
                  "kind",
                  "anisotropic",
                  List.of("anisotropic", "isotropic", "squared"),
                  "L1 of the differences, L2 norm of the pixel's gradient, or squared differences"))
          .param(
              ParamSpec.real(
                  "eps",
                  1e-8,
                  Range.NONNEGATIVE,
                  "added under the square root of the isotropic kind"))
          .traits(Trait.CONVEX, Trait.NONNEGATIVE)
          .equivalent("kornia.losses.total_variation(pred) (anisotropic kind)", "")
          .whenToUse(
              "A regulariser added to a reconstruction loss for denoising, deblurring, inpainting,"
                  + " style transfer and generated images: it removes noise and checkerboard"
                  + " artefacts but flattens texture and, in its L1 form, favours piecewise-constant"
                  + " (staircased) results.")
          .reference(
              "Rudin, Osher, Fatemi (1992), Nonlinear total variation based noise removal"
                  + " algorithms, Physica D 60",
              "https://doi.org/10.1016/0167-2789(92)90242-F")
          .sampler(
              (p, r, n) -> {
                int c = n % 2 == 0 ? 3 : 1;
                return new Tensor[] {
                  Samples.normal(r, 1, n, c, 1 + r.nextInt(5), 1 + r.nextInt(6))
                };
              })
          .tasks(Task.IMAGE_TO_IMAGE, Task.INPAINTING, Task.DEHAZING)
          .build(TotalVariationLoss::new);

  private static final int ANISOTROPIC = 0;
  private static final int ISOTROPIC = 1;
  private static final int SQUARED = 2;

  private final int kind;
  private final double eps;

  private TotalVariationLoss(Params p) {
    super(SPEC, p);
    String k = p.text("kind");
    this.kind = k.equals("anisotropic") ? ANISOTROPIC : k.equals("isotropic") ? ISOTROPIC : SQUARED;
    this.eps = p.real("eps");
  }

  @Override
  public int[] check(Tensor[] in) {
    Images.requireImages("pred", in[0]);
    return new int[] {in[0].dim(0)};
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] x = in[0].data();
    float[] gx = grads == null ? null : grads[0];
    int n = in[0].dim(0);
    int channels = in[0].dim(1);
    int h = in[0].dim(2);
    int w = in[0].dim(3);
    int hw = h * w;
    double[] buf = gx == null ? null : new double[hw];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double l = 0;
      for (int c = 0; c < channels; c++) {
        int off = (i * channels + c) * hw;
        if (buf != null) {
          Arrays.fill(buf, 0);
        }
        l += kind == ISOTROPIC ? isotropic(x, off, h, w, buf) : separate(x, off, h, w, buf);
        if (buf != null) {
          for (int j = 0; j < hw; j++) {
            gx[off + j] = (float) (scale * buf[j]);
          }
        }
      }
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
    }
    return sum;
  }

  /** Anisotropic or squared: every vertical and horizontal difference on its own. */
  private double separate(float[] x, int off, int h, int w, double[] g) {
    double l = 0;
    boolean sq = kind == SQUARED;
    for (int i = 0; i < h; i++) {
      for (int j = 0; j < w; j++) {
        int p = off + i * w + j;
        if (i + 1 < h) {
          double d = (double) x[p + w] - x[p];
          l += sq ? d * d : Math.abs(d);
          if (g != null) {
            double s = sq ? 2 * d : Math.signum(d);
            g[p - off + w] += s;
            g[p - off] -= s;
          }
        }
        if (j + 1 < w) {
          double d = (double) x[p + 1] - x[p];
          l += sq ? d * d : Math.abs(d);
          if (g != null) {
            double s = sq ? 2 * d : Math.signum(d);
            g[p - off + 1] += s;
            g[p - off] -= s;
          }
        }
      }
    }
    return l;
  }

  /** Isotropic: the norm of both differences at each pixel of the common region. */
  private double isotropic(float[] x, int off, int h, int w, double[] g) {
    double l = 0;
    for (int i = 0; i + 1 < h; i++) {
      for (int j = 0; j + 1 < w; j++) {
        int p = off + i * w + j;
        double dy = (double) x[p + w] - x[p];
        double dx = (double) x[p + 1] - x[p];
        double norm = Math.sqrt(dy * dy + dx * dx + eps);
        l += norm;
        if (g != null && norm > 0) {
          double sy = dy / norm;
          double sx = dx / norm;
          int q = p - off;
          g[q + w] += sy;
          g[q + 1] += sx;
          g[q] -= sy + sx;
        }
      }
    }
    return l;
  }
}

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
import java.util.SplittableRandom;

/**
 * Negative peak signal-to-noise ratio, in decibels: the mean squared error on a log scale relative
 * to the data range, for restoration models reported and trained by PSNR.
 *
 * <pre>{@code
 * mse (per image) = mean over C, H, W of (pred - target)^2,  m = max(mse, 1e-10 data-range^2)
 * l = -PSNR = -10 log10(data-range^2 / m) = 10 log10(m / data-range^2)
 * dl/dpred = 10 / (ln 10 m) * 2 (pred - target) / (C H W)   where mse > 1e-10 data-range^2, else 0
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target}, finite images {@code (N, C, H, W)} of one shape. The
 * unreduced loss has one value per image; the mean is over images.
 *
 * <p>Numerics: the MSE is floored at 1e-10 data-range^2, so PSNR is capped at 100 dB: identical
 * images give -100 with a zero gradient instead of -infinity.
 *
 * <p>For a single image (N = 1) equals kornia's {@code psnr_loss(pred, target, max_val=data_range)}
 * wherever kornia is finite; for a batch kornia takes one MSE over the whole batch, while this loss
 * averages the per-image values.
 *
 * @see <a href="https://doi.org/10.1049/el:20080522">Huynh-Thu, Ghanbari (2008)</a>
 */
public final class PsnrLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("psnr", Family.IMAGE)
          .input("pred", "(N, C, H, W)", InputDomain.REAL, true, "predicted images")
          .input("target", "(N, C, H, W)", InputDomain.REAL, false, "reference images")
          .name("Negative PSNR")
          .summary(
              "Minus the peak signal-to-noise ratio in decibels: per-image MSE on a log scale"
                  + " relative to the data range.")
          .formula(
              "l = -10 log10(data-range^2 / max(mse, 1e-10 data-range^2)), mse = per-image mean of"
                  + " (pred - target)^2")
          .gradient(
              "dl/dpred = 20 (pred - target) / (ln 10 mse C H W) where mse > 1e-10 data-range^2,"
                  + " else 0")
          .param(
              ParamSpec.real(
                  "data-range", 1.0, Range.POSITIVE, "range L of the pixel values (1, 255, ...)"))
          .equivalent(
              "kornia.losses.psnr_loss(pred, target, max_val=data_range) for one image (kornia"
                  + " pools the MSE over a batch)",
              "")
          .whenToUse(
              "Training restoration and super-resolution models that are judged by PSNR; the log"
                  + " makes it scale-free across images of different error levels, but like MSE it"
                  + " ignores structure and favours blurry outputs.")
          .reference(
              "Huynh-Thu, Ghanbari (2008), Scope of validity of PSNR in image/video quality"
                  + " assessment, Electronics Letters 44(13)",
              "https://doi.org/10.1049/el:20080522")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review",
              "https://arxiv.org/abs/2504.04242")
          .sampler(PsnrLoss::sample)
          .tasks(Task.IMAGE_TO_IMAGE, Task.DEHAZING)
          .build(PsnrLoss::new);

  /** The MSE floor relative to data-range^2: PSNR at most 100 dB. */
  static final double FLOOR = 1e-10;

  private final double range2;

  private PsnrLoss(Params p) {
    super(SPEC, p);
    double range = p.real("data-range");
    this.range2 = range * range;
  }

  /** n images of 1 or 3 channels and small odd and even sizes. */
  private static Tensor[] sample(Params p, SplittableRandom r, int n) {
    int c = n % 2 == 0 ? 3 : 1;
    return Images.noisyPair(r, p.real("data-range"), n, c, 1 + r.nextInt(5), 1 + r.nextInt(6));
  }

  @Override
  public int[] check(Tensor[] in) {
    return Images.checkPair(in[0], in[1]);
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] p = in[0].data();
    float[] t = in[1].data();
    float[] gp = grads == null ? null : grads[0];
    int n = in[0].dim(0);
    int size = n == 0 ? 0 : p.length / n;
    double floor = FLOOR * range2;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      int off = i * size;
      double ss = 0;
      for (int j = off; j < off + size; j++) {
        double r = (double) p[j] - t[j];
        ss += r * r;
      }
      double mse = size == 0 ? 0 : ss / size;
      boolean floored = !(mse > floor);
      double m = floored ? floor : mse;
      double l = 10 * Math.log10(m / range2);
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (gp != null) {
        double f = floored ? 0 : scale * 20 / (Math.log(10) * m * size);
        for (int j = off; j < off + size; j++) {
          gp[j] = (float) (f * ((double) p[j] - t[j]));
        }
      }
    }
    return sum;
  }
}

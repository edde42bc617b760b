package dev.losskit.box;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.Shapes;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Samples;
import java.util.SplittableRandom;

/**
 * Temporal consistency of a box track: smooth-L1 of the change of each coordinate from one frame to
 * the next; a regularizer that keeps tracked boxes from jittering.
 *
 * <pre>{@code
 * r_t = b_t - b_{t-1}                       per coordinate, t = 1 .. T-1
 * l   = r^2 / (2 beta)    if |r| < beta
 *       |r| - beta / 2    otherwise         (beta = 0: |r|)
 * dl/db_t = s(r_t) - s(r_{t+1}),  s(r) = clamp(r / beta, -1, 1)  (sign(r) for beta = 0)
 * }</pre>
 *
 * <p>Inputs: {@code pred}, one track {@code (T, 4)} or a batch of tracks {@code (N, T, 4)}, T at
 * least 1, finite. The unreduced loss has shape {@code (T-1, 4)} (or {@code (N, T-1, 4)}); the mean
 * is over those elements (0 for a single frame).
 *
 * <p>Numerical notes: each element is {@code torch.nn.functional.smooth_l1_loss} of a difference
 * against 0, so the formula follows PyTorch's, including beta = 0 (the L1 change, with gradient 0
 * at r = 0).
 *
 * <p>No peer library has it as a loss; the reference values are {@code
 * torch.nn.functional.smooth_l1_loss(pred[..., 1:, :] - pred[..., :-1, :], 0, beta=beta)}.
 *
 * @see <a href="https://arxiv.org/abs/1504.08083">Girshick (2015), Fast R-CNN (smooth L1)</a>
 */
public final class TemporalConsistencyLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("temporal-consistency", Family.BOX)
          .input("pred", "(T, 4) or (N, T, 4)", InputDomain.REAL, true, "box tracks over time")
          .name("Temporal consistency")
          .summary(
              "Smooth-L1 of the frame-to-frame change of each box coordinate: keeps tracked boxes"
                  + " from jittering.")
          .formula(
              "l = smooth-l1(b_t - b_{t-1}) per coordinate: r^2 / (2 beta) if |r| < beta else |r|"
                  + " - beta / 2")
          .gradient(
              "dl/db_t = s(r_t) - s(r_{t+1}), s(r) = clamp(r / beta, -1, 1) (sign(r) for beta = 0)")
          .param(
              ParamSpec.real(
                  "beta",
                  1.0,
                  Range.NONNEGATIVE,
                  "change where the penalty turns from quadratic to linear; 0 gives L1"))
          .traits(Trait.CONVEX, Trait.NONNEGATIVE, Trait.ROBUST)
          .whenToUse(
              "A smoothness regularizer for tracking and video detection, added to the per-frame"
                  + " box loss: penalizes jitter quadratically and real motion only linearly. It"
                  + " does not know the true motion, so weight it low for fast-moving objects.")
          .reference(
              "Girshick (2015), Fast R-CNN (the smooth L1 loss)",
              "https://arxiv.org/abs/1504.08083")
          .reference(
              "Elharrouss et al. (2025), Loss Functions in Deep Learning: A Comprehensive Review"
                  + " (tracking losses)",
              "https://arxiv.org/abs/2504.04242")
          .sampler((p, r, n) -> new Tensor[] {track(r, n + 1)})
          .tasks(Task.TRACKING, Task.ACTION_RECOGNITION)
          .build(TemporalConsistencyLoss::new);

  private final double beta;

  private TemporalConsistencyLoss(Params p) {
    super(SPEC, p);
    this.beta = p.real("beta");
  }

  /** One track of {@code frames} boxes: a random walk of xyxy boxes with steps of about 0.8. */
  private static Tensor track(SplittableRandom r, int frames) {
    float[] b = new float[frames * 4];
    double x = 10 * r.nextDouble();
    double y = 10 * r.nextDouble();
    double w = 2 + 3 * r.nextDouble();
    double h = 2 + 3 * r.nextDouble();
    for (int t = 0; t < frames; t++) {
      b[t * 4] = (float) x;
      b[t * 4 + 1] = (float) y;
      b[t * 4 + 2] = (float) (x + w);
      b[t * 4 + 3] = (float) (y + h);
      x += 0.8 * Samples.gaussian(r);
      y += 0.8 * Samples.gaussian(r);
      w = Math.max(0.5, w + 0.4 * Samples.gaussian(r));
      h = Math.max(0.5, h + 0.4 * Samples.gaussian(r));
    }
    return Tensor.of(b, frames, 4);
  }

  @Override
  public int[] check(Tensor[] in) {
    Tensor p = in[0];
    boolean ok = (p.rank() == 2 || p.rank() == 3) && p.dim(-1) == 4;
    if (!ok) {
      throw new IllegalArgumentException(
          "pred: expected shape (T, 4) or (N, T, 4), found " + Shapes.toString(p.shape()));
    }
    int frames = p.dim(-2);
    if (frames < 1) {
      throw new IllegalArgumentException(
          "pred: expected at least one frame (T >= 1), found shape " + Shapes.toString(p.shape()));
    }
    int[] out = p.shape();
    out[out.length - 2] = frames - 1;
    return out;
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] b = in[0].data();
    float[] g = grads == null ? null : grads[0];
    int frames = in[0].dim(-2);
    int tracks = b.length / (frames * 4);
    double sum = 0;
    for (int n = 0; n < tracks; n++) {
      int base = n * frames * 4;
      int out = n * (frames - 1) * 4;
      for (int t = 0; t < frames; t++) {
        for (int c = 0; c < 4; c++) {
          int i = base + t * 4 + c;
          double grad = 0;
          if (t > 0) {
            double r = (double) b[i] - b[i - 4];
            double a = Math.abs(r);
            double l = a < beta ? 0.5 * r * r / beta : a - 0.5 * beta;
            sum += l;
            if (values != null) {
              values[out + (t - 1) * 4 + c] = (float) l;
            }
            grad += slope(r);
          }
          if (g != null) {
            if (t + 1 < frames) {
              grad -= slope((double) b[i + 4] - b[i]);
            }
            g[i] = (float) (grad * scale);
          }
        }
      }
    }
    return sum;
  }

  /** d smooth-l1(r) / dr: clamp(r / beta, -1, 1), or sign(r) for beta = 0. */
  private double slope(double r) {
    return Math.abs(r) < beta ? r / beta : Math.signum(r);
  }
}

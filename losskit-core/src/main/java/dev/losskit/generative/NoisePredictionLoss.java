package dev.losskit.generative;

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
import java.util.List;
import java.util.SplittableRandom;

/**
 * Noise-prediction loss of denoising diffusion models: the mean squared error between the predicted
 * and the true noise of each sample, optionally weighted per sample by min-SNR-gamma; the training
 * objective of DDPM-style image and audio generators.
 *
 * <pre>{@code
 * D   = elements per sample,  r = pred - target
 * l_n = w_n sum_j r_nj^2 / D
 * w_n = 1                                    (weighting = none)
 *       min(SNR_t, gamma) / SNR_t, t = timesteps[n]   (weighting = min-snr)
 * dl_n/dpred_nj = 2 w_n r_nj / D
 * }</pre>
 *
 * <p>Inputs: {@code pred}, the predicted noise eps_theta(x_t, t), {@code (N, ...)}; {@code target},
 * the noise eps that made x_t, of the same shape; optional {@code timesteps}, an integer tensor
 * {@code (N)} of diffusion steps in [0, steps), required by {@code min-snr} and checked whenever it
 * is given. The unreduced loss has one value per sample; {@code mean} divides by N. With {@code
 * weighting = none} and no timesteps the mean equals the mean over all elements.
 *
 * <p>The schedule ({@code schedule}, {@code steps}, {@code beta-start}, {@code beta-end}) is a
 * {@link DiffusionSchedule}: linear (Ho et al. 2020) or cosine (Nichol and Dhariwal 2021); SNR_t =
 * abar_t / (1 - abar_t). The min-SNR-gamma weight is the epsilon-prediction form of Hang et al.
 * (2023); it is at most 1 and positive at every step, so timesteps 0 and T-1 give finite values. A
 * sample with no elements contributes 0.
 *
 * <p>Equals {@code (w * F.mse_loss(pred, target, reduction='none').flatten(1).mean(1)).mean()} with
 * {@code w} built from the same schedule in PyTorch; no peer library has this loss.
 *
 * @see <a href="https://arxiv.org/abs/2006.11239">Ho, Jain and Abbeel (2020)</a>
 * @see <a href="https://arxiv.org/abs/2303.09556">Hang et al. (2023)</a>
 */
public final class NoisePredictionLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("noise-prediction", Family.GENERATIVE)
          .input("pred", "(N, ...)", InputDomain.REAL, true, "predicted noise eps_theta(x_t, t)")
          .input("target", "(N, ...), as pred", InputDomain.REAL, false, "true noise eps")
          .optionalInput(
              "timesteps",
              "(N), integer",
              InputDomain.REAL,
              false,
              "diffusion step of each sample, in [0, steps)")
          .name("Noise prediction (diffusion)")
          .summary(
              "Per-sample mean squared error between predicted and true noise, optionally"
                  + " min-SNR-gamma weighted: the denoising diffusion objective.")
          .formula(
              "l_n = w_n mean_j (pred_nj - target_nj)^2, w_n = 1 or min(SNR_t, gamma) / SNR_t with"
                  + " t = timesteps[n], SNR_t = abar_t / (1 - abar_t)")
          .gradient("dl_n/dpred_nj = 2 w_n (pred_nj - target_nj) / D, D = elements per sample")
          .param(
              ParamSpec.choice(
                  "schedule",
                  "linear",
                  List.of("linear", "cosine"),
                  "noise schedule: linear betas, or the cosine schedule of Nichol and Dhariwal"))
          .param(
              ParamSpec.integer(
                  "steps", 1000, Range.closed(1, 1_000_000), "number of diffusion steps T"))
          .param(
              ParamSpec.real(
                  "beta-start", 1e-4, Range.OPEN_UNIT, "first beta of the linear schedule"))
          .param(
              ParamSpec.real("beta-end", 0.02, Range.OPEN_UNIT, "last beta of the linear schedule"))
          .param(
              ParamSpec.choice(
                  "weighting",
                  "none",
                  List.of("none", "min-snr"),
                  "per-sample weight: none, or min(SNR_t, gamma) / SNR_t (needs timesteps)"))
          .param(
              ParamSpec.real("gamma", 5, Range.POSITIVE, "SNR clip of the min-SNR-gamma weighting"))
          .traits(Trait.CONVEX, Trait.SMOOTH, Trait.NONNEGATIVE, Trait.ZERO_AT_TARGET)
          .equivalent(
              "(w * torch.nn.functional.mse_loss(pred, target, reduction='none').flatten(1).mean(1))"
                  + ".mean(), w = 1 or min(SNR_t, gamma) / SNR_t",
              "")
          .aliases("diffusion")
          .whenToUse(
              "Training denoising diffusion models that predict the added noise (DDPM, latent"
                  + " diffusion); min-snr weighting (gamma 5) balances the steps and speeds up"
                  + " convergence. Models that predict x0 or v need the matching target and weights.")
          .reference(
              "Ho, Jain, Abbeel (2020), Denoising diffusion probabilistic models, NeurIPS",
              "https://arxiv.org/abs/2006.11239")
          .reference(
              "Nichol, Dhariwal (2021), Improved denoising diffusion probabilistic models, ICML",
              "https://arxiv.org/abs/2102.09672")
          .reference(
              "Hang et al. (2023), Efficient diffusion training via min-SNR weighting strategy, ICCV",
              "https://arxiv.org/abs/2303.09556")
          .sampler(NoisePredictionLoss::sample)
          .tasks(Task.IMAGE_TO_IMAGE, Task.TEXT_TO_IMAGE, Task.AUDIO_TO_IMAGE, Task.INPAINTING)
          .build(NoisePredictionLoss::new);

  private final DiffusionSchedule schedule;
  private final boolean minSnr;

  /** w_t for every step t (all 1 without weighting). */
  private final double[] weights;

  private NoisePredictionLoss(Params p) {
    super(SPEC, p);
    this.schedule =
        DiffusionSchedule.of(
            p.text("schedule"), (int) p.integer("steps"), p.real("beta-start"), p.real("beta-end"));
    this.minSnr = p.text("weighting").equals("min-snr");
    this.weights = new double[schedule.steps()];
    double gamma = p.real("gamma");
    for (int t = 0; t < weights.length; t++) {
      weights[t] = minSnr ? schedule.minSnrWeight(t, gamma) : 1;
    }
  }

  /** The schedule of this instance. */
  public DiffusionSchedule schedule() {
    return schedule;
  }

  /**
   * Odd n: {@code (n, 2, 3)}; even n: {@code (n, 4)}; standard normal noise, the prediction the
   * noise plus a smaller error; timesteps uniform over the steps, given with min-snr weighting.
   */
  private static Tensor[] sample(Params p, SplittableRandom r, int n) {
    int[] shape = n % 2 == 1 ? new int[] {n, 2, 3} : new int[] {n, 4};
    Tensor target = Samples.normal(r, 1, shape);
    float[] pred = Samples.normal(r, 0.5, shape).data();
    for (int i = 0; i < pred.length; i++) {
      pred[i] += target.data()[i];
    }
    Tensor timesteps = null;
    if (p.text("weighting").equals("min-snr")) {
      timesteps = Samples.classes(r, (int) p.integer("steps"), n);
    }
    return new Tensor[] {Tensor.of(pred, shape), target, timesteps};
  }

  @Override
  public int[] check(Tensor[] in) {
    Shapes.requireMinRank("pred", in[0], 1, "(N, ...)");
    Shapes.requireSame("target", in[1], "pred", in[0]);
    int n = in[0].dim(0);
    if (in[2] != null) {
      schedule.checkSteps("timesteps", in[2], n);
    } else if (minSnr) {
      throw new IllegalArgumentException(
          "timesteps: expected an integer tensor (N) of steps, required by weighting = min-snr,"
              + " found none");
    }
    return new int[] {n};
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] p = in[0].data();
    float[] t = in[1].data();
    float[] steps = in[2] == null ? null : in[2].data();
    float[] g = grads == null ? null : grads[0];
    int n = in[0].dim(0);
    int per = n == 0 ? 0 : p.length / n;
    double sum = 0;
    for (int s = 0; s < n; s++) {
      double w = steps == null ? 1 : weights[(int) steps[s]];
      double f = per == 0 ? 0 : w / per;
      double ss = 0;
      int base = s * per;
      for (int j = base; j < base + per; j++) {
        double r = (double) p[j] - t[j];
        ss += r * r;
        if (g != null) {
          g[j] = (float) (2 * f * r * scale);
        }
      }
      double l = f * ss;
      sum += l;
      if (values != null) {
        values[s] = (float) l;
      }
    }
    return sum;
  }
}

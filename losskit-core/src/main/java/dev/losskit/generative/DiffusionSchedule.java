package dev.losskit.generative;

import dev.losskit.Shapes;
import dev.losskit.Tensor;
import java.util.Locale;

/**
 * The noise schedule of a denoising diffusion model with {@code T} steps: betas, alphas, cumulative
 * alphas, signal-to-noise ratios, the min-SNR-gamma weights and the forward (noising) process.
 *
 * <pre>{@code
 * linear:  beta_t = beta-start + t (beta-end - beta-start) / (T - 1),   t = 0 .. T-1
 * cosine:  f(u)   = cos((u + s) / (1 + s) * pi / 2)^2,  s = 0.008
 *          beta_t = min(1 - f((t + 1) / T) / f(t / T), 0.999)
 * alpha_t = 1 - beta_t,   abar_t = alpha_0 alpha_1 ... alpha_t
 * SNR_t   = abar_t / (1 - abar_t)
 * w_t     = min(SNR_t, gamma) / SNR_t                 (min-SNR-gamma, epsilon prediction)
 * x_t     = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps     (forward process)
 * }</pre>
 *
 * <p>Steps are counted from 0, as in PyTorch implementations ({@code alphas_cumprod[t]}). The
 * linear schedule is the one of Ho et al. (2020), {@code torch.linspace(beta_start, beta_end, T)};
 * the cosine schedule is the one of Nichol and Dhariwal (2021), betas clipped at 0.999.
 *
 * <p>Numerical notes: everything is computed in double. Cosine betas are computed as sin(b + a)
 * sin(b - a) / cos(a)^2 with a, b the angles of t / T and (t + 1) / T, which equals 1 - f((t + 1) /
 * T) / f(t / T) without its cancellation. The cumulative product is accumulated as a sum of {@code
 * log1p(-beta)}, and {@code 1 - abar_t} as {@code -expm1} of that sum, so that the SNR keeps full
 * relative precision where abar_t is close to 1 (the first steps) and where it is tiny (the last
 * cosine steps). Every beta lies in (0, 1), so every SNR is finite and positive.
 *
 * <p>Instances are immutable and safe to share between threads.
 *
 * @see <a href="https://arxiv.org/abs/2006.11239">Ho, Jain and Abbeel (2020)</a>
 * @see <a href="https://arxiv.org/abs/2102.09672">Nichol and Dhariwal (2021)</a>
 * @see <a href="https://arxiv.org/abs/2303.09556">Hang et al. (2023), min-SNR-gamma</a>
 */
public final class DiffusionSchedule {
  /** The offset s of the cosine schedule. */
  public static final double COSINE_OFFSET = 0.008;

  /** The largest beta of the cosine schedule. */
  public static final double COSINE_MAX_BETA = 0.999;

  private final String name;
  private final double[] betas;
  private final double[] alphaBars;
  private final double[] oneMinusAlphaBars;

  private DiffusionSchedule(String name, double[] betas) {
    this.name = name;
    this.betas = betas;
    int steps = betas.length;
    alphaBars = new double[steps];
    oneMinusAlphaBars = new double[steps];
    double logAlphaBar = 0;
    for (int t = 0; t < steps; t++) {
      logAlphaBar += Math.log1p(-betas[t]);
      alphaBars[t] = Math.exp(logAlphaBar);
      oneMinusAlphaBars[t] = -Math.expm1(logAlphaBar);
    }
  }

  /**
   * The linear schedule: {@code steps} betas evenly spaced from {@code betaStart} to {@code
   * betaEnd} (Ho et al. 2020 use 1000 steps from 1e-4 to 0.02).
   *
   * @throws IllegalArgumentException if steps &lt; 1 or a beta is outside (0, 1)
   */
  public static DiffusionSchedule linear(int steps, double betaStart, double betaEnd) {
    requireSteps(steps);
    requireBeta("beta-start", betaStart);
    requireBeta("beta-end", betaEnd);
    double[] betas = new double[steps];
    double step = steps == 1 ? 0 : (betaEnd - betaStart) / (steps - 1);
    for (int t = 0; t < steps; t++) {
      betas[t] = betaStart + t * step;
    }
    if (steps > 1) {
      betas[steps - 1] = betaEnd;
    }
    return new DiffusionSchedule("linear", betas);
  }

  /**
   * The cosine schedule of Nichol and Dhariwal (2021), offset s = 0.008, betas clipped at 0.999.
   *
   * @throws IllegalArgumentException if steps &lt; 1
   */
  public static DiffusionSchedule cosine(int steps) {
    requireSteps(steps);
    double[] betas = new double[steps];
    for (int t = 0; t < steps; t++) {
      // 1 - cos^2(b) / cos^2(a) = sin(b + a) sin(b - a) / cos^2(a), without the cancellation.
      double a = cosineAngle((double) t / steps);
      double b = cosineAngle((t + 1.0) / steps);
      double ca = Math.cos(a);
      betas[t] = Math.min(Math.sin(b + a) * Math.sin(b - a) / (ca * ca), COSINE_MAX_BETA);
    }
    return new DiffusionSchedule("cosine", betas);
  }

  /**
   * The schedule called {@code schedule} ("linear" or "cosine"); the cosine schedule ignores the
   * betas.
   *
   * @throws IllegalArgumentException for another name, or as {@link #linear} and {@link #cosine}
   */
  public static DiffusionSchedule of(String schedule, int steps, double betaStart, double betaEnd) {
    switch (schedule) {
      case "linear":
        return linear(steps, betaStart, betaEnd);
      case "cosine":
        return cosine(steps);
      default:
        throw new IllegalArgumentException(
            "schedule: expected one of linear, cosine, found '" + schedule + "'");
    }
  }

  /** The angle of f(u) = cos(angle)^2: (u + s) / (1 + s) * pi / 2. */
  private static double cosineAngle(double u) {
    return (u + COSINE_OFFSET) / (1 + COSINE_OFFSET) * Math.PI / 2;
  }

  private static void requireSteps(int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("steps: expected at least 1, found " + steps);
    }
  }

  private static void requireBeta(String what, double beta) {
    if (!(beta > 0 && beta < 1)) {
      throw new IllegalArgumentException(what + ": expected a number in (0, 1), found " + beta);
    }
  }

  /** "linear" or "cosine". */
  public String name() {
    return name;
  }

  /** The number of steps T. */
  public int steps() {
    return betas.length;
  }

  /** beta_t. */
  public double beta(int t) {
    return betas[index(t)];
  }

  /** alpha_t = 1 - beta_t. */
  public double alpha(int t) {
    return 1 - betas[index(t)];
  }

  /** The cumulative alpha abar_t = alpha_0 ... alpha_t. */
  public double cumulativeAlpha(int t) {
    return alphaBars[index(t)];
  }

  /** The signal-to-noise ratio SNR_t = abar_t / (1 - abar_t). */
  public double snr(int t) {
    int i = index(t);
    return alphaBars[i] / oneMinusAlphaBars[i];
  }

  /**
   * The min-SNR-gamma weight of the noise-prediction (epsilon) loss at step t: min(SNR_t, gamma) /
   * SNR_t, that is gamma / SNR_t where SNR_t &gt; gamma and 1 elsewhere.
   */
  public double minSnrWeight(int t, double gamma) {
    double snr = snr(t);
    return snr > gamma ? gamma / snr : 1;
  }

  /** All T betas (a copy). */
  public double[] betas() {
    return betas.clone();
  }

  /** All T alphas. */
  public double[] alphas() {
    double[] a = new double[betas.length];
    for (int t = 0; t < a.length; t++) {
      a[t] = 1 - betas[t];
    }
    return a;
  }

  /** All T cumulative alphas (a copy). */
  public double[] cumulativeAlphas() {
    return alphaBars.clone();
  }

  /** All T signal-to-noise ratios. */
  public double[] snrs() {
    double[] s = new double[betas.length];
    for (int t = 0; t < s.length; t++) {
      s[t] = alphaBars[t] / oneMinusAlphaBars[t];
    }
    return s;
  }

  /**
   * The forward process at one step for a whole batch: x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t)
   * eps, computed in double and rounded to float32.
   *
   * @param x0 clean data, any shape; not modified
   * @param eps noise of the shape of x0; not modified
   * @throws IllegalArgumentException if the shapes differ or t is outside [0, T)
   */
  public Tensor forward(Tensor x0, Tensor eps, int t) {
    Shapes.requireSame("eps", eps, "x0", x0);
    int i = index(t);
    float[] out = new float[x0.size()];
    mix(x0.data(), eps.data(), 0, out.length, Math.sqrt(alphaBars[i]), oneMinusAlphaBars[i], out);
    return Tensor.shaped(out, x0.shape());
  }

  /**
   * The forward process with one step per sample: x_t[n] = sqrt(abar_{t[n]}) x0[n] + sqrt(1 -
   * abar_{t[n]}) eps[n].
   *
   * @param x0 clean data {@code (N, ...)}; not modified
   * @param eps noise of the shape of x0; not modified
   * @param t integral steps {@code (N)}, each in [0, T); not modified
   * @throws IllegalArgumentException naming x0, eps or t when shapes or steps are wrong
   */
  public Tensor forward(Tensor x0, Tensor eps, Tensor t) {
    Shapes.requireMinRank("x0", x0, 1, "(N, ...)");
    Shapes.requireSame("eps", eps, "x0", x0);
    int n = x0.dim(0);
    checkSteps("t", t, n);
    float[] steps = t.data();
    int per = n == 0 ? 0 : x0.size() / n;
    float[] out = new float[x0.size()];
    for (int s = 0; s < n; s++) {
      int i = (int) steps[s];
      mix(
          x0.data(),
          eps.data(),
          s * per,
          (s + 1) * per,
          Math.sqrt(alphaBars[i]),
          oneMinusAlphaBars[i],
          out);
    }
    return Tensor.shaped(out, x0.shape());
  }

  private static void mix(
      float[] x0, float[] eps, int from, int to, double signal, double noiseVariance, float[] out) {
    double noise = Math.sqrt(noiseVariance);
    for (int j = from; j < to; j++) {
      out[j] = (float) (signal * x0[j] + noise * eps[j]);
    }
  }

  /**
   * Checks that {@code t} is an integral tensor of shape {@code (n)} whose values are steps of this
   * schedule; the message names the input {@code name}.
   */
  void checkSteps(String name, Tensor t, int n) {
    if (!t.isIntegral()) {
      throw new IllegalArgumentException(
          name + ": expected integer steps (an integer tensor), found a floating tensor " + t);
    }
    if (t.rank() != 1 || t.dim(0) != n) {
      throw new IllegalArgumentException(
          name
              + ": expected shape (N) = "
              + Shapes.toString(n)
              + ", one step per sample, found "
              + Shapes.toString(t.shape()));
    }
    float[] x = t.data();
    for (int i = 0; i < x.length; i++) {
      if (!(x[i] >= 0 && x[i] < betas.length)) {
        throw new IllegalArgumentException(
            name
                + ": expected steps in [0, "
                + betas.length
                + ") (steps = "
                + betas.length
                + "), found "
                + (long) x[i]
                + " at index "
                + i);
      }
    }
  }

  private int index(int t) {
    if (t < 0 || t >= betas.length) {
      throw new IllegalArgumentException(
          "t: expected a step in [0, " + betas.length + "), found " + t);
    }
    return t;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s diffusion schedule, %d steps", name, betas.length);
  }
}

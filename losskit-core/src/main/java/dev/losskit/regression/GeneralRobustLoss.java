package dev.losskit.regression;

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
import dev.losskit.internal.Elementwise;
import dev.losskit.internal.Samples;

/**
 * Barron's general and adaptive robust loss: one family, indexed by a shape {@code alpha}, that
 * contains L2, pseudo-huber/Charbonnier, Cauchy, Geman-McClure and Welsch as special cases; with
 * {@code alpha} given as an input its robustness can be learned.
 *
 * <pre>{@code
 * r = pred - target,  z = (r / scale)^2,  b = |alpha - 2|
 * l = b / alpha * ((z / b + 1)^(alpha / 2) - 1)
 *   = z / 2                    alpha = 2
 *   = log(z / 2 + 1)           alpha = 0
 *   = 1 - exp(-z / 2)          alpha = -inf
 * dl/dpred  = (r / scale^2) (z / b + 1)^(alpha / 2 - 1)
 *             (r / scale^2 at alpha = 2, (r / scale^2) exp(-z / 2) at alpha = -inf)
 * dl/dalpha = 2 s E / alpha^2 + (b / alpha) (E + 1) L / 2 - (E + 1) s u / (2 (1 + u)),
 *             u = z / b, L = log1p(u), E = expm1(alpha L / 2), s = sign(alpha - 2)
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target} of equal shape, finite; optional {@code alpha} of the
 * same shape, finite, which replaces the parameter element by element and receives a gradient.
 * Parameters: {@code alpha} any number or {@code -inf} (text "-inf" or "-Infinity"), {@code scale}
 * > 0. Special values: alpha = 1 is {@code sqrt(z + 1) - 1} (pseudo-huber with delta = scale,
 * divided by scale^2), alpha = -2 is Geman-McClure {@code 2 z / (z + 4)}.
 *
 * <p>Numerical notes: the value is evaluated as {@code b / alpha * expm1(alpha / 2 * log1p(z /
 * b))}, which is accurate for every alpha except exactly 0 and 2, where the limits are used; within
 * 1e-5 of alpha = 0 a second-order Taylor expansion in alpha replaces it (the quotient {@code b /
 * alpha} would overflow). The alpha derivative cancels badly in closed form for small {@code u} (it
 * is O(u^3) while its terms are O(u)) and near alpha = 0; there the kernel sums its power series in
 * {@code u} (with a two-term recurrence, no cancellation) or uses its Taylor expansion around 0.
 * The alpha derivative diverges like {@code -(z / 4) log|alpha - 2|} as alpha approaches 2 and is
 * infinite at 2: closer than 2^-23 to 2 (among float32 inputs, only alpha = 2 itself) the kernel
 * returns its value at 2 - 2^-23 (above 2: at 2 + 2^-23), the nearest float32 below 2. At alpha =
 * -inf it is 0.
 *
 * <p>No PyTorch function; Barron's reference code {@code robust_loss_pytorch.general.lossfun(pred -
 * target, alpha, scale)} computes the same formula (with its own clamping of alpha near 0 and 2).
 *
 * @see <a href="https://arxiv.org/abs/1701.03077">Barron (2019), A general and adaptive robust loss
 *     function</a>
 */
public final class GeneralRobustLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.elementwise("general-robust", Family.REGRESSION)
          .name("General robust (Barron)")
          .summary(
              "Barron's one-parameter family of robust losses: L2, Charbonnier, Cauchy, Geman-McClure and Welsch in one.")
          .formula(
              "l = |alpha - 2| / alpha * (((r/scale)^2 / |alpha - 2| + 1)^(alpha/2) - 1); limits (r/scale)^2 / 2 at"
                  + " alpha = 2, log(0.5 (r/scale)^2 + 1) at alpha = 0, 1 - exp(-0.5 (r/scale)^2) at alpha = -inf")
          .gradient(
              "dl/dpred = (r / scale^2) ((r/scale)^2 / |alpha - 2| + 1)^(alpha/2 - 1); dl/dalpha in closed form"
                  + " (see the class documentation) when alpha is given as an input")
          .optionalInput(
              "alpha",
              "(*), as pred",
              InputDomain.REAL,
              true,
              "per-element shape, replacing the parameter alpha; receives a gradient")
          .param(
              ParamSpec.real(
                  "alpha",
                  1.0,
                  new Range(Double.NEGATIVE_INFINITY, true, Double.POSITIVE_INFINITY, false),
                  "shape: 2 is L2, 1 pseudo-huber, 0 Cauchy, -2 Geman-McClure, -inf Welsch"))
          .param(
              ParamSpec.real(
                  "scale",
                  1.0,
                  Range.POSITIVE,
                  "residual scale c below which the loss is quadratic"))
          .traits(Trait.SMOOTH, Trait.NONNEGATIVE, Trait.ZERO_AT_TARGET)
          .equivalent("", "")
          .whenToUse(
              "Regression and registration with outliers of unknown severity (depth, optical flow, image"
                  + " reconstruction, VAEs): tune alpha, or pass alpha as an input and learn it, instead of"
                  + " choosing among L2, Charbonnier, Cauchy and Welsch. Alpha below 1 makes it non-convex and"
                  + " a learned alpha needs a bounded parameterisation (Barron maps it into (0, 2)).")
          .reference(
              "Barron (2019), A general and adaptive robust loss function, CVPR",
              "https://arxiv.org/abs/1701.03077")
          .sampler(
              (p, r, n) -> new Tensor[] {Samples.normal(r, 2, n), Samples.normal(r, 1, n), null})
          .tasks(Task.REGRESSION, Task.IMAGE_TO_IMAGE)
          .build(GeneralRobustLoss::new);

  /** Below this |alpha| the value and alpha derivative use their Taylor expansions around 0. */
  private static final double NEAR_ZERO = 1e-5;

  /** The alpha derivative is evaluated at least this far from 2 (the float32 spacing below 2). */
  private static final double GAP_AT_TWO = 0x1p-23;

  private final double alpha;
  private final double c;

  private GeneralRobustLoss(Params p) {
    super(SPEC, p);
    this.alpha = p.real("alpha");
    this.c = p.real("scale");
  }

  @Override
  public int[] check(Tensor[] in) {
    return Elementwise.check(SPEC, in);
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] p = in[0].data();
    float[] t = in[1].data();
    float[] al = in[2] == null ? null : in[2].data();
    float[] g = grads == null ? null : grads[0];
    float[] ga = grads == null || al == null ? null : grads[2];
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      double x = ((double) p[i] - t[i]) / c;
      double z = x * x;
      double a = al == null ? alpha : al[i];
      double l = rho(z, a);
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        g[i] = (float) (x / c * slope(z, a) * scale);
      }
      if (ga != null) {
        ga[i] = (float) (dAlpha(z, a) * scale);
      }
    }
    return sum;
  }

  /** rho as a function of z = (r / scale)^2 and alpha. */
  static double rho(double z, double a) {
    if (z == 0) {
      return 0;
    }
    if (a == Double.NEGATIVE_INFINITY) {
      return -Math.expm1(-0.5 * z);
    }
    if (a == 2) {
      return 0.5 * z;
    }
    if (Math.abs(a) < NEAR_ZERO) {
      double lg = Math.log1p(0.5 * z);
      return lg + a * (nearZeroFirst(z, lg) + a * nearZeroSecond(z, lg));
    }
    double b = Math.abs(a - 2);
    return b / a * Math.expm1(0.5 * a * Math.log1p(z / b));
  }

  /** (z / b + 1)^(alpha / 2 - 1) = 2 d rho / dz, so that d rho / dr = (r / scale^2) times it. */
  static double slope(double z, double a) {
    if (a == 2) {
      return 1;
    }
    if (a == Double.NEGATIVE_INFINITY) {
      return Math.exp(-0.5 * z);
    }
    return Math.exp((0.5 * a - 1) * Math.log1p(z / Math.abs(a - 2)));
  }

  /** d rho / d alpha at fixed z. */
  static double dAlpha(double z, double a) {
    if (z == 0 || a == Double.NEGATIVE_INFINITY) {
      return 0;
    }
    double b = Math.abs(a - 2);
    if (b < GAP_AT_TWO) {
      a = a <= 2 ? 2 - GAP_AT_TWO : 2 + GAP_AT_TWO;
      b = GAP_AT_TWO;
    }
    double s = a > 2 ? 1 : -1;
    double u = z / b;
    if (u <= 0.25 && (Math.abs(a) + 2) * u <= 2) {
      // sum_k u^k B_k with A_1 = 1/2, B_1 = 0, A_{k+1} = A_k (a/2 - k) / (k + 1),
      // B_{k+1} = (B_k (a/2 - k) + s (k - 1) A_k) / (k + 1): the series of rho in u and its alpha
      // derivative.
      double ak = 0.5;
      double bk = 0;
      double uk = u;
      double total = 0;
      for (int k = 1; k < 80; k++) {
        double term = uk * bk;
        total += term;
        if (k > 2 && Math.abs(term) <= 1e-17 * Math.abs(total)) {
          break;
        }
        double m = 0.5 * a - k;
        double nextB = (bk * m + s * (k - 1) * ak) / (k + 1);
        ak = ak * m / (k + 1);
        bk = nextB;
        uk *= u;
      }
      return total;
    }
    if (Math.abs(a) < NEAR_ZERO) {
      double lg = Math.log1p(0.5 * z);
      return nearZeroFirst(z, lg) + 2 * a * nearZeroSecond(z, lg);
    }
    double lg = Math.log1p(u);
    double e = Math.expm1(0.5 * a * lg);
    return 2 * s * e / (a * a) + (b / a) * (e + 1) * lg / 2 - (e + 1) * s * u / (2 * (1 + u));
  }

  /** d rho / d alpha at alpha = 0; lg = log1p(z / 2). */
  private static double nearZeroFirst(double z, double lg) {
    return z / (2 * (z + 2)) + lg * (lg - 2) / 4;
  }

  /** Half the second alpha derivative of rho at alpha = 0; lg = log1p(z / 2). */
  private static double nearZeroSecond(double z, double lg) {
    double w = z + 2;
    return lg * lg * (lg - 3) / 24 + z * lg / (4 * w) - z * z / (8 * w * w);
  }
}

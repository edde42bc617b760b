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
import dev.losskit.TwiceDifferentiable;
import dev.losskit.internal.Elementwise;
import dev.losskit.internal.Numerics;
import dev.losskit.internal.Samples;
import java.util.SplittableRandom;

/**
 * Tweedie deviance with a log link: the loss of non-negative targets with many exact zeros and a
 * skewed positive part (insurance claims, sales), between Poisson ({@code power = 1}) and Gamma
 * ({@code power = 2}).
 *
 * <pre>{@code
 * mu = exp(pred),  y = target,  rho = power,  k = 2 - rho,  j = 1 - rho
 * l  = 2 (y^k / (j k) - y mu^j / j + mu^k / k)          1 < rho < 2
 *    = 2 (y log(y / mu) - y + mu)                       rho = 1 (Poisson deviance)
 *    = 2 (log(mu / y) + y / mu - 1)                     rho = 2 (Gamma deviance)
 * dl/dpred   = 2 (mu^k - y mu^j)
 * d2l/dpred2 = 2 (k mu^k - j y mu^j)
 * }</pre>
 *
 * <p>Inputs: {@code pred}, the raw score (log of the mean), finite; {@code target} finite and
 * non-negative, and positive for {@code power = 2}, whose deviance is undefined at 0 (rejected by
 * name). Where y = 0 the deviance is 2 mu^k / k (y log y = 0 for power 1).
 *
 * <p>Numerical notes: for y &gt; 0 the deviance is computed as 2 y^k (expm1(k d) / k - expm1(j d) /
 * j) with d = pred - log y and expm1(a d) / a read as d at a = 0, which has no cancellation near
 * the minimum or near power 1 and 2 and gives the Poisson and Gamma limits exactly. Each
 * exponential term mu^k = exp(k pred) and y mu^j = exp(log y + j pred) is exact while its exponent
 * is at most log(Float.MAX_VALUE / 2), about 88.03, and continued by its tangent line beyond: value
 * and gradient stay finite for every finite pred (|gradient| at most Float.MAX_VALUE), and the
 * term's curvature is 0 there.
 *
 * <p>Equals {@code sklearn.metrics.mean_tweedie_deviance(target, exp(pred), power=power)} for the
 * mean.
 *
 * @see <a href="https://doi.org/10.1111/j.2517-6161.1987.tb01685.x">Jorgensen (1987)</a>
 */
public final class TweedieLoss extends AbstractLoss implements TwiceDifferentiable {
  public static final LossSpec SPEC =
      LossSpec.elementwise("tweedie", Family.REGRESSION)
          .domain("target", InputDomain.NONNEGATIVE)
          .name("Tweedie deviance")
          .summary(
              "Tweedie unit deviance of the target from the mean exp(pred): compound Poisson-Gamma"
                  + " regression for zero-inflated, skewed non-negative targets.")
          .formula(
              "l = 2 (y^(2-rho) / ((1-rho)(2-rho)) - y mu^(1-rho) / (1-rho) + mu^(2-rho) / (2-rho)),"
                  + " mu = exp(pred), y = target, rho = power; Poisson and Gamma deviance at rho = 1, 2")
          .gradient(
              "dl/dpred = 2 (mu^(2-rho) - y mu^(1-rho));"
                  + " d2l/dpred2 = 2 ((2-rho) mu^(2-rho) + (rho-1) y mu^(1-rho))")
          .param(
              ParamSpec.real(
                  "power", 1.5, Range.closed(1, 2), "Tweedie power rho: 1 Poisson, 2 Gamma"))
          .traits(Trait.CONVEX, Trait.SMOOTH, Trait.NONNEGATIVE, Trait.HESSIAN)
          .equivalent(
              "sklearn.metrics.mean_tweedie_deviance(target, exp(pred), power=power)",
              "scikit-learn")
          .whenToUse(
              "Gradient boosting and neural regression of non-negative targets with many exact zeros and a"
                  + " heavy right tail (insurance claims, sales, rainfall); power between 1 and 2 sets how"
                  + " the variance grows with the mean and is usually tuned, e.g. 1.2 to 1.8.")
          .reference(
              "Jorgensen (1987), Exponential dispersion models, Journal of the Royal Statistical Society B 49(2)",
              "https://doi.org/10.1111/j.2517-6161.1987.tb01685.x")
          .reference(
              "Zhou, Yang, Qian (2022), Tweedie gradient boosting for extremely unbalanced zero-inflated data,"
                  + " Communications in Statistics - Simulation and Computation",
              "https://arxiv.org/abs/1811.10192")
          .sampler(TweedieLoss::sample)
          .tasks(Task.REGRESSION, Task.TABULAR)
          .build(TweedieLoss::new);

  /**
   * Exponents above this are continued linearly, so that 2 exp(CAP) stays below Float.MAX_VALUE.
   */
  private static final double CAP = Numerics.LOG_FLOAT_MAX - Math.log(2);

  private final double power;
  private final double k;
  private final double j;

  private TweedieLoss(Params p) {
    super(SPEC, p);
    this.power = p.real("power");
    this.k = 2 - power;
    this.j = 1 - power;
  }

  /**
   * Scores around 0.5 and targets from a compound Poisson-Gamma draw: about a third exact zeros
   * (none for power 2), the rest Gamma-distributed.
   */
  private static Tensor[] sample(Params p, SplittableRandom r, int n) {
    boolean zeros = p.real("power") < 2;
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      if (zeros && r.nextDouble() < 0.35) {
        y[i] = 0;
      } else {
        // Gamma(2, 1) as the sum of two exponentials, shifted away from 0.
        y[i] = (float) (0.05 - Math.log(1 - r.nextDouble()) - Math.log(1 - r.nextDouble()));
      }
    }
    return new Tensor[] {Samples.normal(r, 1, n), Tensor.of(y, n)};
  }

  @Override
  public int[] check(Tensor[] in) {
    int[] shape = Elementwise.check(SPEC, in);
    if (power == 2) {
      float[] t = in[1].data();
      for (int i = 0; i < t.length; i++) {
        if (!(t[i] > 0)) {
          throw new IllegalArgumentException(
              "target: expected positive values for power = 2 (Gamma deviance), found "
                  + t[i]
                  + " at index "
                  + i);
        }
      }
    }
    return shape;
  }

  /** expm1(a d) / a, read as d at a = 0. */
  private static double expm1Over(double a, double d) {
    return a == 0 ? d : Math.expm1(a * d) / a;
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] p = in[0].data();
    float[] t = in[1].data();
    float[] g = grads == null ? null : grads[0];
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      double s = p[i];
      double y = t[i];
      double l;
      double d;
      if (y > 0) {
        double logY = Math.log(y);
        double xa = k * s;
        double xb = logY + j * s;
        double yk = Math.exp(k * logY);
        if (xa <= CAP && xb <= CAP) {
          double dd = s - logY;
          l = 2 * yk * (expm1Over(k, dd) - expm1Over(j, dd));
          d = 2 * (Math.exp(xa) - Math.exp(xb));
        } else {
          double ta = k == 0 ? s - logY : (Numerics.expTangentAbove(xa, CAP) - yk) / k;
          double tb = j == 0 ? y * (s - logY) : (Numerics.expTangentAbove(xb, CAP) - yk) / j;
          l = 2 * (ta - tb);
          d = 2 * (Math.exp(Math.min(xa, CAP)) - Math.exp(Math.min(xb, CAP)));
        }
      } else {
        // y = 0 (power < 2): only mu^k / k remains.
        l = 2 * Numerics.expTangentAbove(k * s, CAP) / k;
        d = 2 * Math.exp(Math.min(k * s, CAP));
      }
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        g[i] = (float) (d * scale);
      }
    }
    return sum;
  }

  @Override
  public void secondDerivative(Tensor[] in, float[] out) {
    float[] p = in[0].data();
    float[] t = in[1].data();
    for (int i = 0; i < p.length; i++) {
      double s = p[i];
      double y = t[i];
      double xa = k * s;
      double h = xa <= CAP ? k * Math.exp(xa) : 0;
      if (y > 0) {
        double xb = Math.log(y) + j * s;
        h -= xb <= CAP ? j * Math.exp(xb) : 0;
      }
      out[i] = (float) (2 * h);
    }
  }
}

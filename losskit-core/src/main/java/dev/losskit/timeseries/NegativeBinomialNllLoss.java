package dev.losskit.timeseries;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Elementwise;
import dev.losskit.internal.Numerics;
import dev.losskit.internal.Samples;
import java.util.SplittableRandom;

/**
 * Negative binomial negative log-likelihood: the likelihood of count series with a predicted mean
 * and dispersion (DeepAR), for demand and other counts whose variance grows faster than their mean.
 *
 * <pre>{@code
 * mu = pred (mean),  a = alpha (dispersion),  y = target (count),  r = 1 / a
 * mean mu,  variance mu + a mu^2
 * l         = lgamma(y + 1) + lgamma(r) - lgamma(y + r) + (r + y) log(1 + a mu) - y log(a mu)
 * dl/dmu    = (mu - y) / (mu (1 + a mu))
 * dl/dalpha = r^2 [psi(y + r) - psi(r) - log(1 + a mu)] + (mu - y) / (a (1 + a mu))
 * }</pre>
 *
 * <p>Inputs, all of one shape: {@code pred}, the mean mu, finite and positive; {@code target},
 * non-negative whole counts, as an integer tensor or a floating one; {@code alpha}, the dispersion,
 * finite and positive. Elementwise; {@code mean} divides by the number of elements.
 *
 * <p>Numerical notes: with E(r, y) = lgamma(y + r) - lgamma(r) - y log r, the loss is computed as
 * {@code lgamma(y + 1) - E(r, y) + (r + y) log1p(a mu) - y log mu}, and the alpha gradient as
 * {@code r^2 [psi(y + r) - psi(r) - log1p(y / r) + log1p(u) - u]} with u = (y - mu) / (r + mu);
 * each bracket is evaluated without cancellation (Stirling's series for the gamma differences, a
 * series for log1p(u) - u), so that alpha down to the smallest float32 gives the Poisson limit,
 * value mu - y log mu + lgamma(y + 1) and alpha gradient (y - (y - mu)^2) / 2, instead of the
 * difference of two huge numbers. A zero count gives l = log1p(a mu) / a for any mu.
 *
 * <p>Equals {@code -torch.distributions.NegativeBinomial(total_count=1/alpha,
 * probs=alpha*mu/(1+alpha*mu)).log_prob(target)} (PyTorch 1.13; equivalently {@code
 * logits=log(alpha*mu)}), value and gradients with respect to mu and alpha: PyTorch's
 * parameterisation has r = total_count failures and success probability p, with mean r p / (1 - p)
 * = mu and variance mu / (1 - p) = mu + a mu^2.
 *
 * @see <a href="https://doi.org/10.1016/j.ijforecast.2019.07.001">Salinas et al. (2020), DeepAR</a>
 */
public final class NegativeBinomialNllLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("negative-binomial-nll", Family.TIMESERIES)
          .name("Negative binomial negative log-likelihood")
          .summary(
              "Negative log-likelihood of counts under a negative binomial distribution with the"
                  + " predicted mean and dispersion, as in DeepAR.")
          .formula(
              "l = lgamma(y + 1) + lgamma(r) - lgamma(y + r) + (r + y) log(1 + a mu) - y log(a mu),"
                  + " mu = pred, a = alpha, y = target, r = 1 / a (variance mu + a mu^2)")
          .gradient(
              "dl/dmu = (mu - y) / (mu (1 + a mu)); dl/dalpha = r^2 [psi(y + r) - psi(r) - log(1 +"
                  + " a mu)] + (mu - y) / (a (1 + a mu))")
          .input("pred", "(*)", InputDomain.POSITIVE, true, "mu, the predicted mean")
          .input(
              "target",
              "(*), as pred",
              InputDomain.NONNEGATIVE,
              false,
              "observed counts: non-negative whole numbers (integer or floating tensor)")
          .input(
              "alpha",
              "(*), as pred",
              InputDomain.POSITIVE,
              true,
              "the predicted dispersion (variance mu + alpha mu^2)")
          .traits(Trait.SMOOTH, Trait.NONNEGATIVE)
          .equivalent(
              "-torch.distributions.NegativeBinomial(total_count=1/alpha,"
                  + " probs=alpha*pred/(1+alpha*pred)).log_prob(target)",
              "pytorch")
          .whenToUse(
              "Probabilistic forecasting of counts (sales, demand, arrivals) that are overdispersed"
                  + " or intermittent, with a network predicting mean and dispersion per step; prefer"
                  + " poisson-nll when the variance equals the mean, and scale the series (as DeepAR"
                  + " does) when counts span orders of magnitude.")
          .reference(
              "Salinas, Flunkert, Gasthaus, Januschowski (2020), DeepAR: probabilistic forecasting"
                  + " with autoregressive recurrent networks, International Journal of Forecasting",
              "https://doi.org/10.1016/j.ijforecast.2019.07.001")
          .sampler(NegativeBinomialNllLoss::sample)
          .tasks(Task.TIME_SERIES)
          .build(NegativeBinomialNllLoss::new);

  private NegativeBinomialNllLoss(Params p) {
    super(SPEC, p);
  }

  /**
   * Means in [0.5, 20), dispersions in [0.05, 1.5), counts from 0 to 2.5 mu; the counts are an
   * integer tensor or a floating one at random.
   */
  private static Tensor[] sample(Params p, SplittableRandom r, int n) {
    Tensor mu = Samples.uniform(r, 0.5, 20, n);
    Tensor alpha = Samples.uniform(r, 0.05, 1.5, n);
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      y[i] = (float) Math.floor(mu.data()[i] * 2.5 * r.nextDouble());
    }
    Tensor target = r.nextBoolean() ? Tensor.integral(y, n) : Tensor.of(y, n);
    return new Tensor[] {mu, target, alpha};
  }

  @Override
  public int[] check(Tensor[] in) {
    int[] shape = Elementwise.check(SPEC, in);
    Tensor target = in[1];
    if (!target.isIntegral()) {
      float[] y = target.data();
      for (int i = 0; i < y.length; i++) {
        if (y[i] != Math.rint(y[i])) {
          throw new IllegalArgumentException(
              "target: expected whole-number counts, found " + y[i] + " at index " + i);
        }
      }
    }
    return shape;
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] mu = in[0].data();
    float[] y = in[1].data();
    float[] alpha = in[2].data();
    float[] gMu = grads == null ? null : grads[0];
    float[] gAlpha = grads == null ? null : grads[2];
    double sum = 0;
    for (int i = 0; i < mu.length; i++) {
      double m = mu[i];
      double a = alpha[i];
      double k = y[i];
      double r = 1 / a;
      double log1pAm = Math.log1p(a * m);
      double l =
          Numerics.lgamma(k + 1)
              - Numerics.lgammaRatioExcess(r, k)
              + (r + k) * log1pAm
              - (k == 0 ? 0 : k * Math.log(m));
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (gMu != null) {
        gMu[i] = (float) (scale * (m - k) / (m * (1 + a * m)));
      }
      if (gAlpha != null) {
        double u = (k - m) / (r + m);
        double log1pmx =
            Math.abs(u) <= 0.5
                ? Numerics.log1pmx(u)
                : (Math.log1p(k * a) - log1pAm) - u; // log1p(u) = log1p(y / r) - log1p(mu / r)
        gAlpha[i] = (float) (scale * r * r * (Numerics.digammaDifferenceExcess(r, k) + log1pmx));
      }
    }
    return sum;
  }
}

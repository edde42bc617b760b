package dev.losskit.regression;

import dev.losskit.Tensor;
import dev.losskit.internal.Samples;
import java.util.SplittableRandom;

/** Sample inputs for losses with a kink at zero residual. */
final class ResidualSamples {
  private ResidualSamples() {}

  /**
   * A standard normal {@code target} of size {@code n} and a {@code pred} whose residuals have
   * magnitudes uniform in [min, min + spread) and random signs, so that no residual sits at the
   * kink.
   */
  static Tensor[] awayFromZero(SplittableRandom r, int n, double min, double spread) {
    float[] p = new float[n];
    float[] t = Samples.normal(r, 1, n).data();
    for (int i = 0; i < n; i++) {
      double a = min + spread * r.nextDouble();
      p[i] = (float) (t[i] + (r.nextBoolean() ? a : -a));
    }
    return new Tensor[] {Tensor.of(p, n), Tensor.of(t, n)};
  }
}

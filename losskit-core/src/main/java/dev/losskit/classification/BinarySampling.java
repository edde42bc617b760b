package dev.losskit.classification;

import dev.losskit.Tensor;
import java.util.SplittableRandom;

/** Typical inputs of the binary classification losses, for their samplers. */
final class BinarySampling {
  private BinarySampling() {}

  /**
   * Targets in [0, 1]: each element is 0, 1 or a soft label drawn uniformly from (0, 1), with
   * probability 1/3 each, so that the hard-label and soft-label paths are both exercised.
   */
  static Tensor mixedTargets(SplittableRandom r, int n) {
    float[] t = new float[n];
    for (int i = 0; i < n; i++) {
      int kind = r.nextInt(3);
      t[i] = kind == 0 ? 0f : kind == 1 ? 1f : (float) (0.01 + 0.98 * r.nextDouble());
    }
    return Tensor.of(t, n);
  }
}

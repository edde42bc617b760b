package dev.losskit.classification;

import dev.losskit.Tensor;

/** Sampling helpers of the margin losses: scores kept away from the kinks. */
final class MarginSamples {
  /** How close to a kink a sampled score may come. */
  static final double GAP = 0.02;

  private MarginSamples() {}

  /**
   * Moves every value of {@code x} that lies within {@link #GAP} of one of the {@code kinks} to
   * that distance, on its own side, so that central differences never straddle a kink. Modifies and
   * returns {@code x}, which must be a freshly sampled tensor.
   */
  static Tensor awayFrom(Tensor x, double... kinks) {
    float[] d = x.data();
    for (int i = 0; i < d.length; i++) {
      for (double k : kinks) {
        double off = d[i] - k;
        if (Math.abs(off) < GAP) {
          d[i] = (float) (k + (off < 0 ? -GAP : GAP));
        }
      }
    }
    return x;
  }
}

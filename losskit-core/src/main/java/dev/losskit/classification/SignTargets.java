package dev.losskit.classification;

import dev.losskit.internal.vectorization.Vectorization;

/**
 * The logistic loss of scores against labels -1 and +1 through the bce-with-logits kernel: {@code
 * softplus(-y x) = softplus(x) - t x} and {@code -y sigmoid(-y x) = sigmoid(x) - t} with {@code t =
 * (1 + y) / 2}. The kernel reads the targets at the indices of the scores, so each chunk is copied
 * into per-thread scratch arrays with its labels mapped to {0, 1}, and the results are copied back.
 */
final class SignTargets {
  /** Elements per chunk: four scratch arrays of this length stay in the L1 cache. */
  static final int CHUNK = 1024;

  /** Per-thread scratch: scores, mapped targets, values, gradient. */
  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[4][CHUNK]);

  private SignTargets() {}

  /**
   * The sum over {@code [from, to)} of {@code softplus(-y x)}; writes the values into {@code
   * values} and {@code scale} times the derivative into {@code grad} where they are not null.
   */
  static double bceWithLogits(
      float[] x, float[] y, float[] values, float[] grad, double scale, int from, int to) {
    float[][] s = SCRATCH.get();
    float[] xs = s[0];
    float[] ts = s[1];
    float[] vs = values == null ? null : s[2];
    float[] gs = grad == null ? null : s[3];
    double sum = 0;
    for (int start = from; start < to; start += CHUNK) {
      int len = Math.min(CHUNK, to - start);
      System.arraycopy(x, start, xs, 0, len);
      for (int i = 0; i < len; i++) {
        ts[i] = 0.5f + 0.5f * y[start + i]; // exactly 1 for +1, 0 for -1
      }
      sum += Vectorization.kernels().bceWithLogits(xs, ts, vs, gs, scale, 0, len);
      if (vs != null) {
        System.arraycopy(vs, 0, values, start, len);
      }
      if (gs != null) {
        System.arraycopy(gs, 0, grad, start, len);
      }
    }
    return sum;
  }
}

package dev.losskit.classification;

import dev.losskit.internal.vectorization.Vectorization;
import java.util.Arrays;

/**
 * The common case of cross-entropy: class-index targets on {@code (N, C)} logits, no class weights
 * and no label smoothing, row by row.
 *
 * <pre>{@code
 * m = max_c x_c,  e_c = exp(x_c - m),  z = sum_c e_c
 * l          = log z - (x_y - m)          (0 where y = ignore-index)
 * dl/dpred_c = scale (e_c / z - [c = y])  (0 where y = ignore-index)
 * }</pre>
 *
 * <p>Two kernels, chosen once at start-up as {@link dev.losskit.internal.BulkExp} chooses its own:
 * the Vector API kernel ({@code VectorCrossEntropyRows}) when the JVM has {@code
 * jdk.incubator.vector} (unless {@code -Dlosskit.vector=false}), this class's scalar kernel
 * otherwise. Both subtract the row maximum before exponentiating, so logits of any finite magnitude
 * give finite values and gradients.
 */
final class CrossEntropyRows {
  /** One implementation. */
  interface Kernel {
    /**
     * Rows {@code [from, to)} of the {@code (rows, classes)} logits {@code x} (not modified) with
     * the class indices {@code t} (not modified; each in {@code [0, classes)} or equal to {@code
     * ignoreIndex}): writes each row's loss to {@code values} and {@code scale} times its logit
     * gradient to {@code g} (each overwritten on these rows only, and skipped when null). Returns
     * the sum of the rows' losses.
     */
    double rows(
        float[] x,
        float[] t,
        float[] values,
        float[] g,
        int classes,
        long ignoreIndex,
        double scale,
        int from,
        int to);
  }

  /** The scalar kernel: double arithmetic and {@link Math#exp} per logit. */
  static final Kernel SCALAR = CrossEntropyRows::scalarRows;

  private static final Kernel SELECTED = select();

  private CrossEntropyRows() {}

  /** The kernel selected at start-up. */
  static Kernel kernel() {
    return SELECTED;
  }

  /** The Vector API kernel, or null when this JVM cannot run it. */
  static Kernel vector() {
    return Vectorization.loadVector(
            Kernel.class, "dev.losskit.classification.VectorCrossEntropyRows")
        .orElse(null);
  }

  private static Kernel select() {
    return Vectorization.select(
        Kernel.class, "dev.losskit.classification.VectorCrossEntropyRows", SCALAR);
  }

  private static double scalarRows(
      float[] x,
      float[] t,
      float[] values,
      float[] g,
      int classes,
      long ignoreIndex,
      double scale,
      int from,
      int to) {
    double sum = 0;
    for (int n = from; n < to; n++) {
      int base = n * classes;
      int end = base + classes;
      int y = (int) t[n];
      if (y == ignoreIndex) {
        if (values != null) {
          values[n] = 0f;
        }
        if (g != null) {
          Arrays.fill(g, base, end, 0f);
        }
        continue;
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int i = base; i < end; i++) {
        max = Math.max(max, x[i]);
      }
      double z = 0;
      for (int i = base; i < end; i++) {
        double e = Math.exp(x[i] - max);
        z += e;
        if (g != null) {
          g[i] = (float) e;
        }
      }
      double l = Math.log(z) - (x[base + y] - max);
      sum += l;
      if (values != null) {
        values[n] = (float) l;
      }
      if (g != null) {
        double k = scale / z;
        for (int i = base; i < end; i++) {
          g[i] = (float) (k * g[i]);
        }
        // From the exact exponential: e_y / z - 1 cancels when the target class dominates.
        g[base + y] = (float) (scale * (Math.exp(x[base + y] - max) / z - 1));
      }
    }
    return sum;
  }
}

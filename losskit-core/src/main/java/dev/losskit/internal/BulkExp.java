package dev.losskit.internal;

import dev.losskit.internal.vectorization.Vectorization;

/**
 * {@code x[i] = exp(x[i])} over a range of a float array, the transcendental step of the softmax
 * kernels (cross-entropy rows, InfoNCE's similarity rows), chosen once at start-up: lane-wise with
 * the Vector API's vectorized {@code exp} when the JVM has {@code jdk.incubator.vector} (unless
 * {@code -Dlosskit.vector=false}), {@link Math#exp} otherwise. Both are within a few ulps of the
 * exact value.
 */
public final class BulkExp {
  /** One implementation. */
  public interface Kernel {
    /** Replaces {@code x[from..to)} by its exponentials. */
    void expInPlace(float[] x, int from, int to);
  }

  /** The scalar kernel. */
  public static final Kernel SCALAR =
      (x, from, to) -> {
        for (int i = from; i < to; i++) {
          x[i] = (float) Math.exp(x[i]);
        }
      };

  private static final Kernel SELECTED = select();

  private BulkExp() {}

  /** The kernel selected at start-up. */
  public static Kernel kernel() {
    return SELECTED;
  }

  /** Replaces {@code x[from..to)} by its exponentials with the selected kernel. */
  public static void expInPlace(float[] x, int from, int to) {
    SELECTED.expInPlace(x, from, to);
  }

  /** The Vector API kernel, or null when this JVM cannot run it. */
  public static Kernel vector() {
    return Vectorization.loadVector(Kernel.class, "dev.losskit.internal.VectorExp").orElse(null);
  }

  private static Kernel select() {
    return Vectorization.select(Kernel.class, "dev.losskit.internal.VectorExp", SCALAR);
  }
}

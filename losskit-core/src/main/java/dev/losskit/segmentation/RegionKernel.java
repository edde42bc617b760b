package dev.losskit.segmentation;

import dev.losskit.internal.vectorization.Vectorization;

/**
 * The two passes of the region kernel over one plane: a contiguous run of pred with the floating
 * target at the same indices (one class of one image, or one binary mask). Implemented by scalar
 * double loops and, when the Vector API kernels were selected at start-up, by float lanes; see
 * {@link Masks} for the formulas.
 */
interface RegionKernel {
  /**
   * Adds the sums over {@code i} in {@code [from, to)} of {@code p t}, {@code p}, {@code t}, {@code
   * p^2} and {@code t^2} to {@code stats[o]} to {@code stats[o + 4]}, where {@code t = target[i]}
   * and {@code p = pred[i]}, or its sigmoid with {@code sigmoid}.
   */
  void sums(float[] pred, float[] target, int from, int to, boolean sigmoid, double[] stats, int o);

  /**
   * Writes {@code grad[i] = a t + b + c p} for {@code i} in {@code [from, to)}, times the sigmoid's
   * derivative {@code p (1 - p)} with {@code sigmoid} (p and t as in {@link #sums}).
   */
  void gradient(
      float[] pred,
      float[] target,
      int from,
      int to,
      boolean sigmoid,
      double a,
      double b,
      double c,
      float[] grad);

  /** The scalar loops. */
  RegionKernel SCALAR = new ScalarRegionKernel();

  /**
   * The vector kernel when the Vector API kernels were selected at start-up (see {@link
   * Vectorization}), else {@link #SCALAR}; the vector class is loaded reflectively, only then.
   */
  static RegionKernel selected() {
    return Holder.SELECTED;
  }

  /** The vector kernel, or null when this JVM cannot run it. */
  static RegionKernel vector() {
    if (Vectorization.vector().isEmpty()) {
      return null;
    }
    return Vectorization.loadVector(
            RegionKernel.class, "dev.losskit.segmentation.VectorRegionKernel")
        .orElse(null);
  }

  /** Chosen once, on first use. */
  final class Holder {
    static final RegionKernel SELECTED = choose();

    private Holder() {}

    private static RegionKernel choose() {
      if (Vectorization.kernels() == Vectorization.scalar()) {
        return SCALAR;
      }
      RegionKernel v = vector();
      return v == null ? SCALAR : v;
    }
  }

  /** The scalar loops of {@link RegionKernel}, in double. */
  final class ScalarRegionKernel implements RegionKernel {
    private ScalarRegionKernel() {}

    @Override
    public void sums(
        float[] pred, float[] target, int from, int to, boolean sigmoid, double[] stats, int o) {
      double inter = 0;
      double psum = 0;
      double tsum = 0;
      double p2sum = 0;
      double t2sum = 0;
      for (int i = from; i < to; i++) {
        double p = sigmoid ? sigmoid(pred[i]) : pred[i];
        double t = target[i];
        inter += p * t;
        psum += p;
        tsum += t;
        p2sum += p * p;
        t2sum += t * t;
      }
      stats[o] += inter;
      stats[o + 1] += psum;
      stats[o + 2] += tsum;
      stats[o + 3] += p2sum;
      stats[o + 4] += t2sum;
    }

    @Override
    public void gradient(
        float[] pred,
        float[] target,
        int from,
        int to,
        boolean sigmoid,
        double a,
        double b,
        double c,
        float[] grad) {
      for (int i = from; i < to; i++) {
        double t = target[i];
        if (sigmoid) {
          double e = Math.exp(-Math.abs(pred[i]));
          double inv = 1 / (1 + e);
          double p = pred[i] >= 0 ? inv : e * inv;
          grad[i] = (float) ((a * t + b + c * p) * (e * inv * inv));
        } else {
          grad[i] = (float) (a * t + b + c * pred[i]);
        }
      }
    }

    private static double sigmoid(double x) {
      double e = Math.exp(-Math.abs(x));
      return x >= 0 ? 1 / (1 + e) : e / (1 + e);
    }

    @Override
    public String toString() {
      return "ScalarRegionKernel";
    }
  }
}

package dev.losskit.metric;

import dev.losskit.Shapes;
import dev.losskit.Tensor;
import dev.losskit.internal.Samples;
import java.util.SplittableRandom;

/**
 * The kernel shared by the margin softmax losses (ArcFace, CosFace): cross-entropy over scaled
 * cosine logits whose target entry is replaced by a margin-penalized one.
 */
final class MarginSoftmax {
  /** Classes of sampled inputs. */
  static final int SAMPLE_CLASSES = 5;

  private MarginSoftmax() {}

  /** The clamp of the cosine before {@code acos}: [-1 + CLAMP, 1 - CLAMP]. */
  static final double CLAMP = 1e-7;

  /** Checks {@code cosine (N, C)} and {@code target (N)} with indices in [0, C). */
  static int[] check(Tensor[] in) {
    Tensor cos = in[0];
    Tensor target = in[1];
    if (cos.rank() != 2) {
      throw new IllegalArgumentException(
          "cosine: expected cosine logits of shape (N, C), found " + Shapes.toString(cos.shape()));
    }
    int n = cos.dim(0);
    int classes = cos.dim(1);
    Embeddings.requirePerRow("target", target, n, "cosine");
    float[] t = target.data();
    for (int i = 0; i < n; i++) {
      if (t[i] < 0 || t[i] >= classes) {
        throw new IllegalArgumentException(
            "target: expected class indices in [0, "
                + classes
                + "), found "
                + (long) t[i]
                + " at index "
                + i);
      }
    }
    return new int[] {n};
  }

  /** Cosines in [-0.9, 0.9] and class indices, {@code n} rows of {@code SAMPLE_CLASSES}. */
  static Tensor[] sample(SplittableRandom r, int n) {
    return new Tensor[] {
      Samples.uniform(r, -0.9, 0.9, n, SAMPLE_CLASSES), Samples.classes(r, SAMPLE_CLASSES, n)
    };
  }

  /**
   * Sum over rows of {@code log sum_j exp(z_j) - z_y} with {@code z_j = s c_j} ({@code j != y}) and
   * {@code z_y = s t(c_y)}, where {@code t(c) = cos(acos(clamp(c)) + m)} when {@code angular} and
   * {@code c - m} otherwise; see {@link dev.losskit.Loss#compute}.
   */
  static double compute(
      Tensor[] in,
      float[] values,
      float[][] grads,
      double scale,
      double s,
      double m,
      boolean angular) {
    float[] cos = in[0].data();
    float[] target = in[1].data();
    int n = in[0].dim(0);
    int classes = in[0].dim(1);
    float[] g = grads == null ? null : grads[0];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      int o = i * classes;
      int y = (int) target[i];
      double cy = cos[o + y];
      double t;
      double dt;
      if (angular) {
        double c = Math.max(-1 + CLAMP, Math.min(1 - CLAMP, cy));
        double theta = Math.acos(c);
        t = Math.cos(theta + m);
        // d cos(acos(c) + m) / dc = sin(theta + m) / sin(theta); no gradient through the clamp.
        dt = c == cy ? Math.sin(theta + m) / Math.sqrt((1 - c) * (1 + c)) : 0;
      } else {
        t = cy - m;
        dt = 1;
      }
      double zy = s * t;
      // log-sum-exp as max + log1p(sum of the other terms), exact for confident rows.
      double max = zy;
      int top = y;
      for (int j = 0; j < classes; j++) {
        if (j != y && s * cos[o + j] > max) {
          max = s * cos[o + j];
          top = j;
        }
      }
      double rest = top == y ? 0 : Math.exp(zy - max);
      for (int j = 0; j < classes; j++) {
        if (j != y && j != top) {
          rest += Math.exp(s * cos[o + j] - max);
        }
      }
      double l = (max - zy) + Math.log1p(rest);
      double lse = zy + l;
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        double c = scale * s;
        for (int j = 0; j < classes; j++) {
          if (j != y) {
            g[o + j] = (float) (c * Math.exp(s * cos[o + j] - lse));
          }
        }
        // p_y - 1 = -(sum of the other probabilities), without cancellation when p_y is near 1.
        double notY = -Math.expm1(-l);
        g[o + y] = (float) (-c * notY * dt);
      }
    }
    return sum;
  }
}

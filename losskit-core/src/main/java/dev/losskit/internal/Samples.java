package dev.losskit.internal;

import dev.losskit.Tensor;
import java.util.SplittableRandom;

/** Random tensors for samplers: typical inputs for gradient checks, benchmarks and tests. */
public final class Samples {
  private Samples() {}

  /** Standard normal values times {@code scale}. */
  public static Tensor normal(SplittableRandom r, double scale, int... shape) {
    float[] x = new float[dev.losskit.Shapes.size(shape)];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (gaussian(r) * scale);
    }
    return Tensor.of(x, shape);
  }

  /** Uniform values in [lo, hi). */
  public static Tensor uniform(SplittableRandom r, double lo, double hi, int... shape) {
    float[] x = new float[dev.losskit.Shapes.size(shape)];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (lo + (hi - lo) * r.nextDouble());
    }
    return Tensor.of(x, shape);
  }

  /**
   * Probabilities kept away from 0 and 1 (in [0.02, 0.98]), so that finite differences are smooth.
   */
  public static Tensor probabilities(SplittableRandom r, int... shape) {
    return uniform(r, 0.02, 0.98, shape);
  }

  /** Labels 0 or 1 as a floating tensor. */
  public static Tensor binary(SplittableRandom r, int... shape) {
    float[] x = new float[dev.losskit.Shapes.size(shape)];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextBoolean() ? 1f : 0f;
    }
    return Tensor.of(x, shape);
  }

  /** Labels -1 or +1 as a floating tensor. */
  public static Tensor signs(SplittableRandom r, int... shape) {
    float[] x = new float[dev.losskit.Shapes.size(shape)];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextBoolean() ? 1f : -1f;
    }
    return Tensor.of(x, shape);
  }

  /** Class indices in [0, classes) as an integral tensor. */
  public static Tensor classes(SplittableRandom r, int classes, int... shape) {
    int[] x = new int[dev.losskit.Shapes.size(shape)];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextInt(classes);
    }
    return Tensor.indices(x, shape);
  }

  /** Rows (along dimension 1) that are probability distributions over {@code shape[1]} classes. */
  public static Tensor simplex(SplittableRandom r, int... shape) {
    float[] x = uniform(r, 0.05, 1, shape).data();
    int classes = shape[1];
    int inner = dev.losskit.Shapes.size(shape, 2, shape.length);
    int outer = shape[0];
    for (int n = 0; n < outer; n++) {
      for (int j = 0; j < inner; j++) {
        double s = 0;
        for (int c = 0; c < classes; c++) {
          s += x[(n * classes + c) * inner + j];
        }
        for (int c = 0; c < classes; c++) {
          x[(n * classes + c) * inner + j] /= (float) s;
        }
      }
    }
    return Tensor.of(x, shape);
  }

  /** A standard normal draw (Box-Muller; SplittableRandom has no nextGaussian on JDK 17). */
  public static double gaussian(SplittableRandom r) {
    double u = 1.0 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

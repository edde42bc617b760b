package dev.losskit.tabular;

import dev.losskit.Shapes;
import dev.losskit.Tensor;
import dev.losskit.internal.Samples;
import java.util.SplittableRandom;

/**
 * The input rule of the impurity losses: one class distribution per row of {@code (N, C)} (or a
 * single {@code (C)}), given as label counts (an integer tensor) or as probabilities (a floating
 * tensor whose rows sum to 1).
 */
final class ClassDistributions {
  /**
   * How far from 1 a row of probabilities may sum: loose enough for float32 or float16 softmax
   * outputs and for the small moves of a finite-difference gradient check, tight enough to catch
   * rows that are not distributions.
   */
  static final double SUM_TOLERANCE = 0.01;

  private ClassDistributions() {}

  /** Checks the layout and, for probabilities, the range and row sums; returns the row shape. */
  static int[] check(Tensor pred) {
    if (pred.rank() != 1 && pred.rank() != 2) {
      throw new IllegalArgumentException(
          "pred: expected shape (N, C) or (C), found " + Shapes.toString(pred.shape()));
    }
    int classes = pred.dim(-1);
    if (classes < 1) {
      throw new IllegalArgumentException(
          "pred: expected at least one class, found shape " + Shapes.toString(pred.shape()));
    }
    if (!pred.isIntegral()) {
      float[] p = pred.data();
      for (int i = 0; i < p.length; i++) {
        if (p[i] > 1) {
          throw new IllegalArgumentException(
              "pred: expected probabilities in [0, 1] (a floating tensor; counts must be an"
                  + " integer tensor), found "
                  + p[i]
                  + " at index "
                  + i);
        }
      }
      for (int row = 0; row < p.length / classes; row++) {
        double s = 0;
        for (int c = 0; c < classes; c++) {
          s += p[row * classes + c];
        }
        if (!(Math.abs(s - 1) <= SUM_TOLERANCE)) {
          throw new IllegalArgumentException(
              "pred: expected rows of probabilities summing to 1, found a sum of "
                  + s
                  + " in row "
                  + row);
        }
      }
    }
    return pred.rank() == 2 ? new int[] {pred.dim(0)} : new int[0];
  }

  /** n rows of probabilities over 2 to 6 classes, each at least about 0.01. */
  static Tensor[] sample(SplittableRandom r, int n) {
    return new Tensor[] {Samples.simplex(r, n, 2 + r.nextInt(5))};
  }

  /** The mass of row {@code base}: the sum of its label counts, or 1 for a probability vector. */
  static double total(float[] p, int base, int classes, boolean counts) {
    if (!counts) {
      return 1;
    }
    double total = 0;
    for (int c = 0; c < classes; c++) {
      total += p[base + c];
    }
    return total;
  }
}

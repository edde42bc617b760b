package dev.losskit.classification;

import dev.losskit.Shapes;
import dev.losskit.Tensor;
import dev.losskit.internal.Samples;
import dev.losskit.internal.vectorization.Vectorization;
import java.util.SplittableRandom;

/**
 * Shared layout rules of the losses over a class axis: scores {@code (N, C, d1, ..., dk)} (or
 * unbatched {@code (C)}) seen as {@code outer x classes x inner}, C-ordered, so that element {@code
 * (n, c, j)} sits at {@code (n * classes + c) * inner + j} and one row (one sample or position) is
 * read with stride {@code inner}; the checks of class-index targets and per-class weights; and the
 * samplers of these losses.
 */
final class SoftmaxRows {
  /** Layouts the samplers mix, so that the contract tests reach every path. */
  private static final int[][] SPATIAL = {{}, {}, {3}, {2, 2}};

  private SoftmaxRows() {}

  /** Number of rows before the class axis ({@code N}; 1 for unbatched {@code (C)}). */
  static int outer(Tensor pred) {
    return pred.rank() == 1 ? 1 : pred.dim(0);
  }

  /** Number of classes ({@code C}): dimension 1, or dimension 0 of unbatched {@code (C)}. */
  static int classes(Tensor pred) {
    return pred.rank() == 1 ? pred.dim(0) : pred.dim(1);
  }

  /** Number of positions per row after the class axis ({@code d1 * ... * dk}; 1 if none). */
  static int inner(Tensor pred) {
    return pred.rank() <= 2 ? 1 : Shapes.size(pred.shape(), 2, pred.rank());
  }

  /** The shape of one value per row and position: pred's shape without the class axis. */
  static int[] rowShape(Tensor pred) {
    return Shapes.drop(pred.shape(), pred.rank() == 1 ? 0 : 1);
  }

  /** Checks that scores have a class axis with at least one class. */
  static void checkScores(String name, Tensor pred) {
    if (pred.rank() == 0) {
      throw new IllegalArgumentException(
          name
              + ": expected shape (N, C, d1, ..., dk) or (C), found "
              + Shapes.toString(pred.shape()));
    }
    if (classes(pred) == 0) {
      throw new IllegalArgumentException(
          name
              + ": expected at least one class (C >= 1), found shape "
              + Shapes.toString(pred.shape()));
    }
  }

  /**
   * Checks class-index targets against scores {@code pred}: shape {@code (N, d1, ..., dk)} (or
   * {@code ()} for unbatched scores), each value in {@code [0, C)} or equal to {@code ignoreIndex}
   * when {@code ignores}. Returns the unreduced shape.
   */
  static int[] checkIndexTarget(Tensor pred, Tensor target, boolean ignores, long ignoreIndex) {
    checkScores("pred", pred);
    int[] expected = rowShape(pred);
    if (!target.isIntegral() || !target.hasShape(expected)) {
      throw new IllegalArgumentException(
          "target: expected class indices (an integer tensor) of shape "
              + (pred.rank() == 1 ? "()" : "(N, d1, ..., dk) = " + Shapes.toString(expected))
              + " for pred of shape "
              + Shapes.toString(pred.shape())
              + ", found "
              + (target.isIntegral() ? "" : "a floating tensor of shape ")
              + Shapes.toString(target.shape()));
    }
    int classes = classes(pred);
    float[] y = target.data();
    // One vectorized pass when every index is a class (exact in float up to 2^24 classes).
    if (classes <= 1 << 24 && Vectorization.kernels().allWithin(y, 0f, classes - 1, false)) {
      return expected;
    }
    for (int i = 0; i < y.length; i++) {
      long v = (long) y[i];
      if ((v < 0 || v >= classes) && !(ignores && v == ignoreIndex)) {
        throw new IllegalArgumentException(
            "target: expected class indices in [0, "
                + classes
                + ")"
                + (ignores ? " or the ignore-index " + ignoreIndex : "")
                + " for C = "
                + classes
                + " classes, found "
                + v
                + " at index "
                + i);
      }
    }
    return expected;
  }

  /** Checks an optional per-class input of shape {@code (C)}. */
  static void checkPerClass(String name, Tensor w, int classes) {
    if (w != null && !w.hasShape(classes)) {
      throw new IllegalArgumentException(
          name
              + ": expected one value per class, shape (C) = ("
              + classes
              + "), found "
              + Shapes.toString(w.shape()));
    }
  }

  /**
   * Sum over non-ignored targets of the target class's weight (1 without weights): PyTorch's mean
   * denominator of weighted, ignoring losses.
   */
  static double targetWeightSum(Tensor target, Tensor weight, boolean ignores, long ignoreIndex) {
    float[] y = target.data();
    float[] w = weight == null ? null : weight.data();
    if (w == null && Math.abs(ignoreIndex) <= 1 << 24) {
      // Integral floats equal the ignore-index exactly when their int values do.
      float ignored = ignores ? ignoreIndex : Float.NaN;
      int kept = 0;
      for (float v : y) {
        kept += v == ignored ? 0 : 1;
      }
      return kept;
    }
    double s = 0;
    for (int i = 0; i < y.length; i++) {
      int c = (int) y[i];
      if (ignores && c == ignoreIndex) {
        continue;
      }
      s += w == null ? 1 : w[c];
    }
    return s;
  }

  /**
   * log(sum_c exp(x_c)) over one row (classes entries from {@code base}, stride {@code inner}),
   * with the row maximum subtracted before exponentiating; when {@code q} is not null it receives
   * the softmax of the row.
   */
  static double softmaxRow(float[] x, int base, int inner, int classes, double[] q) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0, i = base; c < classes; c++, i += inner) {
      max = Math.max(max, x[i]);
    }
    double z = 0;
    for (int c = 0, i = base; c < classes; c++, i += inner) {
      double e = Math.exp(x[i] - max);
      z += e;
      if (q != null) {
        q[c] = e;
      }
    }
    if (q != null) {
      for (int c = 0; c < classes; c++) {
        q[c] /= z;
      }
    }
    return max + Math.log(z);
  }

  /** Writes {@code k (q_c - [c = y])} along one row: the logit gradient of any function of q_y. */
  static void writeRowGradient(
      float[] g, int base, int inner, int classes, int y, double[] q, double k) {
    for (int c = 0, i = base; c < classes; c++, i += inner) {
      g[i] = (float) (k * (c == y ? q[c] - 1 : q[c]));
    }
  }

  /** Writes zeros along one row. */
  static void zeroRow(float[] g, int base, int inner, int classes) {
    for (int c = 0, i = base; c < classes; c++, i += inner) {
      g[i] = 0f;
    }
  }

  /**
   * A sampled layout: {@code (n, C, d1, ..., dk)} with 2 to 6 classes and up to two spatial
   * dimensions.
   */
  static int[] sampleShape(SplittableRandom r, int n) {
    int classes = 2 + r.nextInt(5);
    int[] spatial = SPATIAL[r.nextInt(SPATIAL.length)];
    int[] shape = new int[2 + spatial.length];
    shape[0] = n;
    shape[1] = classes;
    System.arraycopy(spatial, 0, shape, 2, spatial.length);
    return shape;
  }

  /**
   * Class indices for scores of shape {@code shape}; with {@code ignoreIndex} outside {@code [0,
   * C)}, about one target in eight is set to it (indices inside the range are ignored where they
   * occur).
   */
  static Tensor sampleIndices(SplittableRandom r, int[] shape, boolean ignores, long ignoreIndex) {
    int classes = shape[1];
    Tensor t = Samples.classes(r, classes, Shapes.drop(shape, 1));
    float[] y = t.data();
    if (ignores && (ignoreIndex < 0 || ignoreIndex >= classes)) {
      for (int i = 0; i < y.length; i++) {
        if (r.nextInt(8) == 0) {
          y[i] = ignoreIndex;
        }
      }
    }
    return t;
  }

  /** Per-class weights in [0.2, 2), or null half of the time. */
  static Tensor maybeWeights(SplittableRandom r, int classes) {
    return r.nextBoolean() ? Samples.uniform(r, 0.2, 2, classes) : null;
  }
}

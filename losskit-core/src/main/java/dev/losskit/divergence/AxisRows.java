package dev.losskit.divergence;

import dev.losskit.Shapes;
import dev.losskit.Tensor;
import dev.losskit.internal.Samples;
import java.util.SplittableRandom;

/**
 * Shared layout rules of the divergences taken along a distribution axis: a tensor seen as {@code
 * outer x classes x inner}, C-ordered, so that element {@code (o, c, j)} sits at {@code (o *
 * classes + c) * inner + j} and one distribution is read with stride {@code inner}; the axis check;
 * the floor of the logarithm where a derivative diverges at 0; and the samplers of these losses.
 */
final class AxisRows {
  /**
   * Where a derivative contains {@code log x} and x is 0, the derivative is taken at {@code max(x,
   * LOG_FLOOR)}: the smallest normal float32 (about 1.18e-38), so that the derivative is exact for
   * every normal float32 input and finite (its log is about -87.3) at 0.
   */
  static final double LOG_FLOOR = Float.MIN_NORMAL;

  private AxisRows() {}

  /** The axis of a tensor of rank {@code rank}, or -1 if {@code axis} is not one of its axes. */
  static int resolve(long axis, int rank) {
    long a = axis < 0 ? axis + rank : axis;
    return a >= 0 && a < rank ? (int) a : -1;
  }

  /**
   * Checks that {@code axis} (negative values count from the end) is an axis of {@code pred} and
   * returns it.
   */
  static int checkAxis(long axis, Tensor pred) {
    int a = resolve(axis, pred.rank());
    if (a < 0) {
      throw new IllegalArgumentException(
          "parameter axis: expected an axis of pred of shape "
              + Shapes.toString(pred.shape())
              + (pred.rank() == 0
                  ? " (which has none)"
                  : ", in [" + -pred.rank() + ", " + (pred.rank() - 1) + "]")
              + ", found "
              + axis);
    }
    return a;
  }

  /** Product of the dimensions before axis {@code a}. */
  static int outer(int[] shape, int a) {
    return Shapes.size(shape, 0, a);
  }

  /** Product of the dimensions after axis {@code a}. */
  static int inner(int[] shape, int a) {
    return Shapes.size(shape, a + 1, shape.length);
  }

  /** x log x, with 0 log 0 = 0. */
  static double xlogx(double x) {
    return x == 0 ? 0 : x * Math.log(x);
  }

  /**
   * A layout of rank 2 or 3 that has the parameter's axis (of rank up to 4 for axes beyond), with
   * {@code n} rows on the first axis that is not the distribution axis and 2 to 6 entries along it.
   */
  static int[] sampleShape(SplittableRandom r, long axis, int n) {
    int need = (int) Math.max(2, axis < 0 ? -axis : axis + 1);
    int rank = need + r.nextInt(2);
    int a = resolve(axis, rank);
    int[] shape = new int[rank];
    for (int d = 0; d < rank; d++) {
      shape[d] = 1 + r.nextInt(3);
    }
    shape[a] = 2 + r.nextInt(5);
    shape[a == 0 ? 1 : 0] = n;
    return shape;
  }

  /**
   * Probability distributions along axis {@code a} of {@code shape}: entries drawn in [0.05, 1) and
   * normalised, so that each is at least about 0.008 and at most about 0.95.
   */
  static Tensor simplex(SplittableRandom r, int[] shape, int a) {
    float[] x = Samples.uniform(r, 0.05, 1, shape).data();
    int outer = outer(shape, a);
    int classes = shape[a];
    int inner = inner(shape, a);
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < inner; j++) {
        int base = o * classes * inner + j;
        double s = 0;
        for (int c = 0, i = base; c < classes; c++, i += inner) {
          s += x[i];
        }
        for (int c = 0, i = base; c < classes; c++, i += inner) {
          x[i] = (float) (x[i] / s);
        }
      }
    }
    return Tensor.of(x, shape);
  }
}

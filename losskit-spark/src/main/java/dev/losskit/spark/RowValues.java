package dev.losskit.spark;

import dev.losskit.Shapes;
import dev.losskit.Tensor;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import scala.collection.Seq;

/**
 * Turns the value of one Spark column in one row into a losskit tensor.
 *
 * <p>A number is a scalar; an array is a vector, an array of arrays a matrix, and so on (nested
 * arrays must be rectangular). Integer and long columns become integral tensors (class indices and
 * labels); float, double and decimal columns become floating tensors, rounded to float32 as every
 * losskit input is. A declared shape ({@code shape.<input>} option) reshapes the row's values, so a
 * flat array can hold an image.
 */
final class RowValues {
  private RowValues() {}

  /**
   * The tensor of one input value.
   *
   * @param name the loss's name for the input, for messages
   * @param value the value as Spark hands it to a user function: a boxed number, a {@code
   *     scala.collection.Seq} for an array, or null
   * @param shape the row's shape from the {@code shape.<input>} option, or null to use the array
   *     nesting
   * @param sampleDim whether to add a leading dimension of size 1 (the row is one sample of a
   *     batch) rather than take the value as a whole batch
   * @throws BadRow for nulls, non-finite values and values that do not fit {@code shape}
   * @throws IllegalArgumentException for a column of a type that holds no numbers
   */
  static Tensor tensor(String name, Object value, int[] shape, boolean sampleDim) throws BadRow {
    if (value == null) {
      throw new BadRow(BadRow.Reason.NULL, name + ": expected a value, found null");
    }
    List<Integer> dims = new ArrayList<>();
    Object first = value;
    while (first instanceof Seq<?> s) {
      dims.add(s.size());
      first = s.isEmpty() ? null : s.apply(0);
    }
    int size = 1;
    for (int d : dims) {
      size *= d;
    }
    float[] data = new float[size];
    boolean integral = first == null ? false : isIntegral(name, first);
    int filled = fill(name, value, dims, 0, data, 0);
    if (filled != size) {
      throw new IllegalStateException(name + ": filled " + filled + " of " + size + " values");
    }
    int[] rowShape;
    if (shape != null) {
      if (Shapes.size(shape) != size) {
        throw new BadRow(
            BadRow.Reason.INVALID,
            name
                + ": expected "
                + Shapes.size(shape)
                + " values for shape "
                + Shapes.toString(shape)
                + ", found "
                + size);
      }
      rowShape = shape;
    } else {
      rowShape = new int[dims.size()];
      for (int i = 0; i < rowShape.length; i++) {
        rowShape[i] = dims.get(i);
      }
    }
    int[] full = rowShape;
    if (sampleDim) {
      full = new int[rowShape.length + 1];
      full[0] = 1;
      System.arraycopy(rowShape, 0, full, 1, rowShape.length);
    }
    if (!integral) {
      return Tensor.shaped(data, full);
    }
    try {
      return Tensor.integral(data, full);
    } catch (IllegalArgumentException e) {
      throw new BadRow(BadRow.Reason.INVALID, name + ": " + e.getMessage());
    }
  }

  /**
   * Copies the leaves of a (nested) value into {@code out} from {@code at}; returns the next slot.
   */
  private static int fill(String name, Object v, List<Integer> dims, int depth, float[] out, int at)
      throws BadRow {
    if (depth == dims.size()) {
      if (v instanceof Seq<?>) {
        throw new BadRow(
            BadRow.Reason.INVALID,
            name
                + ": expected a rectangular array of "
                + dims.size()
                + " levels, found deeper nesting");
      }
      if (v == null) {
        throw new BadRow(
            BadRow.Reason.NULL, name + ": expected a value, found null at index " + at);
      }
      float f = number(name, v);
      if (!Float.isFinite(f)) {
        throw new BadRow(
            BadRow.Reason.NOT_FINITE,
            name + ": expected finite numbers, found " + f + " at index " + at);
      }
      out[at] = f;
      return at + 1;
    }
    if (!(v instanceof Seq<?> s)) {
      throw new BadRow(
          v == null ? BadRow.Reason.NULL : BadRow.Reason.INVALID,
          name
              + ": expected a rectangular array of shape "
              + dims
              + ", found "
              + (v == null ? "a null array" : "a number")
              + " at depth "
              + depth);
    }
    if (s.size() != dims.get(depth)) {
      throw new BadRow(
          BadRow.Reason.INVALID,
          name
              + ": expected a rectangular array of shape "
              + dims
              + ", found an array of length "
              + s.size()
              + " at depth "
              + depth);
    }
    int next = at;
    for (int i = 0; i < s.size(); i++) {
      next = fill(name, s.apply(i), dims, depth + 1, out, next);
    }
    return next;
  }

  private static boolean isIntegral(String name, Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return true;
    }
    if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
      return false;
    }
    throw unsupported(name, v);
  }

  private static float number(String name, Object v) {
    if (v instanceof Number n) {
      return n.floatValue();
    }
    throw unsupported(name, v);
  }

  private static IllegalArgumentException unsupported(String name, Object v) {
    return new IllegalArgumentException(
        name
            + ": expected a numeric column or an array of numbers, found a value of type "
            + v.getClass().getSimpleName());
  }
}

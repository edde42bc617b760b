package dev.losskit;

import java.util.Arrays;

/**
 * A dense, C-ordered float32 array with a shape: the one input and output type of every loss.
 *
 * <p>A tensor wraps its array without copying it; losses read it and never modify it. A tensor is
 * either <em>floating</em> (values, probabilities, logits) or <em>integral</em> (class indices and
 * labels, loaded from int32/int64 data). Integral tensors hold whole numbers below 2^24 in
 * magnitude, which float32 represents exactly. The distinction matters where PyTorch makes it: an
 * integral target of {@code cross-entropy} holds class indices, a floating one holds probabilities.
 */
public final class Tensor {
  private final float[] data;
  private final int[] shape;
  private final boolean integral;

  private Tensor(float[] data, int[] shape, boolean integral) {
    this.data = data;
    this.shape = shape.clone();
    this.integral = integral;
    long size = Shapes.size(this.shape);
    if (size != data.length) {
      throw new IllegalArgumentException(
          "tensor: expected "
              + size
              + " values for shape "
              + Shapes.toString(this.shape)
              + ", found "
              + data.length);
    }
  }

  /** A floating tensor over {@code data} (not copied) with the given shape; no shape means 1-D. */
  public static Tensor of(float[] data, int... shape) {
    return new Tensor(data, shape.length == 0 ? new int[] {data.length} : shape, false);
  }

  /**
   * A floating tensor over {@code data} (not copied) with exactly this shape; an empty shape is a
   * 0-dimensional scalar.
   */
  public static Tensor shaped(float[] data, int[] shape) {
    return new Tensor(data, shape, false);
  }

  /** A floating tensor with the values of {@code data} rounded to float32. */
  public static Tensor of(double[] data, int... shape) {
    float[] f = new float[data.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) data[i];
    }
    return of(f, shape);
  }

  /** A 0-dimensional floating tensor. */
  public static Tensor scalar(float value) {
    return new Tensor(new float[] {value}, new int[0], false);
  }

  /** An integral tensor of class indices or labels; no shape means 1-D. */
  public static Tensor indices(int[] values, int... shape) {
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = values[i];
    }
    return integral(f, shape.length == 0 ? new int[] {values.length} : shape);
  }

  /**
   * An integral tensor over {@code data} (not copied).
   *
   * @throws IllegalArgumentException if a value is not a whole number below 2^24 in magnitude
   */
  public static Tensor integral(float[] data, int... shape) {
    for (int i = 0; i < data.length; i++) {
      float v = data[i];
      if (v != Math.rint(v) || Math.abs(v) > (1 << 24)) {
        throw new IllegalArgumentException(
            "tensor: expected whole numbers below 2^24 in an integral tensor, found "
                + v
                + " at index "
                + i);
      }
    }
    return new Tensor(data, shape, true);
  }

  /** The backing array, not a copy: read it, do not modify it. */
  public float[] data() {
    return data;
  }

  /** A copy of the shape. */
  public int[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  /** Size of dimension {@code d}; negative {@code d} counts from the end. */
  public int dim(int d) {
    return shape[d < 0 ? shape.length + d : d];
  }

  public int size() {
    return data.length;
  }

  public boolean isIntegral() {
    return integral;
  }

  /** Whether this tensor has exactly the given shape. */
  public boolean hasShape(int... s) {
    return Arrays.equals(shape, s);
  }

  /** A tensor over the same data (not copied) with another shape of the same size. */
  public Tensor reshape(int... newShape) {
    return new Tensor(data, newShape, integral);
  }

  /** A deep copy. */
  public Tensor copy() {
    return new Tensor(data.clone(), shape, integral);
  }

  @Override
  public String toString() {
    return (integral ? "int" : "float32") + Shapes.toString(shape);
  }
}

package dev.losskit;

import java.util.Arrays;
import java.util.StringJoiner;

/** Small helpers for shapes: sizes, printing, and the checks every loss needs. */
public final class Shapes {
  private Shapes() {}

  /** Number of elements of a shape (1 for a scalar). */
  public static int size(int... shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "shape: expected non-negative sizes, found " + toString(shape));
      }
      n *= d;
      if (n > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(
            "shape: expected at most 2^31 elements, found shape " + toString(shape));
      }
    }
    return (int) n;
  }

  /** Product of dimensions {@code from} (inclusive) to {@code to} (exclusive). */
  public static int size(int[] shape, int from, int to) {
    int n = 1;
    for (int i = from; i < to; i++) {
      n *= shape[i];
    }
    return n;
  }

  /** "(2, 3)"; "()" for a scalar. */
  public static String toString(int... shape) {
    StringJoiner j = new StringJoiner(", ", "(", ")");
    for (int d : shape) {
      j.add(Integer.toString(d));
    }
    return j.toString();
  }

  /** Throws unless {@code t} has the same shape as {@code like}. */
  public static void requireSame(String name, Tensor t, String likeName, Tensor like) {
    if (!Arrays.equals(t.shape(), like.shape())) {
      throw new IllegalArgumentException(
          name
              + ": expected the shape of "
              + likeName
              + " "
              + toString(like.shape())
              + ", found "
              + toString(t.shape()));
    }
  }

  /** Throws unless {@code t} has exactly {@code rank} dimensions. */
  public static void requireRank(String name, Tensor t, int rank) {
    if (t.rank() != rank) {
      throw new IllegalArgumentException(
          name + ": expected " + rank + " dimensions, found shape " + toString(t.shape()));
    }
  }

  /** Throws unless {@code t} has at least {@code rank} dimensions. */
  public static void requireMinRank(String name, Tensor t, int rank, String layout) {
    if (t.rank() < rank) {
      throw new IllegalArgumentException(
          name + ": expected shape " + layout + ", found " + toString(t.shape()));
    }
  }

  /** The shape with dimension {@code d} removed. */
  public static int[] drop(int[] shape, int d) {
    int[] out = new int[shape.length - 1];
    for (int i = 0, j = 0; i < shape.length; i++) {
      if (i != d) {
        out[j++] = shape[i];
      }
    }
    return out;
  }
}

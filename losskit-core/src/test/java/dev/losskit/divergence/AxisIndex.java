package dev.losskit.divergence;

/**
 * The rows of the naive oracles: for a C-ordered shape and an axis, the flat indices of each
 * position's entries along the axis, found element by element from multi-indices.
 */
final class AxisIndex {
  private AxisIndex() {}

  /**
   * {@code rows[pos][c]}: the flat index of entry {@code c} along {@code axis} at position {@code
   * pos} (positions in C order over the shape without the axis).
   */
  static int[][] rows(int[] shape, long axis) {
    int a = (int) (axis < 0 ? axis + shape.length : axis);
    int size = 1;
    int positions = 1;
    for (int d = 0; d < shape.length; d++) {
      size *= shape[d];
      positions *= d == a ? 1 : shape[d];
    }
    int[][] rows = new int[positions][shape[a]];
    int[] idx = new int[shape.length];
    for (int i = 0; i < size; i++) {
      int rest = i;
      for (int d = shape.length - 1; d >= 0; d--) {
        idx[d] = rest % shape[d];
        rest /= shape[d];
      }
      int pos = 0;
      for (int d = 0; d < shape.length; d++) {
        if (d != a) {
          pos = pos * shape[d] + idx[d];
        }
      }
      rows[pos][idx[a]] = i;
    }
    return rows;
  }
}

package dev.losskit.classification;

import dev.losskit.Shapes;
import dev.losskit.Tensor;

/**
 * Maps element indices of a prediction to the elements of a weight tensor that broadcasts to the
 * prediction's shape, as PyTorch broadcasts {@code weight} and {@code pos_weight}: the weight's
 * dimensions align with the prediction's last dimensions, and each is either equal or 1. A weight
 * of the prediction's shape, a scalar, or one of shape {@code (C)} for a prediction {@code (...,
 * C)} take fast paths; any other broadcast shape (such as {@code (C, 1, 1)} for {@code (N, C, H,
 * W)}) takes the general one.
 */
final class WeightBroadcast {
  private static final int SAME = 0;
  private static final int SINGLE = 1;
  private static final int TRAILING = 2;
  private static final int GENERAL = 3;

  private final int mode;
  private final int size;

  /** The prediction's dimensions and the weight's strides along them (0 where broadcast). */
  private final int[] dims;

  private final int[] strides;

  private WeightBroadcast(int mode, int size, int[] dims, int[] strides) {
    this.mode = mode;
    this.size = size;
    this.dims = dims;
    this.strides = strides;
  }

  /**
   * Throws unless {@code weight} broadcasts to the shape of {@code pred}.
   *
   * @throws IllegalArgumentException naming {@code name}, the shape expected and the shape found
   */
  static void check(String name, Tensor weight, String predName, Tensor pred) {
    int[] w = weight.shape();
    int[] p = pred.shape();
    boolean ok = w.length <= p.length;
    for (int k = 1; ok && k <= w.length; k++) {
      int wd = w[w.length - k];
      ok = wd == 1 || wd == p[p.length - k];
    }
    if (!ok) {
      throw new IllegalArgumentException(
          name
              + ": expected a shape that broadcasts to the shape of "
              + predName
              + " "
              + Shapes.toString(p)
              + ", found "
              + Shapes.toString(w));
    }
  }

  /** The index map of a weight already checked by {@link #check}. */
  static WeightBroadcast of(Tensor weight, Tensor pred) {
    int[] w = weight.shape();
    int[] p = pred.shape();
    int ws = weight.size();
    if (ws == pred.size()) {
      return new WeightBroadcast(SAME, ws, null, null);
    }
    if (ws == 1) {
      return new WeightBroadcast(SINGLE, 1, null, null);
    }
    // Leading dimensions of size 1 aside, is the weight's shape the prediction's trailing shape?
    int lead = 0;
    while (lead < w.length && w[lead] == 1) {
      lead++;
    }
    boolean trailing = true;
    for (int k = 1; k <= w.length - lead; k++) {
      trailing &= w[w.length - k] == p[p.length - k];
    }
    if (trailing) {
      return new WeightBroadcast(TRAILING, ws, null, null);
    }
    int[] strides = new int[p.length];
    int stride = 1;
    for (int k = 1; k <= p.length; k++) {
      int wd = k <= w.length ? w[w.length - k] : 1;
      strides[p.length - k] = wd == 1 ? 0 : stride;
      stride *= wd;
    }
    return new WeightBroadcast(GENERAL, ws, p, strides);
  }

  /** The index into the weight's data of the prediction's element {@code i}. */
  int index(int i) {
    switch (mode) {
      case SAME:
        return i;
      case SINGLE:
        return 0;
      case TRAILING:
        return i % size;
      default:
        int rest = i;
        int idx = 0;
        for (int d = dims.length - 1; d >= 0; d--) {
          int n = dims[d];
          idx += (rest % n) * strides[d];
          rest /= n;
        }
        return idx;
    }
  }
}

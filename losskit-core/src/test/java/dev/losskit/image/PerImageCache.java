package dev.losskit.image;

import dev.losskit.testing.OracleInputs;
import java.util.Arrays;

/**
 * Memoises a per-image oracle: central differences move one element at a time, so only the image
 * holding it is evaluated again. Images are {@code (N, ...)} in input 0 and, when present, input 1
 * of the same shape; an image is reused only when both of its slices are exactly unchanged and the
 * key (the parameters) is the same object.
 */
final class PerImageCache {
  /** The oracle of one image pair: values of pred and target, each of {@code size} elements. */
  interface ImageFn {
    double value(double[] pred, double[] target, int[] imageShape);
  }

  private Object key;
  private int[] shape;
  private double[][] xs;
  private double[][] ys;
  private double[] vals;

  double[] values(OracleInputs in, Object key, ImageFn f) {
    double[] x = in.get(0);
    double[] y = in.count() > 1 && in.present(1) ? in.get(1) : null;
    int[] s = in.shape(0);
    int n = s[0];
    int size = n == 0 ? 0 : x.length / n;
    int[] imageShape = Arrays.copyOfRange(s, 1, s.length);
    if (key != this.key || !Arrays.equals(shape, s)) {
      this.key = key;
      this.shape = s;
      xs = new double[n][];
      ys = new double[n][];
      vals = new double[n];
    }
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      int from = i * size;
      int to = from + size;
      boolean same =
          xs[i] != null
              && Arrays.equals(x, from, to, xs[i], 0, size)
              && (y == null || Arrays.equals(y, from, to, ys[i], 0, size));
      if (!same) {
        xs[i] = Arrays.copyOfRange(x, from, to);
        ys[i] = y == null ? null : Arrays.copyOfRange(y, from, to);
        vals[i] = f.value(xs[i], ys[i], imageShape);
      }
      out[i] = vals[i];
    }
    return out;
  }
}

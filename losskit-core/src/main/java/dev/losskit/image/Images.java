package dev.losskit.image;

import dev.losskit.Shapes;
import dev.losskit.Tensor;
import java.util.SplittableRandom;

/** Shape checks and samples shared by the image losses: batches of images {@code (N, C, H, W)}. */
final class Images {
  private Images() {}

  /** Throws unless {@code t} is a batch of images {@code (N, C, H, W)}. */
  static void requireImages(String name, Tensor t) {
    if (t.rank() != 4) {
      throw new IllegalArgumentException(
          name + ": expected images (N, C, H, W), found shape " + Shapes.toString(t.shape()));
    }
  }

  /** Checks pred and target: both {@code (N, C, H, W)}, of one shape; returns {@code (N)}. */
  static int[] checkPair(Tensor pred, Tensor target) {
    requireImages("pred", pred);
    Shapes.requireSame("target", target, "pred", pred);
    return new int[] {pred.dim(0)};
  }

  /**
   * Throws unless both sides of the images are at least {@code min}, naming the input, the minimum
   * and why it is needed.
   */
  static void requireSides(String name, Tensor t, int min, String why) {
    if (t.dim(2) < min || t.dim(3) < min) {
      throw new IllegalArgumentException(
          name
              + ": expected images of at least "
              + min
              + "x"
              + min
              + " pixels ("
              + why
              + "), found shape "
              + Shapes.toString(t.shape()));
    }
  }

  /**
   * A target in [0, range) and a prediction that is the target plus Gaussian noise of a tenth of
   * the range: the typical pair of image-quality losses.
   */
  static Tensor[] noisyPair(SplittableRandom r, double range, int n, int c, int h, int w) {
    float[] t = new float[n * c * h * w];
    float[] p = new float[t.length];
    for (int i = 0; i < t.length; i++) {
      t[i] = (float) (range * r.nextDouble());
      p[i] = (float) (t[i] + 0.1 * range * dev.losskit.internal.Samples.gaussian(r));
    }
    return new Tensor[] {Tensor.of(p, n, c, h, w), Tensor.of(t, n, c, h, w)};
  }

  /** Normalised 1-D Gaussian weights of {@code size} taps (odd) with standard deviation sigma. */
  static double[] gaussian(int size, double sigma) {
    double[] g = new double[size];
    int r = size / 2;
    double s = 0;
    for (int k = 0; k < size; k++) {
      g[k] = Math.exp(-0.5 * (k - r) * (k - r) / (sigma * sigma));
      s += g[k];
    }
    for (int k = 0; k < size; k++) {
      g[k] /= s;
    }
    return g;
  }

  /** Checks that {@code window} is odd; returns it as an int. */
  static int oddWindow(long window) {
    if (window % 2 == 0 || window > 1_000_001) {
      throw new IllegalArgumentException(
          "parameter window: expected an odd integer >= 1, found '" + window + "'");
    }
    return (int) window;
  }
}

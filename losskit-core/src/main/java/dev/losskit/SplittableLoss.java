package dev.losskit;

/**
 * A loss whose unreduced units (elements, or samples) are independent: any range of them can be
 * computed on its own. The shared evaluation splits large inputs into fixed chunks of units,
 * computes them on several threads and adds the partial sums in chunk order, so the result does not
 * depend on the number of threads.
 */
public interface SplittableLoss extends Loss {
  /**
   * {@link #compute} restricted to the unreduced units {@code [from, to)}: returns the sum of their
   * values, writes only their entries of {@code values} and only the gradient entries that belong
   * to them (never an entry shared with another unit). Inputs are already checked.
   */
  double computeRange(
      Tensor[] inputs, float[] values, float[][] grads, double scale, int from, int to);

  /**
   * Floats of input per unit (a row's classes, a sample's features; 1 for an elementwise loss): the
   * split threshold and the chunk size count floats, so that 1000 rows of 1000 classes split as a
   * million elements do. Inputs are already checked.
   */
  default int unitWidth(Tensor[] inputs) {
    return 1;
  }
}

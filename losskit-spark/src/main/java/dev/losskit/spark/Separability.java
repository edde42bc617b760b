package dev.losskit.spark;

import dev.losskit.Loss;
import dev.losskit.LossSpec;
import dev.losskit.Reduction;
import dev.losskit.Shapes;
import dev.losskit.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Decides whether a loss can be aggregated from per-row partial states.
 *
 * <p>An aggregate over many partitions is exact only if the loss of a batch is the sum of the
 * losses of its rows and the {@code mean} denominator of a batch is the sum of the rows'
 * denominators. That holds for elementwise and per-sample losses (mse, cross-entropy, giou, ...)
 * but not for losses that couple the rows of a batch (rmse, nt-xent, batch-hard-triplet, dice over
 * the whole batch). The catalogue does not declare this, so it is checked on the loss's own sampled
 * inputs: a batch is evaluated at once and row by row, for two batch sizes, with the instance's
 * parameters. Anything that fails (no {@code sum} reduction, rows that cannot stand alone) counts
 * as coupled, which is the safe side: a coupled loss is refused by the aggregate, never computed
 * wrongly.
 */
final class Separability {
  private static final int[] BATCH_SIZES = {13, 17};

  private Separability() {}

  static boolean rowSeparable(Loss loss) {
    LossSpec spec = loss.spec();
    if (!spec.reductions().contains(Reduction.SUM)) {
      return false;
    }
    try {
      for (int n : BATCH_SIZES) {
        if (!separableAt(loss, n)) {
          return false;
        }
      }
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static boolean separableAt(Loss loss, int n) {
    Tensor[] batch = loss.spec().sample(loss.params(), new SplittableRandom(n), n);
    boolean[] batched = new boolean[batch.length];
    boolean any = false;
    for (int k = 0; k < batch.length; k++) {
      batched[k] = batch[k] != null && batch[k].rank() >= 1 && batch[k].dim(0) == n;
      any |= batched[k];
    }
    if (!any) {
      return false;
    }
    double sum = loss.evaluate(Reduction.SUM, batch, null, null);
    double den = denominator(loss, batch);
    double rowSum = 0;
    double rowDen = 0;
    for (int i = 0; i < n; i++) {
      Tensor[] row = batch.clone();
      for (int k = 0; k < batch.length; k++) {
        if (batched[k]) {
          row[k] = slice(batch[k], i);
        }
      }
      rowSum += loss.evaluate(Reduction.SUM, row, null, null);
      rowDen += denominator(loss, row);
    }
    return close(sum, rowSum) && close(den, rowDen);
  }

  /** The mean denominator of these inputs, through the loss's own check and rule. */
  static double denominator(Loss loss, Tensor[] inputs) {
    Tensor[] in = Arrays.copyOf(inputs, loss.spec().inputs().size());
    return loss.meanDenominator(in, Shapes.size(loss.check(in)));
  }

  private static Tensor slice(Tensor t, int i) {
    int[] shape = t.shape();
    int rowSize = Shapes.size(shape, 1, shape.length);
    float[] data = Arrays.copyOfRange(t.data(), i * rowSize, (i + 1) * rowSize);
    shape[0] = 1;
    return t.isIntegral() ? Tensor.integral(data, shape) : Tensor.shaped(data, shape);
  }

  private static boolean close(double a, double b) {
    return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.max(Math.abs(a), Math.abs(b)));
  }
}

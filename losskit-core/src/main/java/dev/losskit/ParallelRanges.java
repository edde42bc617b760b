package dev.losskit;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a {@link SplittableLoss} over fixed chunks of its unreduced units on the common fork-join
 * pool, and adds the partial sums in chunk order: the value is the same for any number of threads.
 */
final class ParallelRanges {
  /**
   * Floats per chunk (units of width 1; {@link SplittableLoss#unitWidth} wider units fewer): large
   * enough that a chunk of the cheapest kernel (mse, about 0.5 ns per element) outweighs the
   * hand-off to another thread (a few microseconds), small enough to balance two to eight threads
   * at the threshold.
   */
  static final int CHUNK = 1 << 15;

  /** The system property that overrides {@link #THRESHOLD}, read once at start-up. */
  static final String THRESHOLD_PROPERTY = "losskit.split.threshold";

  /**
   * Inputs of fewer floats (units times their width) stay on the calling thread. Chosen by {@code
   * tools/bench/split-threshold.sh} (split against one thread, 2^12 to 2^21 units, two cores): from
   * 2^17 up every loss measured gained, mse (memory-bound) least, 1.05 to 1.35x, huber, log-cosh
   * and bce-with-logits 1.1 to 1.9x; at 2^15 and 2^16 mse lost (0.6 to 0.7x), a hand-off to another
   * thread costing microseconds. {@code -Dlosskit.split.threshold=N} overrides it (the benchmark
   * sets it low to time the split at every size).
   */
  static final int THRESHOLD = Math.max(1, Integer.getInteger(THRESHOLD_PROPERTY, 1 << 17));

  /** Partial sums of the calling thread, reused from call to call. */
  private static final ThreadLocal<double[]> PARTIALS = new ThreadLocal<>();

  private ParallelRanges() {}

  /** Whether an evaluation of {@code units} units of this loss on these inputs is split. */
  static boolean splits(Loss loss, Tensor[] in, int units) {
    return loss instanceof SplittableLoss
        && (long) units * width((SplittableLoss) loss, in) >= THRESHOLD;
  }

  private static int width(SplittableLoss loss, Tensor[] in) {
    return Math.max(1, loss.unitWidth(in));
  }

  /**
   * The sum over all units, computed chunk by chunk; on the common pool when {@code parallel}, else
   * on the calling thread (the same chunks, the same order, the same result).
   */
  static double compute(
      SplittableLoss loss,
      Tensor[] in,
      float[] values,
      float[][] grads,
      double scale,
      int units,
      boolean parallel) {
    int chunk = Math.max(1, CHUNK / width(loss, in));
    int chunks = (units + chunk - 1) / chunk;
    double[] partial = PARTIALS.get();
    // Taken out while in use, so that a nested evaluation on this thread gets its own array.
    PARTIALS.set(null);
    if (partial == null || partial.length < chunks) {
      partial = new double[chunks];
    }
    try {
      double[] sums = partial;
      AtomicInteger next = new AtomicInteger();
      Runnable worker =
          () -> {
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
              int from = c * chunk;
              sums[c] =
                  loss.computeRange(in, values, grads, scale, from, Math.min(units, from + chunk));
            }
          };
      int helpers =
          parallel ? Math.min(chunks, ForkJoinPool.getCommonPoolParallelism() + 1) - 1 : 0;
      ForkJoinTask<?>[] forked = new ForkJoinTask<?>[helpers];
      for (int h = 0; h < helpers; h++) {
        forked[h] = ForkJoinTask.adapt(worker).fork();
      }
      worker.run();
      for (ForkJoinTask<?> f : forked) {
        f.join();
      }
      double sum = 0;
      for (int c = 0; c < chunks; c++) {
        sum += sums[c];
      }
      return sum;
    } finally {
      PARTIALS.set(partial);
    }
  }
}

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
   * Units per chunk: large enough that a chunk of the cheapest kernel (mse, about 0.5 ns per
   * element) outweighs the hand-off to another thread (a few microseconds), small enough to balance
   * two to eight threads at the threshold.
   */
  static final int CHUNK = 1 << 15;

  /**
   * Inputs of fewer units stay on the calling thread. Measured with {@code losskit bench} on two
   * cores: at 2^16 elements splitting mse gained nothing, at 2^17 and above it gained 1.3 to 1.8x;
   * losses with transcendental functions gain from about 2^14, but one threshold keeps the rule
   * simple and no loss slower than before.
   */
  static final int THRESHOLD = 1 << 17;

  /** Partial sums of the calling thread, reused from call to call. */
  private static final ThreadLocal<double[]> PARTIALS = new ThreadLocal<>();

  private ParallelRanges() {}

  /** Whether an evaluation of {@code units} units of this loss is split. */
  static boolean splits(Loss loss, int units) {
    return loss instanceof SplittableLoss && units >= THRESHOLD;
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
    int chunks = (units + CHUNK - 1) / CHUNK;
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
              int from = c * CHUNK;
              sums[c] =
                  loss.computeRange(in, values, grads, scale, from, Math.min(units, from + CHUNK));
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

package dev.losskit.image;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs a body once per image plane (one channel of one image pair), on the common fork-join pool
 * when the call is large enough. Planes are independent and each writes only its own results, so
 * callers that add per-plane sums in plane order get the same value for any number of threads.
 */
final class Planes {
  /**
   * Pixels per call from which planes are split across threads. SSIM costs tens of nanoseconds per
   * pixel, so 2^15 pixels (about a millisecond) outweigh a hand-off (a few microseconds) many times
   * over; below that the call is too short to be worth waking another thread.
   */
  static final long THRESHOLD = 1 << 15;

  private Planes() {}

  /** Calls {@code body} for each plane in {@code [0, planes)} of {@code pixels} pixels each. */
  static void forEach(int planes, long pixels, IntConsumer body) {
    run(planes, body, planes > 1 && planes * pixels >= THRESHOLD);
  }

  /**
   * As {@link #forEach(int, long, IntConsumer)}, split across threads as {@code parallel} says, or
   * as the threshold decides when it is null (tests compare both).
   */
  static void forEach(int planes, long pixels, IntConsumer body, Boolean parallel) {
    if (parallel == null) {
      forEach(planes, pixels, body);
    } else {
      run(planes, body, parallel);
    }
  }

  /**
   * The per-image loss {@code 1 - (sum of its planes' values) / divisor}, written to {@code values}
   * when it is not null; returns the sum over the images.
   */
  static double oneMinusImageMeans(
      double[] planeValues, int images, int channels, double divisor, float[] values) {
    double sum = 0;
    for (int i = 0; i < images; i++) {
      double s = 0;
      for (int c = 0; c < channels; c++) {
        s += planeValues[i * channels + c];
      }
      double l = 1 - s / divisor;
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
    }
    return sum;
  }

  private static void run(int planes, IntConsumer body, boolean parallel) {
    AtomicInteger next = new AtomicInteger();
    Runnable worker =
        () -> {
          for (int q = next.getAndIncrement(); q < planes; q = next.getAndIncrement()) {
            body.accept(q);
          }
        };
    int helpers = parallel ? Math.min(planes, ForkJoinPool.getCommonPoolParallelism() + 1) - 1 : 0;
    ForkJoinTask<?>[] forked = new ForkJoinTask<?>[helpers];
    for (int i = 0; i < helpers; i++) {
      forked[i] = ForkJoinTask.adapt(worker).fork();
    }
    worker.run();
    for (ForkJoinTask<?> f : forked) {
      f.join();
    }
  }
}

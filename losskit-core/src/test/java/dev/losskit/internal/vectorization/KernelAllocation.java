package dev.losskit.internal.vectorization;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Bytes allocated per element by each compiled vector kernel of {@link KernelsTest#cases()}, in the
 * JVM it is started in; exits with 1 naming the kernels that allocate per element. Run by {@link
 * KernelsTest} in a JVM of its own.
 */
final class KernelAllocation {
  /** Boxing allocates several bytes per element; scratch and argument objects, none. */
  static final double LIMIT = 0.05;

  private static final int N = 4096;
  private static final int CALLS = 200;

  private KernelAllocation() {}

  public static void main(String[] args) {
    Kernels k =
        Vectorization.vector().orElseThrow(() -> new AssertionError("no Vector API module"));
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    List<String> allocating = new ArrayList<>();
    KernelsTest.cases()
        .forEach(
            c -> {
              float[] a = new float[N];
              float[] b = new float[N];
              c.draw().fill(new SplittableRandom(5), a, b, false);
              float[] v = new float[N];
              float[] g0 = new float[N];
              float[] g1 = c.twoGrads() ? new float[N] : null;
              double perElement = Double.MAX_VALUE;
              // Until C2 has compiled the kernel (a few thousand calls), within a generous
              // deadline.
              long deadline = System.nanoTime() + 30_000_000_000L;
              while (perElement > LIMIT && System.nanoTime() < deadline) {
                for (int i = 0; i < 2000; i++) {
                  c.call().run(k, a, b, v, g0, g1, 1.0 / N, 0, N);
                }
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < CALLS; i++) {
                  c.call().run(k, a, b, v, g0, g1, 1.0 / N, 0, N);
                }
                perElement =
                    (threads.getCurrentThreadAllocatedBytes() - before) / ((double) CALLS * N);
              }
              System.out.printf("%-40s %.4f bytes per element%n", c, perElement);
              if (perElement > LIMIT) {
                allocating.add(c.toString());
              }
            });
    if (!allocating.isEmpty()) {
      System.out.println("allocate per element once compiled: " + allocating);
      System.exit(1);
    }
  }
}

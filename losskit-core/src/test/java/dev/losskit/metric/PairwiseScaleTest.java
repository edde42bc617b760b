package dev.losskit.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.LossResult;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.internal.Samples;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The batch-wide losses at a realistic scale, B = 4096 embeddings of dimension 256, with gradients,
 * in the default heap: unreduced values of sampled rows agree with a row-by-row computation, every
 * gradient is finite, and each row's gradient is orthogonal to the row (the losses depend on
 * directions only).
 */
class PairwiseScaleTest {
  private static final int B = 4096;
  private static final int D = 256;

  @Test
  void infoNceNtXentAndClipRunAtBatch4096WithGradients() {
    SplittableRandom r = new SplittableRandom(2024);
    float[] a = Samples.normal(r, 1, B, D).data();
    float[] b = a.clone();
    for (int i = 0; i < b.length; i++) {
      b[i] += (float) (0.5 * Samples.gaussian(r));
    }
    Tensor ta = Tensor.of(a, B, D);
    Tensor tb = Tensor.of(b, B, D);
    double[] an = Naive.normalize(toDouble(a), B, D);
    double[] bn = Naive.normalize(toDouble(b), B, D);
    for (String id : new String[] {"info-nce", "nt-xent", "clip"}) {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long t0 = System.nanoTime();
      long c0 = threads.getCurrentThreadCpuTime();
      LossResult res = Catalog.builtin().create(id).evaluate(Reduction.NONE, ta, tb);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      long cpu = (threads.getCurrentThreadCpuTime() - c0) / 1_000_000;
      System.out.println(
          id
              + ": B = "
              + B
              + ", D = "
              + D
              + ", value and gradients in "
              + ms
              + " ms ("
              + cpu
              + " ms CPU)");
      float[] v = res.values().data();
      for (int i : new int[] {0, 1, 777, B - 1}) {
        assertEquals(rowLoss(id, an, bn, i), v[i], 1e-4 * (1 + Math.abs(v[i])), id + " row " + i);
      }
      for (String input : new String[] {"a", "b"}) {
        String name = id.equals("clip") ? (input.equals("a") ? "image" : "text") : input;
        float[] g = res.grad(name).data();
        float[] x = input.equals("a") ? a : b;
        for (int i = 0; i < B; i++) {
          double dot = 0;
          double gg = 0;
          double xx = 0;
          for (int d = 0; d < D; d++) {
            float gi = g[i * D + d];
            assertTrue(Float.isFinite(gi), id + " d/d" + name);
            dot += gi * x[i * D + d];
            gg += gi * gi;
            xx += x[i * D + d] * x[i * D + d];
          }
          assertTrue(
              Math.abs(dot) <= 1e-3 * Math.sqrt(gg * xx) + 1e-12,
              id + " d/d" + name + " row " + i + " is not orthogonal to the row");
        }
      }
    }
  }

  /** The unreduced value of row i, from the definitions, over normalized rows. */
  private static double rowLoss(String id, double[] a, double[] b, int i) {
    switch (id) {
      case "info-nce":
        return ce(row(a, i, b, 0.1), i);
      case "nt-xent":
        {
          // Row i of a against the other 2B - 1 views; its positive is b_i.
          double[] z = new double[2 * B - 1];
          int k = 0;
          for (int j = 0; j < B; j++) {
            if (j != i) {
              z[k++] = Naive.dot(a, i, a, j, D) / 0.5;
            }
          }
          for (int j = 0; j < B; j++) {
            z[k++] = Naive.dot(a, i, b, j, D) / 0.5;
          }
          return Naive.logSumExp(z) - Naive.dot(a, i, b, i, D) / 0.5;
        }
      default:
        return (ce(row(a, i, b, 0.07), i) + ce(row(b, i, a, 0.07), i)) / 2;
    }
  }

  private static double[] row(double[] x, int i, double[] y, double tau) {
    double[] z = new double[B];
    for (int j = 0; j < B; j++) {
      z[j] = Naive.dot(x, i, y, j, D) / tau;
    }
    return z;
  }

  private static double ce(double[] z, int target) {
    return Naive.logSumExp(z) - z[target];
  }

  private static double[] toDouble(float[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i];
    }
    return out;
  }
}

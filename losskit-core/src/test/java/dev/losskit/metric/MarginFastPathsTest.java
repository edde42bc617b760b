package dev.losskit.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.internal.vectorization.Kernels;
import dev.losskit.internal.vectorization.Vectorization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fast paths of the margin losses (soft-margin and multilabel-soft-margin through the
 * bce-with-logits kernel, margin-ranking's kernel, cosine-embedding's fused rows) against
 * double-precision oracles written here, over sizes that leave vector tails and over extreme
 * inputs. Surefire runs this class on the vector and on the scalar kernels; margin-ranking's kernel
 * is also checked on both kernel sets directly.
 */
class MarginFastPathsTest {
  private static final int[] SIZES = {0, 1, 7, 15, 33, 257, 1000, 2049, 4099};

  /** Logits of ordinary size, saturated (+-100) and far beyond the float exp range (+-1e30). */
  private static float[] logits(SplittableRandom r, int n) {
    float[] x = new float[n];
    float[] extremes = {100f, -100f, 1e30f, -1e30f, 0f, 3e38f, -3e38f};
    for (int i = 0; i < n; i++) {
      x[i] =
          r.nextInt(5) == 0 ? extremes[r.nextInt(extremes.length)] : (float) (4 * r.nextGaussian());
    }
    return x;
  }

  /** Scores of ordinary size and huge ones (+-1e30), whose difference stays finite in float. */
  private static float[] scores(SplittableRandom r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextInt(8) == 0 ? (r.nextBoolean() ? 1e30f : -1e30f) : (float) r.nextGaussian();
    }
    return x;
  }

  private static float[] signs(SplittableRandom r, int n) {
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      y[i] = r.nextBoolean() ? 1 : -1;
    }
    return y;
  }

  /** softplus(m) in double, without overflow. */
  private static double softplus(double m) {
    return m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
  }

  private static double sigmoid(double x) {
    return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
  }

  private static void assertNear(double expected, double actual, String what) {
    assertTrue(Double.isFinite(actual), what + ": not finite: " + actual);
    assertEquals(expected, actual, 2e-6 * Math.abs(expected) + 1e-6, what);
  }

  @Test
  void softMarginMatchesTheDoubleOracle() {
    Loss loss = Catalog.builtin().create("soft-margin");
    SplittableRandom r = new SplittableRandom(11);
    for (int n : SIZES) {
      float[] x = logits(r, n);
      float[] y = signs(r, n);
      float[] values = new float[n];
      float[][] grads = {new float[n], null};
      double sum =
          loss.evaluate(Reduction.SUM, new Tensor[] {Tensor.of(x), Tensor.of(y)}, values, grads);
      double expected = 0;
      for (int i = 0; i < n; i++) {
        double l = softplus(-y[i] * (double) x[i]);
        expected += l;
        assertNear(l, values[i], "value " + i + " of " + n + " at x = " + x[i]);
        assertNear(-y[i] * sigmoid(-y[i] * (double) x[i]), grads[0][i], "gradient " + i);
      }
      assertEquals(expected, sum, 1e-6 * Math.abs(expected), "sum of " + n);
    }
  }

  @Test
  void multilabelSoftMarginMatchesTheDoubleOracle() {
    Loss loss = Catalog.builtin().create("multilabel-soft-margin");
    SplittableRandom r = new SplittableRandom(12);
    for (int classes : new int[] {1, 3, 10, 17}) {
      for (int rows : new int[] {1, 5, 130}) {
        int n = rows * classes;
        float[] x = logits(r, n);
        float[] t = new float[n];
        for (int i = 0; i < n; i++) {
          t[i] = r.nextInt(3) == 0 ? (float) r.nextDouble() : r.nextInt(2);
        }
        Tensor[] in = {Tensor.of(x, rows, classes), Tensor.of(t, rows, classes)};
        double[] oracle = new double[rows];
        double[] grad = new double[n];
        double total = 0;
        for (int i = 0; i < rows; i++) {
          for (int c = 0; c < classes; c++) {
            int k = i * classes + c;
            oracle[i] += (t[k] * softplus(-x[k]) + (1 - t[k]) * softplus(x[k])) / classes;
            grad[k] = (sigmoid(x[k]) - t[k]) / classes / rows;
          }
          total += oracle[i];
        }
        // Mean without unreduced values (one kernel pass), then unreduced values (one per row).
        float[][] grads = {new float[n], null, null};
        double mean = loss.evaluate(Reduction.MEAN, in, null, grads);
        assertEquals(total / rows, mean, 1e-6 * Math.abs(total / rows), rows + "x" + classes);
        for (int k = 0; k < n; k++) {
          assertNear(grad[k], grads[0][k], "gradient " + k + " of " + rows + "x" + classes);
        }
        float[] values = new float[rows];
        loss.evaluate(Reduction.NONE, in, values, null);
        for (int i = 0; i < rows; i++) {
          assertNear(oracle[i], values[i], "value " + i + " of " + rows + "x" + classes);
        }
      }
    }
  }

  @Test
  void marginRankingKernelsMatchTheDoubleOracle() {
    List<Kernels> kernels = new ArrayList<>();
    kernels.add(Vectorization.scalar());
    Vectorization.vector().ifPresent(kernels::add);
    SplittableRandom r = new SplittableRandom(13);
    for (Kernels k : kernels) {
      for (double margin : new double[] {0, 0.5, -1}) {
        for (int n : SIZES) {
          float[] x1 = scores(r, n);
          float[] x2 = scores(r, n);
          float[] y = signs(r, n);
          // Exact kinks (z = 0, where the gradient is the active side's): small integers, so that
          // x1 - y margin is exact in float.
          for (int i = 0; i < n; i += 5) {
            x1[i] = r.nextInt(-50, 50);
            x2[i] = x1[i] - (float) (y[i] * margin);
          }
          float[] values = new float[n];
          float[] g1 = new float[n];
          float[] g2 = new float[n];
          double scale = 0.25;
          double sum = k.marginRanking(x1, x2, y, margin, values, g1, g2, scale, 0, n);
          double expected = 0;
          for (int i = 0; i < n; i++) {
            double z = y[i] * ((double) x2[i] - x1[i]) + margin;
            double l = Math.max(z, 0);
            expected += l;
            String at = k + ", margin " + margin + ", " + i + " of " + n;
            // Float lanes round x2 - x1 and the sum with the margin: accurate relative to the
            // operands.
            double tol = 1e-6 * (Math.abs(x1[i]) + Math.abs(x2[i]) + Math.abs(margin));
            assertEquals(l, values[i], tol, "value, " + at);
            double d = z >= 0 ? y[i] * scale : 0;
            assertEquals(-d, g1[i], 0, "gradient for x1, " + at);
            assertEquals(d, g2[i], 0, "gradient for x2, " + at);
          }
          assertEquals(expected, sum, 1e-6 * Math.abs(expected) + 1e-6, k + ", sum of " + n);
          // Either gradient alone, and none.
          float[] only = new float[n];
          k.marginRanking(x1, x2, y, margin, null, null, only, scale, 0, n);
          assertEquals(java.util.Arrays.toString(g2), java.util.Arrays.toString(only));
          assertEquals(sum, k.marginRanking(x1, x2, y, margin, null, null, null, scale, 0, n));
        }
      }
    }
  }

  @Test
  void multiMarginKernelsMatchTheDoubleOracle() {
    List<Kernels> kernels = new ArrayList<>();
    kernels.add(Vectorization.scalar());
    Vectorization.vector().ifPresent(kernels::add);
    SplittableRandom r = new SplittableRandom(15);
    for (Kernels k : kernels) {
      for (boolean squared : new boolean[] {false, true}) {
        for (int classes : new int[] {1, 2, 7, 8, 10, 17, 33}) {
          int rows = 41;
          float[] y = new float[rows];
          float[] w = new float[classes];
          for (int i = 0; i < rows; i++) {
            y[i] = r.nextInt(classes);
          }
          for (int c = 0; c < classes; c++) {
            w[c] = (float) (0.5 + r.nextDouble());
          }
          float[] p = new float[rows * classes];
          for (int i = 0; i < p.length; i++) {
            // Mostly ordinary scores; some huge ones off the label, whose violations overflow
            // float when squared (the rows the vector kernel hands to the double path).
            boolean huge = i % classes != (int) y[i / classes] && r.nextInt(10) == 0;
            p[i] = huge ? (r.nextBoolean() ? 1e20f : -1e20f) : (float) (2 * r.nextGaussian());
          }
          if (classes >= 2) {
            // An exact kink: z = margin - pred_y + pred_c = 0 contributes nothing.
            y[0] = 1;
            p[0] = 0.25f;
            p[1] = 1.25f;
          }
          for (float[] weight : new float[][] {null, w}) {
            double margin = 1;
            double scale = 0.5;
            float[] values = new float[rows];
            float[] g = new float[p.length];
            double sum =
                k.multiMargin(p, y, weight, classes, margin, squared, values, g, scale, 0, rows);
            double expected = 0;
            for (int i = 0; i < rows; i++) {
              int base = i * classes;
              int label = (int) y[i];
              double factor = (weight == null ? 1 : weight[label]) / (double) classes;
              double l = 0;
              double gy = 0;
              for (int c = 0; c < classes; c++) {
                double z = margin - p[base + label] + p[base + c];
                double d = 0;
                if (c != label && z > 0) {
                  l += squared ? z * z : z;
                  d = factor * scale * (squared ? 2 * z : 1);
                }
                gy += d;
                if (c != label) {
                  String at =
                      k + ", squared " + squared + ", C " + classes + ", row " + i + ", class " + c;
                  // Float lanes round z relative to its operands.
                  double tol =
                      1e-6
                          * (Math.abs(d)
                              + 2
                                  * factor
                                  * scale
                                  * (1 + Math.abs(p[base + label]) + Math.abs(p[base + c])));
                  assertEquals(d, g[base + c], tol, at);
                }
              }
              l *= factor;
              expected += l;
              String at = k + ", squared " + squared + ", C " + classes + ", row " + i;
              assertEquals(-gy, g[base + label], 1e-6 * Math.abs(gy) + 1e-6, at);
              // A value beyond the float range (a squared violation of 1e20) is infinite in
              // float; the sum, in double, is not.
              double v = Math.abs(l) > Float.MAX_VALUE ? Double.POSITIVE_INFINITY : l;
              assertEquals(v, values[i], 1e-6 * Math.abs(l) + 1e-6, at);
            }
            assertEquals(expected, sum, 1e-6 * Math.abs(expected) + 1e-6, k + " sum");
            assertEquals(
                sum,
                k.multiMargin(p, y, weight, classes, margin, squared, null, null, scale, 0, rows),
                1e-9 * Math.abs(sum),
                k + " without outputs");
          }
        }
      }
    }
  }

  @Test
  void cosineEmbeddingMatchesTheDoubleOracle() {
    SplittableRandom r = new SplittableRandom(14);
    for (double margin : new double[] {0, 0.3}) {
      Loss loss = Catalog.builtin().create("cosine-embedding", Map.of("margin", margin));
      for (int dim : new int[] {1, 2, 7, 128, 131}) {
        int rows = 9;
        int n = rows * dim;
        float[] x1 = new float[n];
        float[] x2 = new float[n];
        for (int i = 0; i < n; i++) {
          x1[i] = (float) r.nextGaussian();
          x2[i] = (float) r.nextGaussian();
        }
        // A zero row, a row whose squared norm overflows float, and an aligned pair.
        java.util.Arrays.fill(x1, 0, dim, 0f);
        for (int k = dim; k < 2 * dim; k++) {
          x1[k] *= 1e30f;
        }
        System.arraycopy(x1, 2 * dim, x2, 2 * dim, dim);
        float[] y = signs(r, rows);
        float[] values = new float[rows];
        float[][] grads = {new float[n], new float[n], null};
        Tensor[] in = {Tensor.of(x1, rows, dim), Tensor.of(x2, rows, dim), Tensor.of(y)};
        loss.evaluate(Reduction.NONE, in, values, grads);
        for (int i = 0; i < rows; i++) {
          int o = i * dim;
          double prod = 0;
          double m1 = 1e-12;
          double m2 = 1e-12;
          for (int k = o; k < o + dim; k++) {
            prod += (double) x1[k] * x2[k];
            m1 += (double) x1[k] * x1[k];
            m2 += (double) x2[k] * x2[k];
          }
          double den = Math.sqrt(m1 * m2);
          double c = prod / den;
          double l = y[i] == 1 ? 1 - c : Math.max(c - margin, 0);
          double dc = y[i] == 1 ? -1 : (c - margin >= 0 ? 1 : 0);
          String at = "row " + i + ", D = " + dim + ", margin " + margin;
          assertNear(l, values[i], "value, " + at);
          for (int k = o; k < o + dim; k++) {
            double d1 = dc * (x2[k] / den - c * x1[k] / m1);
            double d2 = dc * (x1[k] / den - c * x2[k] / m2);
            // Float terms: accurate relative to the two terms, not to their difference.
            double t1 = Math.abs(dc) * (Math.abs(x2[k] / den) + Math.abs(c * x1[k] / m1));
            double t2 = Math.abs(dc) * (Math.abs(x1[k] / den) + Math.abs(c * x2[k] / m2));
            assertEquals(d1, grads[0][k], 1e-6 * t1 + 1e-12 / Math.sqrt(m1), at);
            assertEquals(d2, grads[1][k], 1e-6 * t2 + 1e-12 / Math.sqrt(m2), at);
          }
        }
      }
    }
  }
}

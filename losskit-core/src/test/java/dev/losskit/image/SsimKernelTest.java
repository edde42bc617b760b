package dev.losskit.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The filtering kernel shared by ssim and ms-ssim on both row paths (scalar and Vector API) over
 * odd sizes, against the direct double sum of {@link SsimMath}; and the split across threads, which
 * must not change a single bit.
 */
class SsimKernelTest {
  private static final int[][] SIZES = {{11, 11}, {13, 17}, {23, 12}, {12, 29}, {37, 41}};
  private static final int[] WINDOWS = {1, 3, 7, 11};

  /** The row paths this JVM can run: always the scalar one, the vector one when available. */
  private static List<RowOps> paths() {
    List<RowOps> paths = new ArrayList<>();
    paths.add(RowOps.SCALAR);
    RowOps v = RowOps.vector();
    if (v != null) {
      paths.add(v);
    }
    return paths;
  }

  @Test
  void vectorRowsAreAvailableUnderTheTestJvm() {
    // Surefire runs with the Vector API module: the vector path must be the one tested here.
    assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
    assertEquals(2, paths().size(), "vector rows could not be loaded");
  }

  @Test
  void rowOperationsMatchTheirDefinitionAtEveryLengthAndOffset() {
    SplittableRandom r = new SplittableRandom(7);
    double[] g = random(r, 5);
    for (RowOps ops : paths()) {
      for (int n = 0; n <= 41; n++) {
        for (int off = 0; off < 3; off++) {
          int stride = n + 3;
          double[] x = random(r, off + 5 * stride);
          double[] y = random(r, n + 2 * off);
          double[] expected = y.clone();
          for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < 5; k++) {
              s += g[k] * x[off + k * stride + i];
            }
            expected[2 * off + i] = s;
          }
          ops.filter(g, x, off, stride, y, 2 * off, n);
          assertArrayEquals(expected, y, 1e-14, ops + " filter n=" + n + " off=" + off);

          double[] xs = random(r, off + n + 4);
          double[] ys = random(r, off + n + 4);
          double[][] m = new double[5][n + 1];
          ops.moments(g, xs, ys, off, m, 1, n);
          for (int i = 0; i < n; i++) {
            double[] e = new double[5];
            for (int k = 0; k < 5; k++) {
              double a = xs[off + k + i];
              double c = ys[off + k + i];
              e[0] += g[k] * a;
              e[1] += g[k] * c;
              e[2] += g[k] * a * a;
              e[3] += g[k] * c * c;
              e[4] += g[k] * a * c;
            }
            for (int q = 0; q < 5; q++) {
              assertEquals(e[q], m[q][1 + i], 1e-14, ops + " moment " + q + " n=" + n);
            }
          }
        }
      }
    }
  }

  @Test
  void forwardMatchesTheDirectWindowSum() {
    SplittableRandom r = new SplittableRandom(11);
    for (RowOps ops : paths()) {
      for (int[] s : SIZES) {
        for (int win : WINDOWS) {
          if (win > Math.min(s[0], s[1])) {
            continue;
          }
          double[] g = Images.gaussian(win, 1.5);
          for (boolean lum : new boolean[] {true, false}) {
            SsimKernel k = new SsimKernel(s[0], s[1], g, 1e-4, 9e-4, lum, ops);
            fill(k, r, 5.0);
            double expected = SsimMath.mapSum(k.x, k.y, s[0], s[1], g, 1e-4, 9e-4, lum);
            String what = ops + " " + s[0] + "x" + s[1] + " window " + win + " lum " + lum;
            assertEquals(expected, k.forward(false), 1e-9 * k.count(), what);
          }
        }
      }
    }
  }

  @Test
  void backwardMatchesCentralDifferences() {
    SplittableRandom r = new SplittableRandom(13);
    int h = 13;
    int w = 15;
    double[] g = Images.gaussian(5, 1.0);
    for (RowOps ops : paths()) {
      for (boolean lum : new boolean[] {true, false}) {
        SsimKernel k = new SsimKernel(h, w, g, 1e-4, 9e-4, lum, ops);
        fill(k, r, 0.0);
        k.forward(true);
        double[] grad = new double[h * w];
        k.backward(1.0, grad);
        float[] asFloat = new float[h * w + 3];
        k.backward(1.0, asFloat, 3);
        double[] x = k.x.clone();
        double eps = 1e-6;
        for (int p = 0; p < h * w; p++) {
          double[] up = x.clone();
          double[] down = x.clone();
          up[p] += eps;
          down[p] -= eps;
          double fd =
              (SsimMath.mapSum(up, k.y, h, w, g, 1e-4, 9e-4, lum)
                      - SsimMath.mapSum(down, k.y, h, w, g, 1e-4, 9e-4, lum))
                  / (2 * eps);
          assertEquals(fd, grad[p], 1e-6, ops + " lum " + lum + " pixel " + p);
          assertEquals((float) grad[p], asFloat[3 + p], 0f, "float output, pixel " + p);
        }
      }
    }
  }

  @Test
  void scalarAndVectorPathsAgree() {
    List<RowOps> paths = paths();
    assumeTrue(paths.size() == 2, "no vector rows on this JVM");
    SplittableRandom r = new SplittableRandom(17);
    double[] g = Images.gaussian(11, 1.5);
    SsimKernel a = new SsimKernel(37, 41, g, 1e-4, 9e-4, true, paths.get(0));
    SsimKernel b = new SsimKernel(37, 41, g, 1e-4, 9e-4, true, paths.get(1));
    fill(a, r, 100.0);
    System.arraycopy(a.x, 0, b.x, 0, a.x.length);
    System.arraycopy(a.y, 0, b.y, 0, a.y.length);
    assertEquals(a.forward(true), b.forward(true), 1e-12 * a.count());
    double[] ga = new double[37 * 41];
    double[] gb = new double[37 * 41];
    a.backward(1.0, ga);
    b.backward(1.0, gb);
    assertArrayEquals(ga, gb, 1e-12);
  }

  @Test
  void ssimSplitAcrossThreadsIsBitIdentical() {
    SsimLoss loss = (SsimLoss) Catalog.builtin().get("ssim").create(Map.of());
    // Odd sizes, more planes than threads; the kernel cache is reused from the first call on.
    Tensor[] in = Images.noisyPair(new SplittableRandom(19), 1, 3, 3, 37, 29);
    assertSplitIsBitIdentical(
        (v, g, parallel) -> loss.compute(in, v, g, 0.5, parallel), in[0].size(), 3);
  }

  @Test
  void msSsimSplitAcrossThreadsIsBitIdentical() {
    MsSsimLoss loss = (MsSsimLoss) Catalog.builtin().get("ms-ssim").create(Map.of());
    Tensor[] in = Images.noisyPair(new SplittableRandom(23), 1, 2, 2, 163, 161);
    assertSplitIsBitIdentical(
        (v, g, parallel) -> loss.compute(in, v, g, 0.5, parallel), in[0].size(), 2);
  }

  @Test
  void scratchIsRemadeWhenTheImageSizeChanges() {
    Tensor[] small = Images.noisyPair(new SplittableRandom(29), 1, 1, 2, 12, 14);
    Tensor[] large = Images.noisyPair(new SplittableRandom(31), 1, 2, 1, 21, 16);
    Loss reused = Catalog.builtin().get("ssim").create(Map.of());
    Loss fresh = Catalog.builtin().get("ssim").create(Map.of());
    reused.evaluate(Reduction.SUM, small);
    assertArrayEquals(
        fresh.evaluate(Reduction.NONE, large).grad(0).data(),
        reused.evaluate(Reduction.NONE, large).grad(0).data());
  }

  private interface Call {
    double run(float[] values, float[][] grads, Boolean parallel);
  }

  private static void assertSplitIsBitIdentical(Call call, int size, int n) {
    float[] v1 = new float[n];
    float[] g1 = new float[size];
    float[] v2 = new float[n];
    float[] g2 = new float[size];
    double serial = call.run(v1, new float[][] {g1}, false);
    double split = call.run(v2, new float[][] {g2}, true);
    assertEquals(serial, split, 0.0);
    assertArrayEquals(v1, v2);
    assertArrayEquals(g1, g2);
  }

  private static void fill(SsimKernel k, SplittableRandom r, double offset) {
    for (int i = 0; i < k.x.length; i++) {
      k.y[i] = offset + r.nextDouble();
      k.x[i] = k.y[i] + 0.2 * (r.nextDouble() - 0.5);
    }
  }

  private static double[] random(SplittableRandom r, int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextDouble() - 0.5;
    }
    return a;
  }
}

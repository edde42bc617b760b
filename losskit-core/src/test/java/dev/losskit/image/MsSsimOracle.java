package dev.losskit.image;

import dev.losskit.Params;
import dev.losskit.testing.OracleInputs;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The MS-SSIM definition, naively: a pyramid of 2x2 means (an odd last row or column averaged on
 * its own), 2-D window sums of the five moments at every valid position of every scale, mean cs
 * terms at the finer scales and the mean SSIM at the last, relu, powers, product, mean over
 * channels.
 *
 * <p>Central differences move one prediction element at a time, and a full evaluation of a 161 x
 * 161 image costs millions of operations, so the oracle keeps the moments of its last full
 * evaluation: when the new prediction differs from that one in at most four elements (and the
 * target not at all), the moments of the window positions covering those elements, and of the
 * pooled pixels above them at each scale, are updated by their exact change (the moments are linear
 * in the pixel, and quadratic in x^2), the changes of the terms of those positions are computed
 * from the changes of their moments (which keeps their precision for the tiny steps of central
 * differences), and everything else is reused. {@link MsSsimLossTest} checks this path against full
 * evaluations.
 */
final class MsSsimOracle {
  private Params key;
  private double[] baseX;
  private double[] baseY;
  private int[] shape;
  // [image * channels + channel][scale] -> per-scale state
  private Level[][] levels;
  private double[] g;
  private double c1;
  private double c2;
  private double[] w;
  private int win;

  /** Number of full evaluations, for the test of the shortcut. */
  int fullEvaluations;

  private static final class Level {
    int h;
    int wd;
    double[] x;
    double[] y;
    double[] mx;
    double[] my;
    double[] exx;
    double[] eyy;
    double[] exy;
    double[] term;
    double sum;
  }

  double[] values(OracleInputs in, Params p) {
    double[] x = in.get(0);
    double[] y = in.get(1);
    int[] s = in.shape(0);
    if (p != key || !Arrays.equals(s, shape) || !Arrays.equals(y, baseY)) {
      return full(x, y, s, p);
    }
    // The elements that differ from the base, if they are few.
    int[] changed = new int[MAX_CHANGES];
    int count = 0;
    int from = 0;
    while (from < x.length) {
      int i = Arrays.mismatch(x, from, x.length, baseX, from, x.length);
      if (i < 0) {
        break;
      }
      if (count == MAX_CHANGES) {
        return full(x, y, s, p);
      }
      changed[count++] = from + i;
      from += i + 1;
    }
    return incremental(x, Arrays.copyOf(changed, count));
  }

  private static final int MAX_CHANGES = 4;

  private double[] full(double[] x, double[] y, int[] s, Params p) {
    fullEvaluations++;
    key = p;
    shape = s.clone();
    baseX = x.clone();
    baseY = y.clone();
    w = p.reals("weights");
    win = (int) p.integer("window");
    g = SsimMath.gaussian(win, p.real("sigma"));
    double range = p.real("data-range");
    c1 = Math.pow(0.01 * range, 2);
    c2 = Math.pow(0.03 * range, 2);
    int n = s[0];
    int channels = s[1];
    int h = s[2];
    int wd = s[3];
    levels = new Level[n * channels][w.length];
    for (int ic = 0; ic < n * channels; ic++) {
      double[] px = Arrays.copyOfRange(x, ic * h * wd, (ic + 1) * h * wd);
      double[] py = Arrays.copyOfRange(y, ic * h * wd, (ic + 1) * h * wd);
      int hs = h;
      int ws = wd;
      for (int j = 0; j < w.length; j++) {
        if (j > 0) {
          px = SsimMath.pool(px, hs, ws);
          py = SsimMath.pool(py, hs, ws);
          hs = (hs + 1) / 2;
          ws = (ws + 1) / 2;
        }
        levels[ic][j] = level(px, py, hs, ws, j == w.length - 1);
      }
    }
    return perImage(null);
  }

  private Level level(double[] x, double[] y, int h, int wd, boolean lum) {
    Level l = new Level();
    l.h = h;
    l.wd = wd;
    l.x = x;
    l.y = y;
    int hv = h - win + 1;
    int wv = wd - win + 1;
    l.mx = new double[hv * wv];
    l.my = new double[hv * wv];
    l.exx = new double[hv * wv];
    l.eyy = new double[hv * wv];
    l.exy = new double[hv * wv];
    l.term = new double[hv * wv];
    for (int a = 0; a < hv; a++) {
      for (int b = 0; b < wv; b++) {
        int o = a * wv + b;
        for (int u = 0; u < win; u++) {
          for (int v = 0; v < win; v++) {
            double wt = g[u] * g[v];
            double xv = x[(a + u) * wd + b + v];
            double yv = y[(a + u) * wd + b + v];
            l.mx[o] += wt * xv;
            l.my[o] += wt * yv;
            l.exx[o] += wt * xv * xv;
            l.eyy[o] += wt * yv * yv;
            l.exy[o] += wt * xv * yv;
          }
        }
        l.term[o] = SsimMath.term(l.mx[o], l.my[o], l.exx[o], l.eyy[o], l.exy[o], c1, c2, lum);
        l.sum += l.term[o];
      }
    }
    return l;
  }

  /** The base values with the sums of each image-channel and scale shifted by deltas (or none). */
  private double[] perImage(double[][] deltas) {
    int n = shape[0];
    int channels = shape[1];
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int c = 0; c < channels; c++) {
        int ic = i * channels + c;
        double ms = 1;
        for (int j = 0; j < w.length; j++) {
          Level l = levels[ic][j];
          double t = l.sum / l.term.length + (deltas == null ? 0 : deltas[ic][j] / l.term.length);
          ms *= Math.pow(Math.max(t, 0), w[j]);
        }
        s += ms;
      }
      out[i] = 1 - s / channels;
    }
    return out;
  }

  /** The values with the elements {@code changed} of x moved from the base to their new values. */
  private double[] incremental(double[] x, int[] changed) {
    int h = shape[2];
    int wd = shape[3];
    int planes = levels.length;
    double[][] deltas = new double[planes][w.length];
    for (int ic = 0; ic < planes; ic++) {
      // Pixel deltas of this image-channel at the current scale: index -> delta.
      Map<Integer, Double> pixels = new HashMap<>();
      for (int index : changed) {
        if (index / (h * wd) == ic) {
          pixels.merge(index % (h * wd), x[index] - baseX[index], Double::sum);
        }
      }
      if (pixels.isEmpty()) {
        continue;
      }
      for (int s = 0; s < w.length; s++) {
        Level l = levels[ic][s];
        if (s > 0) {
          Level f = levels[ic][s - 1];
          Map<Integer, Double> up = new HashMap<>();
          for (Map.Entry<Integer, Double> e : pixels.entrySet()) {
            int i = e.getKey() / f.wd;
            int j = e.getKey() % f.wd;
            int rows = Math.min(2 * (i / 2) + 2, f.h) - 2 * (i / 2);
            int cols = Math.min(2 * (j / 2) + 2, f.wd) - 2 * (j / 2);
            up.merge((i / 2) * l.wd + j / 2, e.getValue() / (rows * cols), Double::sum);
          }
          pixels = up;
        }
        int hv = l.h - win + 1;
        int wv = l.wd - win + 1;
        // Moment changes of every window position covering a moved pixel: mu_x, E[x^2], E[xy].
        Map<Integer, double[]> moments = new HashMap<>();
        for (Map.Entry<Integer, Double> e : pixels.entrySet()) {
          int i = e.getKey() / l.wd;
          int j = e.getKey() % l.wd;
          double d = e.getValue();
          double xb = l.x[e.getKey()];
          double yb = l.y[e.getKey()];
          for (int a = Math.max(0, i - win + 1); a <= Math.min(i, hv - 1); a++) {
            for (int b = Math.max(0, j - win + 1); b <= Math.min(j, wv - 1); b++) {
              double wt = g[i - a] * g[j - b];
              double[] m = moments.computeIfAbsent(a * wv + b, k -> new double[3]);
              m[0] += wt * d;
              m[1] += wt * d * (2 * xb + d);
              m[2] += wt * d * yb;
            }
          }
        }
        boolean lum = s == w.length - 1;
        double change = 0;
        for (Map.Entry<Integer, double[]> e : moments.entrySet()) {
          int o = e.getKey();
          double[] m = e.getValue();
          change +=
              SsimMath.termChange(
                  l.mx[o], l.my[o], l.exx[o], l.eyy[o], l.exy[o], m[0], m[1], m[2], c1, c2, lum);
        }
        deltas[ic][s] = change;
      }
    }
    return perImage(deltas);
  }
}

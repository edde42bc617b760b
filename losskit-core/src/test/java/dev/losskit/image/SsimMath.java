package dev.losskit.image;

/** Naive SSIM arithmetic for the oracles, written from the definitions (2-D window sums). */
final class SsimMath {
  private SsimMath() {}

  static double[] gaussian(int win, double sigma) {
    double[] g = new double[win];
    double s = 0;
    for (int k = 0; k < win; k++) {
      double d = k - (win - 1) / 2.0;
      g[k] = Math.exp(-d * d / (2 * sigma * sigma));
      s += g[k];
    }
    for (int k = 0; k < win; k++) {
      g[k] /= s;
    }
    return g;
  }

  /** The SSIM (luminance true) or cs term at one window position from its five moments. */
  static double term(
      double mx, double my, double exx, double eyy, double exy, double c1, double c2, boolean lum) {
    double vx = exx - mx * mx;
    double vy = eyy - my * my;
    double vxy = exy - mx * my;
    double cs = (2 * vxy + c2) / (vx + vy + c2);
    return lum ? cs * (2 * mx * my + c1) / (mx * mx + my * my + c1) : cs;
  }

  /**
   * The change of {@link #term} when the moments of x change by {@code dmx}, {@code dexx} and
   * {@code dexy}, computed from the changes themselves (not as a difference of two terms), so that
   * it keeps its relative precision however small the changes are.
   */
  static double termChange(
      double mx,
      double my,
      double exx,
      double eyy,
      double exy,
      double dmx,
      double dexx,
      double dexy,
      double c1,
      double c2,
      boolean lum) {
    double vx = exx - mx * mx;
    double vy = eyy - my * my;
    double vxy = exy - mx * my;
    double dvx = dexx - dmx * (2 * mx + dmx);
    double dvxy = dexy - dmx * my;
    double a2 = 2 * vxy + c2;
    double b2 = vx + vy + c2;
    double cs = a2 / b2;
    double dcs = (2 * dvxy * b2 - a2 * dvx) / (b2 * (b2 + dvx));
    if (!lum) {
      return dcs;
    }
    double a1 = 2 * mx * my + c1;
    double b1 = mx * mx + my * my + c1;
    double da1 = 2 * dmx * my;
    double db1 = dmx * (2 * mx + dmx);
    double dl = (da1 * b1 - a1 * db1) / (b1 * (b1 + db1));
    return dl * (cs + dcs) + (a1 / b1) * dcs;
  }

  /** Sum of the term over the valid positions of one channel {@code (h, w)}. */
  static double mapSum(
      double[] x, double[] y, int h, int w, double[] g, double c1, double c2, boolean lum) {
    int win = g.length;
    double sum = 0;
    for (int a = 0; a + win <= h; a++) {
      for (int b = 0; b + win <= w; b++) {
        double mx = 0;
        double my = 0;
        double exx = 0;
        double eyy = 0;
        double exy = 0;
        for (int u = 0; u < win; u++) {
          for (int v = 0; v < win; v++) {
            double wt = g[u] * g[v];
            double xv = x[(a + u) * w + b + v];
            double yv = y[(a + u) * w + b + v];
            mx += wt * xv;
            my += wt * yv;
            exx += wt * xv * xv;
            eyy += wt * yv * yv;
            exy += wt * xv * yv;
          }
        }
        sum += term(mx, my, exx, eyy, exy, c1, c2, lum);
      }
    }
    return sum;
  }

  /** 2x2 mean pooling; an odd last row or column is averaged on its own. */
  static double[] pool(double[] x, int h, int w) {
    int ho = (h + 1) / 2;
    int wo = (w + 1) / 2;
    double[] out = new double[ho * wo];
    for (int a = 0; a < ho; a++) {
      for (int b = 0; b < wo; b++) {
        double s = 0;
        int cnt = 0;
        for (int i = 2 * a; i < Math.min(2 * a + 2, h); i++) {
          for (int j = 2 * b; j < Math.min(2 * b + 2, w); j++) {
            s += x[i * w + j];
            cnt++;
          }
        }
        out[a * wo + b] = s / cnt;
      }
    }
    return out;
  }

  /** One channel {@code c} of an image {@code (C, H, W)}. */
  static double[] channel(double[] image, int c, int h, int w) {
    return java.util.Arrays.copyOfRange(image, c * h * w, (c + 1) * h * w);
  }
}

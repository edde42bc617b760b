package dev.losskit.image;

import java.util.Arrays;

/**
 * SSIM (or its contrast-structure part) of one channel of one image pair over the valid region of a
 * separable window, and the exact backward pass; the shared kernel of {@code ssim} and {@code
 * ms-ssim}.
 *
 * <pre>{@code
 * mu_x = sum_k w_k x_k, sigma_x^2 = sum_k w_k x_k^2 - mu_x^2, sigma_xy = sum_k w_k x_k y_k - mu_x mu_y
 * A1 = 2 mu_x mu_y + C1, B1 = mu_x^2 + mu_y^2 + C1, A2 = 2 sigma_xy + C2, B2 = sigma_x^2 + sigma_y^2 + C2
 * ssim = A1 A2 / (B1 B2),  cs = A2 / B2
 * dT/dx_p = sum over window positions q of w(p - q) (alpha_q + 2 x~_p beta_q + y~_p gamma_q)
 * beta = dT/dsigma_x^2, gamma = dT/dsigma_xy, alpha = dT/dmu_x - 2 mu~_x beta - mu~_y gamma
 * }</pre>
 *
 * <p>Moments are taken of the values minus the channel mean ({@code x~}), which leaves the
 * variances and the covariance unchanged but keeps them accurate for images far from zero;
 * variances below 0 from rounding count as 0, so that {@code B2 >= C2 > 0}. Filtering is separable
 * (a horizontal then a vertical pass of the 1-D weights over the five moment maps), and the
 * backward pass is the transposed filter (the vertical then the horizontal adjoint, in scatter
 * form). Every tap of every pass is one {@link RowOps#axpy} over a contiguous row, so the passes
 * run in SIMD lanes. The buffers are sized once for an image size and reused for every channel,
 * image and call; an instance is not shared between threads.
 */
final class SsimKernel {
  final int h;
  final int w;
  final int hv;
  final int wv;
  private final double[] g;
  private final int win;
  private final double c1;
  private final double c2;
  private final boolean luminance;
  private final RowOps ops;

  /** The raw values of the current channel pair (callers may write here, then call forward). */
  final double[] x;

  final double[] y;
  private final double[] xs;
  private final double[] ys;
  // One row of the centred products x~^2, y~^2, x~ y~.
  private final double[] pxx;
  private final double[] pyy;
  private final double[] pxy;
  // Horizontally filtered moment maps (h, wv): x~, y~, x~^2, y~^2, x~ y~.
  private final double[][] hm;
  // One row (wv) of the fully filtered moments.
  private final double[][] vm;
  private final double[] alpha;
  private final double[] beta;
  private final double[] gamma;
  // Vertical adjoint of alpha, beta, gamma (h, wv), and one row (w) of the horizontal adjoint.
  private final double[][] col;
  private final double[][] row;

  /**
   * @param luminance true for SSIM, false for the contrast-structure term cs
   */
  SsimKernel(int h, int w, double[] g, double c1, double c2, boolean luminance) {
    this(h, w, g, c1, c2, luminance, RowOps.selected());
  }

  /** With the given row operations (the tests compare the scalar and the vector ones). */
  SsimKernel(int h, int w, double[] g, double c1, double c2, boolean luminance, RowOps ops) {
    this.h = h;
    this.w = w;
    this.g = g;
    this.win = g.length;
    this.hv = h - win + 1;
    this.wv = w - win + 1;
    this.c1 = c1;
    this.c2 = c2;
    this.luminance = luminance;
    this.ops = ops;
    this.x = new double[h * w];
    this.y = new double[h * w];
    this.xs = new double[h * w];
    this.ys = new double[h * w];
    this.pxx = new double[w];
    this.pyy = new double[w];
    this.pxy = new double[w];
    this.hm = new double[5][h * wv];
    this.vm = new double[5][wv];
    this.alpha = new double[hv * wv];
    this.beta = new double[hv * wv];
    this.gamma = new double[hv * wv];
    this.col = new double[3][h * wv];
    this.row = new double[3][w];
  }

  /** Whether this kernel serves images of {@code h x w}. */
  boolean fits(int h, int w) {
    return this.h == h && this.w == w;
  }

  /** Number of valid window positions. */
  int count() {
    return hv * wv;
  }

  /** Copies one channel of each image, {@code h * w} values from the offsets. */
  void load(float[] px, float[] py, int offset) {
    for (int i = 0; i < x.length; i++) {
      x[i] = px[offset + i];
      y[i] = py[offset + i];
    }
  }

  /**
   * Sum of the SSIM (or cs) map over the valid positions; with {@code partials}, keeps what {@link
   * #backward} needs.
   */
  double forward(boolean partials) {
    int n = x.length;
    double mx = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mx += x[i];
      my += y[i];
    }
    mx /= n;
    my /= n;
    for (int i = 0; i < n; i++) {
      xs[i] = x[i] - mx;
      ys[i] = y[i] - my;
    }
    // Horizontal pass: row r of each moment map, one tap at a time.
    for (int r = 0; r < h; r++) {
      int base = r * w;
      for (int j = 0; j < w; j++) {
        double a = xs[base + j];
        double c = ys[base + j];
        pxx[j] = a * a;
        pyy[j] = c * c;
        pxy[j] = a * c;
      }
      int o = r * wv;
      for (double[] m : hm) {
        Arrays.fill(m, o, o + wv, 0);
      }
      for (int k = 0; k < win; k++) {
        double gk = g[k];
        ops.axpy(gk, xs, base + k, hm[0], o, wv);
        ops.axpy(gk, ys, base + k, hm[1], o, wv);
        ops.axpy(gk, pxx, k, hm[2], o, wv);
        ops.axpy(gk, pyy, k, hm[3], o, wv);
        ops.axpy(gk, pxy, k, hm[4], o, wv);
      }
    }
    double sum = 0;
    for (int a = 0; a < hv; a++) {
      // Vertical pass into one output row, then the map on that row.
      for (int m = 0; m < 5; m++) {
        double[] v = vm[m];
        Arrays.fill(v, 0);
        for (int k = 0; k < win; k++) {
          ops.axpy(g[k], hm[m], (a + k) * wv, v, 0, wv);
        }
      }
      sum += map(a, partials, mx, my);
    }
    return sum;
  }

  /** The SSIM (or cs) map on output row {@code a} from {@link #vm}; its sum. */
  private double map(int a, boolean partials, double mx, double my) {
    double[] m0 = vm[0];
    double[] m1 = vm[1];
    double[] m2 = vm[2];
    double[] m3 = vm[3];
    double[] m4 = vm[4];
    double sum = 0;
    for (int b = 0; b < wv; b++) {
      double s0 = m0[b];
      double s1 = m1[b];
      double vx = Math.max(0, m2[b] - s0 * s0);
      double vy = Math.max(0, m3[b] - s1 * s1);
      double vxy = m4[b] - s0 * s1;
      double a2 = 2 * vxy + c2;
      double b2 = vx + vy + c2;
      double t;
      double dmu;
      double dxy;
      if (luminance) {
        double ux = s0 + mx;
        double uy = s1 + my;
        double a1 = 2 * ux * uy + c1;
        double b1 = ux * ux + uy * uy + c1;
        double d = b1 * b2;
        t = a1 * a2 / d;
        dmu = 2 * uy * a2 / d - t * 2 * ux / b1;
        dxy = 2 * a1 / d;
      } else {
        t = a2 / b2;
        dmu = 0;
        dxy = 2 / b2;
      }
      sum += t;
      if (partials) {
        int o = a * wv + b;
        double dv = -t / b2;
        beta[o] = dv;
        gamma[o] = dxy;
        alpha[o] = dmu - 2 * s0 * dv - s1 * dxy;
      }
    }
    return sum;
  }

  /**
   * Adds {@code coef} times the gradient of the map's sum with respect to x (the last {@link
   * #forward} with partials) to {@code grad} ({@code h * w}).
   */
  void backward(double coef, double[] grad) {
    verticalAdjoint();
    for (int r = 0; r < h; r++) {
      horizontalAdjoint(r);
      int base = r * w;
      for (int j = 0; j < w; j++) {
        int p = base + j;
        grad[p] += coef * (row[0][j] + 2 * xs[p] * row[1][j] + ys[p] * row[2][j]);
      }
    }
  }

  /**
   * Writes {@code coef} times the gradient of the map's sum with respect to x (the last {@link
   * #forward} with partials) to {@code out[offset ..]} ({@code h * w} values).
   */
  void backward(double coef, float[] out, int offset) {
    verticalAdjoint();
    for (int r = 0; r < h; r++) {
      horizontalAdjoint(r);
      int base = r * w;
      for (int j = 0; j < w; j++) {
        int p = base + j;
        out[offset + p] = (float) (coef * (row[0][j] + 2 * xs[p] * row[1][j] + ys[p] * row[2][j]));
      }
    }
  }

  /** col[r] = sum over valid rows a with 0 <= r - a < win of g[r - a] (alpha, beta, gamma)[a]. */
  private void verticalAdjoint() {
    for (double[] c : col) {
      Arrays.fill(c, 0);
    }
    for (int a = 0; a < hv; a++) {
      int o = a * wv;
      for (int k = 0; k < win; k++) {
        double gk = g[k];
        int t = (a + k) * wv;
        ops.axpy(gk, alpha, o, col[0], t, wv);
        ops.axpy(gk, beta, o, col[1], t, wv);
        ops.axpy(gk, gamma, o, col[2], t, wv);
      }
    }
  }

  /** row[j] = sum over valid columns b with 0 <= j - b < win of g[j - b] col[r, b]. */
  private void horizontalAdjoint(int r) {
    int o = r * wv;
    for (int m = 0; m < 3; m++) {
      double[] out = row[m];
      Arrays.fill(out, 0);
      for (int k = 0; k < win; k++) {
        ops.axpy(g[k], col[m], o, out, k, wv);
      }
    }
  }
}

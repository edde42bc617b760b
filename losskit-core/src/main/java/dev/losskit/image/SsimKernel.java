package dev.losskit.image;

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
 * backward pass is the transposed filter (the vertical then the horizontal adjoint, the reversed
 * weights over alpha, beta, gamma between zero borders, one image row at a time). Every pass is a
 * {@link RowOps} call over a contiguous row, so it runs in SIMD lanes. The buffers are sized once
 * for an image size and reused for every channel, image and call; an instance is not shared between
 * threads.
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
  // The weights reversed: the taps of the transposed filter.
  private final double[] gr;
  // win - 1: the zero border that lets the transposed filter use every tap at the edges too.
  private final int pad;
  // Horizontally filtered moment maps (h, wv): x~, y~, x~^2, y~^2, x~ y~.
  private final double[][] hm;
  // One row (wv) of the fully filtered moments.
  private final double[][] vm;
  // alpha, beta, gamma (hv, wv) between pad zero rows above and below.
  private final double[][] abg;
  // One row of their vertical adjoint (wv) between pad zeros left and right, and one row (w) of
  // the horizontal adjoint after it.
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
    this.gr = new double[win];
    for (int k = 0; k < win; k++) {
      gr[k] = g[win - 1 - k];
    }
    this.pad = win - 1;
    this.hm = new double[5][h * wv];
    this.vm = new double[5][wv];
    this.abg = new double[3][(hv + 2 * pad) * wv];
    this.col = new double[3][wv + 2 * pad];
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
    for (int r = 0; r < h; r++) {
      ops.moments(g, xs, ys, r * w, hm, r * wv, wv);
    }
    double sum = 0;
    for (int a = 0; a < hv; a++) {
      // Vertical pass into one output row, then the map on that row.
      for (int m = 0; m < 5; m++) {
        ops.filter(g, hm[m], a * wv, wv, vm[m], 0, wv);
      }
      sum += map(a, partials, mx, my);
    }
    return sum;
  }

  /** The SSIM (or cs) map on output row {@code a} from {@link #vm}; its sum. */
  private double map(int a, boolean partials, double mx, double my) {
    return ops.map(vm, wv, mx, my, c1, c2, luminance, partials ? abg : null, (a + pad) * wv);
  }

  /**
   * Adds {@code coef} times the gradient of the map's sum with respect to x (the last {@link
   * #forward} with partials) to {@code grad} ({@code h * w}).
   */
  void backward(double coef, double[] grad) {
    for (int r = 0; r < h; r++) {
      adjoint(r);
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
    for (int r = 0; r < h; r++) {
      adjoint(r);
      int base = r * w;
      for (int j = 0; j < w; j++) {
        int p = base + j;
        out[offset + p] = (float) (coef * (row[0][j] + 2 * xs[p] * row[1][j] + ys[p] * row[2][j]));
      }
    }
  }

  /**
   * The transposed filter of alpha, beta, gamma at image row {@code r}, into {@link #row}: the
   * vertical adjoint {@code col[b] = sum_a g[r - a] abg[a, b]}, then the horizontal one {@code
   * row[j] = sum_b g[j - b] col[b]}, both over the valid a and b only, which the zero borders give.
   */
  private void adjoint(int r) {
    for (int m = 0; m < 3; m++) {
      ops.filter(gr, abg[m], r * wv, wv, col[m], pad, wv);
      ops.filter(gr, col[m], 0, 1, row[m], 0, w);
    }
  }
}

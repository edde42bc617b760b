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
 * (a horizontal then a vertical pass of the 1-D weights), and the backward pass applies the two
 * adjoint passes in gather form. The buffers are sized once for an image size and reused for every
 * channel and image of a call; an instance is not shared between threads.
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

  /** The raw values of the current channel pair (callers may write here, then call forward). */
  final double[] x;

  final double[] y;
  private final double[] xs;
  private final double[] ys;
  private final double[] hx;
  private final double[] alpha;
  private final double[] beta;
  private final double[] gamma;
  private final double[] col;

  /**
   * @param luminance true for SSIM, false for the contrast-structure term cs
   */
  SsimKernel(int h, int w, double[] g, double c1, double c2, boolean luminance) {
    this.h = h;
    this.w = w;
    this.g = g;
    this.win = g.length;
    this.hv = h - win + 1;
    this.wv = w - win + 1;
    this.c1 = c1;
    this.c2 = c2;
    this.luminance = luminance;
    this.x = new double[h * w];
    this.y = new double[h * w];
    this.xs = new double[h * w];
    this.ys = new double[h * w];
    this.hx = new double[5 * h * wv];
    this.alpha = new double[hv * wv];
    this.beta = new double[hv * wv];
    this.gamma = new double[hv * wv];
    this.col = new double[3 * h * wv];
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
    int plane = h * wv;
    for (int r = 0; r < h; r++) {
      for (int b = 0; b < wv; b++) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        int base = r * w + b;
        for (int k = 0; k < win; k++) {
          double gk = g[k];
          double a = xs[base + k];
          double c = ys[base + k];
          s0 += gk * a;
          s1 += gk * c;
          s2 += gk * a * a;
          s3 += gk * c * c;
          s4 += gk * a * c;
        }
        int o = r * wv + b;
        hx[o] = s0;
        hx[plane + o] = s1;
        hx[2 * plane + o] = s2;
        hx[3 * plane + o] = s3;
        hx[4 * plane + o] = s4;
      }
    }
    double sum = 0;
    for (int a = 0; a < hv; a++) {
      for (int b = 0; b < wv; b++) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        for (int k = 0; k < win; k++) {
          double gk = g[k];
          int o = (a + k) * wv + b;
          s0 += gk * hx[o];
          s1 += gk * hx[plane + o];
          s2 += gk * hx[2 * plane + o];
          s3 += gk * hx[3 * plane + o];
          s4 += gk * hx[4 * plane + o];
        }
        double vx = Math.max(0, s2 - s0 * s0);
        double vy = Math.max(0, s3 - s1 * s1);
        double vxy = s4 - s0 * s1;
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
    }
    return sum;
  }

  /**
   * Adds {@code coef} times the gradient of the map's sum with respect to x (the last {@link
   * #forward} with partials) to {@code grad} ({@code h * w}).
   */
  void backward(double coef, double[] grad) {
    int plane = h * wv;
    // Adjoint of the vertical pass: col[r, b] = sum over a with a <= r <= a + win - 1.
    for (int r = 0; r < h; r++) {
      int lo = Math.max(0, r - win + 1);
      int hi = Math.min(r, hv - 1);
      for (int b = 0; b < wv; b++) {
        double sa = 0;
        double sb = 0;
        double sg = 0;
        for (int a = lo; a <= hi; a++) {
          double gk = g[r - a];
          int o = a * wv + b;
          sa += gk * alpha[o];
          sb += gk * beta[o];
          sg += gk * gamma[o];
        }
        int o = r * wv + b;
        col[o] = sa;
        col[plane + o] = sb;
        col[2 * plane + o] = sg;
      }
    }
    // Adjoint of the horizontal pass, then the per-pixel chain rule.
    for (int r = 0; r < h; r++) {
      for (int j = 0; j < w; j++) {
        int lo = Math.max(0, j - win + 1);
        int hi = Math.min(j, wv - 1);
        double sa = 0;
        double sb = 0;
        double sg = 0;
        for (int b = lo; b <= hi; b++) {
          double gk = g[j - b];
          int o = r * wv + b;
          sa += gk * col[o];
          sb += gk * col[plane + o];
          sg += gk * col[2 * plane + o];
        }
        int p = r * w + j;
        grad[p] += coef * (sa + 2 * xs[p] * sb + ys[p] * sg);
      }
    }
  }
}

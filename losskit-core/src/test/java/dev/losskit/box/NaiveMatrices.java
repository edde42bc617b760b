package dev.losskit.box;

/** Plain dense linear algebra for the oracles: products, inverses, square roots. */
final class NaiveMatrices {
  private NaiveMatrices() {}

  /** The symmetric part of the d x d matrix at offset o of a. */
  static double[][] symmetric(double[] a, int o, int d) {
    double[][] s = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        s[i][j] = (a[o + i * d + j] + a[o + j * d + i]) / 2;
      }
    }
    return s;
  }

  static double[][] multiply(double[][] a, double[][] b) {
    int d = a.length;
    double[][] c = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        for (int k = 0; k < d; k++) {
          c[i][j] += a[i][k] * b[k][j];
        }
      }
    }
    return c;
  }

  static double trace(double[][] a) {
    double t = 0;
    for (int i = 0; i < a.length; i++) {
      t += a[i][i];
    }
    return t;
  }

  /** a + c I. */
  static double[][] shifted(double[][] a, double c) {
    double[][] b = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      b[i] = a[i].clone();
      b[i][i] += c;
    }
    return b;
  }

  /** The inverse by Gauss-Jordan elimination with partial pivoting. */
  static double[][] inverse(double[][] a) {
    int d = a.length;
    double[][] m = new double[d][2 * d];
    for (int i = 0; i < d; i++) {
      System.arraycopy(a[i], 0, m[i], 0, d);
      m[i][d + i] = 1;
    }
    for (int c = 0; c < d; c++) {
      int pivot = c;
      for (int r = c + 1; r < d; r++) {
        if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) {
          pivot = r;
        }
      }
      double[] tmp = m[c];
      m[c] = m[pivot];
      m[pivot] = tmp;
      double p = m[c][c];
      for (int k = 0; k < 2 * d; k++) {
        m[c][k] /= p;
      }
      for (int r = 0; r < d; r++) {
        if (r != c) {
          double f = m[r][c];
          for (int k = 0; k < 2 * d; k++) {
            m[r][k] -= f * m[c][k];
          }
        }
      }
    }
    double[][] inv = new double[d][d];
    for (int i = 0; i < d; i++) {
      System.arraycopy(m[i], d, inv[i], 0, d);
    }
    return inv;
  }

  /**
   * The principal square root of a symmetric positive definite matrix by the Denman-Beavers
   * iteration Y <- (Y + Z^-1) / 2, Z <- (Z + Y^-1) / 2 from Y = A, Z = I.
   */
  static double[][] sqrt(double[][] a) {
    int d = a.length;
    double[][] y = new double[d][];
    double[][] z = new double[d][d];
    for (int i = 0; i < d; i++) {
      y[i] = a[i].clone();
      z[i][i] = 1;
    }
    for (int it = 0; it < 100; it++) {
      double[][] yi = inverse(y);
      double[][] zi = inverse(z);
      double change = 0;
      double size = 0;
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          double ny = (y[i][j] + zi[i][j]) / 2;
          change = Math.max(change, Math.abs(ny - y[i][j]));
          size = Math.max(size, Math.abs(ny));
          y[i][j] = ny;
          z[i][j] = (z[i][j] + yi[i][j]) / 2;
        }
      }
      if (change <= 1e-16 * size) {
        break;
      }
    }
    return y;
  }
}

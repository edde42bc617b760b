package dev.losskit.box;

/**
 * Eigen-decomposition of small symmetric matrices by cyclic Jacobi rotations, in double, with
 * caller-owned arrays: accurate to a few units of rounding relative to the matrix norm for every
 * eigenvalue, including repeated ones.
 */
final class SymmetricEigen {
  private static final int MAX_SWEEPS = 60;

  private SymmetricEigen() {}

  /**
   * Decomposes the symmetric {@code d x d} matrix {@code a} (row-major; overwritten) as {@code V
   * diag(values) V^T}.
   *
   * @param values receives the eigenvalues (length d), in no particular order
   * @param v receives the orthonormal eigenvectors as columns (row-major, d x d)
   */
  static void decompose(double[] a, int d, double[] values, double[] v) {
    for (int i = 0; i < d * d; i++) {
      v[i] = 0;
    }
    for (int i = 0; i < d; i++) {
      v[i * d + i] = 1;
    }
    for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      double off = 0;
      double diag = 0;
      for (int i = 0; i < d; i++) {
        diag += a[i * d + i] * a[i * d + i];
        for (int j = i + 1; j < d; j++) {
          off += a[i * d + j] * a[i * d + j];
        }
      }
      if (off == 0 || off <= 1e-30 * diag) {
        break;
      }
      for (int p = 0; p < d; p++) {
        for (int q = p + 1; q < d; q++) {
          double apq = a[p * d + q];
          if (apq == 0) {
            continue;
          }
          double theta = (a[q * d + q] - a[p * d + p]) / (2 * apq);
          double t;
          if (Math.abs(theta) > 1e150) {
            t = 0.5 / theta;
          } else {
            t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
            if (theta == 0) {
              t = 1;
            }
          }
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          for (int k = 0; k < d; k++) {
            double akp = a[k * d + p];
            double akq = a[k * d + q];
            a[k * d + p] = c * akp - s * akq;
            a[k * d + q] = s * akp + c * akq;
          }
          for (int k = 0; k < d; k++) {
            double apk = a[p * d + k];
            double aqk = a[q * d + k];
            a[p * d + k] = c * apk - s * aqk;
            a[q * d + k] = s * apk + c * aqk;
          }
          a[p * d + q] = 0;
          a[q * d + p] = 0;
          for (int k = 0; k < d; k++) {
            double vkp = v[k * d + p];
            double vkq = v[k * d + q];
            v[k * d + p] = c * vkp - s * vkq;
            v[k * d + q] = s * vkp + c * vkq;
          }
        }
      }
    }
    for (int i = 0; i < d; i++) {
      values[i] = a[i * d + i];
    }
  }
}

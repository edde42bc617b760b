package dev.losskit.metric;

/** Naive double-precision building blocks of the metric losses' oracles, straight from formulas. */
final class Naive {
  private Naive() {}

  /** |x_i| of row i of a row-major matrix with {@code dim} columns. */
  static double norm(double[] x, int i, int dim) {
    double s = 0;
    for (int d = 0; d < dim; d++) {
      s += x[i * dim + d] * x[i * dim + d];
    }
    return Math.sqrt(s);
  }

  /** <x_i, y_j> / (max(|x_i|, 1e-12) max(|y_j|, 1e-12)), as F.normalize then a dot product. */
  static double cos(double[] x, int i, double[] y, int j, int dim) {
    double s = 0;
    for (int d = 0; d < dim; d++) {
      s += x[i * dim + d] * y[j * dim + d];
    }
    return s / (Math.max(norm(x, i, dim), 1e-12) * Math.max(norm(y, j, dim), 1e-12));
  }

  /** The rows of x divided by max(|x_i|, 1e-12), as F.normalize(x, dim=1). */
  static double[] normalize(double[] x, int rows, int dim) {
    double[] out = new double[rows * dim];
    for (int i = 0; i < rows; i++) {
      double n = Math.max(norm(x, i, dim), 1e-12);
      for (int d = 0; d < dim; d++) {
        out[i * dim + d] = x[i * dim + d] / n;
      }
    }
    return out;
  }

  /** <x_i, y_j> of rows of row-major matrices. */
  static double dot(double[] x, int i, double[] y, int j, int dim) {
    double s = 0;
    for (int d = 0; d < dim; d++) {
      s += x[i * dim + d] * y[j * dim + d];
    }
    return s;
  }

  /** The Minkowski distance |x_i - y_j + eps|_p between rows. */
  static double distance(double[] x, int i, double[] y, int j, int dim, double p, double eps) {
    double s = 0;
    for (int d = 0; d < dim; d++) {
      s += Math.pow(Math.abs(x[i * dim + d] - y[j * dim + d] + eps), p);
    }
    return Math.pow(s, 1 / p);
  }

  /** log sum exp of the values, shifted by their maximum. */
  static double logSumExp(double[] z) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      m = Math.max(m, v);
    }
    double s = 0;
    for (double v : z) {
      s += Math.exp(v - m);
    }
    return m + Math.log(s);
  }
}

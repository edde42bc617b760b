package dev.losskit.metric;

/**
 * Cosine similarities between the rows of row-major embedding matrices, and their backward pass,
 * for the losses that score every pair of a batch.
 *
 * <p>Each embedding is normalized as {@code torch.nn.functional.normalize} does: {@code x /
 * max(|x|, EPS)}, so a zero-norm row has similarity 0 with everything and finite gradients.
 * Similarities are computed block by block (rows of one matrix against rows of the other, both
 * row-major, so that every inner product reads two contiguous rows), accumulated in double and
 * stored in the one float scratch matrix of the calling loss. Arrays named as inputs are not
 * modified; arrays named as outputs are overwritten.
 */
final class CosineMatrix {
  /** The norm clamp of {@code torch.nn.functional.normalize}. */
  static final double EPS = 1e-12;

  /** Rows (and columns) per cache block: 64 rows of dimension 256 fill 64 KiB. */
  private static final int BLOCK = 64;

  private CosineMatrix() {}

  /**
   * The Euclidean norm of each row of {@code x} ({@code rows} by {@code dim}, not modified), in a
   * new array; not clamped.
   */
  static double[] norms(float[] x, int rows, int dim) {
    double[] out = new double[rows];
    for (int i = 0; i < rows; i++) {
      double s = 0;
      for (int o = i * dim, end = o + dim; o < end; o++) {
        double v = x[o];
        s += v * v;
      }
      out[i] = Math.sqrt(s);
    }
    return out;
  }

  /**
   * Writes {@code cos(x_i, y_j)} into {@code s[(rowOff + i) * ld + colOff + j]} for every row
   * {@code i} of {@code x} and {@code j} of {@code y}.
   *
   * @param x {@code xRows} by {@code dim}, not modified
   * @param nx the norms of the rows of {@code x} (from {@link #norms}), not modified
   * @param y {@code yRows} by {@code dim}, not modified
   * @param ny the norms of the rows of {@code y}, not modified
   * @param s output, row-major with leading dimension {@code ld}; only the block is written
   */
  static void similarities(
      float[] x,
      double[] nx,
      int xRows,
      float[] y,
      double[] ny,
      int yRows,
      int dim,
      float[] s,
      int ld,
      int rowOff,
      int colOff) {
    for (int i0 = 0; i0 < xRows; i0 += BLOCK) {
      int i1 = Math.min(i0 + BLOCK, xRows);
      for (int j0 = 0; j0 < yRows; j0 += BLOCK) {
        int j1 = Math.min(j0 + BLOCK, yRows);
        for (int i = i0; i < i1; i++) {
          double ni = Math.max(nx[i], EPS);
          int out = (rowOff + i) * ld + colOff;
          int xo = i * dim;
          int j = j0;
          for (; j + 3 < j1; j += 4) {
            dot4(x, xo, y, j * dim, dim, ni, ny, j, s, out + j);
          }
          for (; j < j1; j++) {
            s[out + j] = (float) (dot(x, xo, y, j * dim, dim) / (ni * Math.max(ny[j], EPS)));
          }
        }
      }
    }
  }

  /**
   * As {@link #similarities} for {@code x} against itself, computing each pair once and mirroring
   * it: writes the whole {@code rows} by {@code rows} block, diagonal included.
   */
  static void selfSimilarities(
      float[] x, double[] nx, int rows, int dim, float[] s, int ld, int off) {
    for (int i0 = 0; i0 < rows; i0 += BLOCK) {
      int i1 = Math.min(i0 + BLOCK, rows);
      for (int j0 = i0; j0 < rows; j0 += BLOCK) {
        int j1 = Math.min(j0 + BLOCK, rows);
        for (int i = i0; i < i1; i++) {
          double ni = Math.max(nx[i], EPS);
          int out = (off + i) * ld + off;
          int xo = i * dim;
          int j = Math.max(j0, i);
          for (; j + 3 < j1; j += 4) {
            dot4(x, xo, x, j * dim, dim, ni, nx, j, s, out + j);
          }
          for (; j < j1; j++) {
            s[out + j] = (float) (dot(x, xo, x, j * dim, dim) / (ni * Math.max(nx[j], EPS)));
          }
          for (j = Math.max(j0, i + 1); j < j1; j++) {
            s[(off + j) * ld + off + i] = s[out + j];
          }
        }
      }
    }
  }

  /** The inner product of two rows, in double with four partial sums. */
  static double dot(float[] x, int xo, float[] y, int yo, int dim) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int d = 0;
    for (; d + 3 < dim; d += 4) {
      s0 += (double) x[xo + d] * y[yo + d];
      s1 += (double) x[xo + d + 1] * y[yo + d + 1];
      s2 += (double) x[xo + d + 2] * y[yo + d + 2];
      s3 += (double) x[xo + d + 3] * y[yo + d + 3];
    }
    for (; d < dim; d++) {
      s0 += (double) x[xo + d] * y[yo + d];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** Four cosines of row {@code xo} of x with rows j..j+3 of y, reading the x row once. */
  private static void dot4(
      float[] x,
      int xo,
      float[] y,
      int yo,
      int dim,
      double ni,
      double[] ny,
      int j,
      float[] s,
      int out) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int y0 = yo;
    int y1 = yo + dim;
    int y2 = yo + 2 * dim;
    int y3 = yo + 3 * dim;
    for (int d = 0; d < dim; d++) {
      double v = x[xo + d];
      s0 += v * y[y0 + d];
      s1 += v * y[y1 + d];
      s2 += v * y[y2 + d];
      s3 += v * y[y3 + d];
    }
    s[out] = (float) (s0 / (ni * Math.max(ny[j], EPS)));
    s[out + 1] = (float) (s1 / (ni * Math.max(ny[j + 1], EPS)));
    s[out + 2] = (float) (s2 / (ni * Math.max(ny[j + 2], EPS)));
    s[out + 3] = (float) (s3 / (ni * Math.max(ny[j + 3], EPS)));
  }

  /**
   * Transposes the square block {@code n} by {@code n} of {@code s} (leading dimension {@code n})
   * in place.
   */
  static void transpose(float[] s, int n) {
    for (int i0 = 0; i0 < n; i0 += BLOCK) {
      int i1 = Math.min(i0 + BLOCK, n);
      for (int j0 = i0; j0 < n; j0 += BLOCK) {
        int j1 = Math.min(j0 + BLOCK, n);
        for (int i = i0; i < i1; i++) {
          for (int j = Math.max(j0, i + 1); j < j1; j++) {
            float t = s[i * n + j];
            s[i * n + j] = s[j * n + i];
            s[j * n + i] = t;
          }
        }
      }
    }
  }

  /**
   * Copies the {@code n} by {@code n} block at ({@code rowOff}, {@code colOff}) of {@code s}
   * (leading dimension {@code ld}), transposed, to the block at ({@code colOff}, {@code rowOff}).
   */
  static void mirror(float[] s, int ld, int rowOff, int colOff, int n) {
    for (int i0 = 0; i0 < n; i0 += BLOCK) {
      int i1 = Math.min(i0 + BLOCK, n);
      for (int j0 = 0; j0 < n; j0 += BLOCK) {
        int j1 = Math.min(j0 + BLOCK, n);
        for (int i = i0; i < i1; i++) {
          for (int j = j0; j < j1; j++) {
            s[(colOff + j) * ld + rowOff + i] = s[(rowOff + i) * ld + colOff + j];
          }
        }
      }
    }
  }

  /** Replaces the square matrix {@code s} ({@code n} by {@code n}) by {@code s + s^T}, in place. */
  static void symmetrize(float[] s, int n) {
    for (int i0 = 0; i0 < n; i0 += BLOCK) {
      int i1 = Math.min(i0 + BLOCK, n);
      for (int j0 = i0; j0 < n; j0 += BLOCK) {
        int j1 = Math.min(j0 + BLOCK, n);
        for (int i = i0; i < i1; i++) {
          for (int j = Math.max(j0, i); j < j1; j++) {
            float t = (float) ((double) s[i * n + j] + s[j * n + i]);
            s[i * n + j] = t;
            s[j * n + i] = t;
          }
        }
      }
    }
  }

  /**
   * The gradient with respect to the rows of {@code x} of {@code sum_ij c_ij cos(x_i, y_j)}, where
   * {@code c_ij = c[(rowOff + i) * ld + colOff + j]} and the columns {@code j} run over the rows of
   * {@code y1} and then, when {@code y2} is not null, over the rows of {@code y2} (at column offset
   * {@code colOff2}).
   *
   * <p>With {@code u_i = sum_j c_ij y_j / max(|y_j|, EPS)}, the gradient is {@code (u_i - xh_i
   * <xh_i, u_i>) / |x_i|} with {@code xh_i = x_i / |x_i|}, or {@code u_i / EPS} where {@code |x_i|
   * < EPS} (the clamp is active and the normalization is a plain division).
   *
   * @param c the coefficients (already scaled), not modified
   * @param grad output, {@code rows} by {@code dim}, overwritten
   */
  static void backward(
      float[] c,
      int ld,
      int rowOff,
      float[] x,
      double[] nx,
      int rows,
      int dim,
      float[] y1,
      double[] ny1,
      int cols1,
      int colOff1,
      float[] y2,
      double[] ny2,
      int cols2,
      int colOff2,
      float[] grad) {
    double[] u = new double[BLOCK * dim];
    for (int i0 = 0; i0 < rows; i0 += BLOCK) {
      int i1 = Math.min(i0 + BLOCK, rows);
      java.util.Arrays.fill(u, 0.0);
      gather(c, ld, rowOff, i0, i1, y1, ny1, cols1, colOff1, dim, u);
      if (y2 != null) {
        gather(c, ld, rowOff, i0, i1, y2, ny2, cols2, colOff2, dim, u);
      }
      for (int i = i0; i < i1; i++) {
        int uo = (i - i0) * dim;
        int xo = i * dim;
        double n = nx[i];
        if (n >= EPS) {
          double proj = 0;
          for (int d = 0; d < dim; d++) {
            proj += x[xo + d] * u[uo + d];
          }
          proj /= n * n;
          for (int d = 0; d < dim; d++) {
            grad[xo + d] = (float) ((u[uo + d] - x[xo + d] * proj) / n);
          }
        } else {
          for (int d = 0; d < dim; d++) {
            grad[xo + d] = (float) (u[uo + d] / EPS);
          }
        }
      }
    }
  }

  /** u[i - i0] += sum_j c_ij y_j / max(|y_j|, EPS) for rows i0..i1, blocked over j. */
  private static void gather(
      float[] c,
      int ld,
      int rowOff,
      int i0,
      int i1,
      float[] y,
      double[] ny,
      int cols,
      int colOff,
      int dim,
      double[] u) {
    for (int j0 = 0; j0 < cols; j0 += BLOCK) {
      int j1 = Math.min(j0 + BLOCK, cols);
      for (int i = i0; i < i1; i++) {
        int row = (rowOff + i) * ld + colOff;
        int uo = (i - i0) * dim;
        for (int j = j0; j < j1; j++) {
          float w = c[row + j];
          if (w == 0) {
            continue;
          }
          double wj = w / Math.max(ny[j], EPS);
          int yo = j * dim;
          for (int d = 0; d < dim; d++) {
            u[uo + d] += wj * y[yo + d];
          }
        }
      }
    }
  }
}

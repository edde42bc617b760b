package dev.losskit.metric;

/**
 * Cosine similarities between the rows of row-major embedding matrices, and their backward pass,
 * for the losses that score every pair of a batch.
 *
 * <p>Each embedding is normalized once per call as {@code torch.nn.functional.normalize} does:
 * {@code x / max(|x|, EPS)}, into a double copy, so a zero-norm row has similarity 0 with
 * everything and finite gradients. Similarities are computed block by block (rows of one matrix
 * against rows of the other, both row-major, so that every inner product reads two contiguous
 * rows), accumulated in double and stored in the one float scratch matrix of the calling loss; the
 * backward pass reads that matrix, overwritten with the coefficients {@code dL/ds}, block by block
 * as well. Arrays named as inputs are not modified; arrays named as outputs are overwritten.
 */
final class CosineMatrix {
  /** The norm clamp of {@code torch.nn.functional.normalize}. */
  static final double EPS = 1e-12;

  /** Rows (and columns) per cache block: 64 rows of dimension 256 fill 64 KiB. */
  private static final int BLOCK = 64;

  private CosineMatrix() {}

  /**
   * The rows of {@code x} ({@code rows} by {@code dim}, not modified) divided by {@code max(|x_i|,
   * EPS)}, in a new double array; the unclamped norms {@code |x_i|} go into {@code norms}
   * (overwritten).
   */
  static double[] normalize(float[] x, int rows, int dim, double[] norms) {
    double[] out = new double[rows * dim];
    for (int i = 0; i < rows; i++) {
      int o = i * dim;
      double s = 0;
      for (int k = o; k < o + dim; k++) {
        double v = x[k];
        s += v * v;
      }
      double n = Math.sqrt(s);
      norms[i] = n;
      double inv = 1 / Math.max(n, EPS);
      for (int k = o; k < o + dim; k++) {
        out[k] = x[k] * inv;
      }
    }
    return out;
  }

  /**
   * Writes {@code <x_i, y_j>} into {@code s[(rowOff + i) * ld + colOff + j]} for every row {@code
   * i} of {@code x} and {@code j} of {@code y}: the cosines, for rows from {@link #normalize}.
   *
   * @param x {@code xRows} by {@code dim}, not modified
   * @param y {@code yRows} by {@code dim}, not modified
   * @param s output, row-major with leading dimension {@code ld}; only the block is written
   */
  static void similarities(
      double[] x,
      int xRows,
      double[] y,
      int yRows,
      int dim,
      float[] s,
      int ld,
      int rowOff,
      int colOff) {
    for (int i0 = 0; i0 < xRows; i0 += BLOCK) {
      int i1 = Math.min(i0 + BLOCK, xRows);
      for (int j0 = 0; j0 < yRows; j0 += BLOCK) {
        block(x, i0, i1, y, j0, Math.min(j0 + BLOCK, yRows), dim, s, ld, rowOff, colOff);
      }
    }
  }

  /**
   * As {@link #similarities} for {@code x} against itself, computing each pair of blocks once and
   * mirroring it: writes the whole {@code rows} by {@code rows} block at ({@code off}, {@code
   * off}), diagonal included, exactly symmetric.
   */
  static void selfSimilarities(double[] x, int rows, int dim, float[] s, int ld, int off) {
    for (int i0 = 0; i0 < rows; i0 += BLOCK) {
      int i1 = Math.min(i0 + BLOCK, rows);
      for (int j0 = i0; j0 < rows; j0 += BLOCK) {
        int j1 = Math.min(j0 + BLOCK, rows);
        block(x, i0, i1, x, j0, j1, dim, s, ld, off, off);
        if (j0 > i0) {
          for (int i = i0; i < i1; i++) {
            for (int j = j0; j < j1; j++) {
              s[(off + j) * ld + off + i] = s[(off + i) * ld + off + j];
            }
          }
        }
      }
    }
  }

  /**
   * Inner products of rows i0..i1 of x with rows j0..j1 of y, two rows of x by four rows of y at a
   * time (eight independent sums, each row read once per tile).
   */
  private static void block(
      double[] x,
      int i0,
      int i1,
      double[] y,
      int j0,
      int j1,
      int dim,
      float[] s,
      int ld,
      int rowOff,
      int colOff) {
    int i = i0;
    for (; i + 1 < i1; i += 2) {
      int xa = i * dim;
      int xb = xa + dim;
      int oa = (rowOff + i) * ld + colOff;
      int ob = oa + ld;
      int j = j0;
      for (; j + 3 < j1; j += 4) {
        int y0 = j * dim;
        int y1 = y0 + dim;
        int y2 = y1 + dim;
        int y3 = y2 + dim;
        double a0 = 0;
        double a1 = 0;
        double a2 = 0;
        double a3 = 0;
        double b0 = 0;
        double b1 = 0;
        double b2 = 0;
        double b3 = 0;
        for (int d = 0; d < dim; d++) {
          double va = x[xa + d];
          double vb = x[xb + d];
          double q0 = y[y0 + d];
          double q1 = y[y1 + d];
          double q2 = y[y2 + d];
          double q3 = y[y3 + d];
          a0 += va * q0;
          a1 += va * q1;
          a2 += va * q2;
          a3 += va * q3;
          b0 += vb * q0;
          b1 += vb * q1;
          b2 += vb * q2;
          b3 += vb * q3;
        }
        s[oa + j] = (float) a0;
        s[oa + j + 1] = (float) a1;
        s[oa + j + 2] = (float) a2;
        s[oa + j + 3] = (float) a3;
        s[ob + j] = (float) b0;
        s[ob + j + 1] = (float) b1;
        s[ob + j + 2] = (float) b2;
        s[ob + j + 3] = (float) b3;
      }
      for (; j < j1; j++) {
        s[oa + j] = (float) dot(x, xa, y, j * dim, dim);
        s[ob + j] = (float) dot(x, xb, y, j * dim, dim);
      }
    }
    for (; i < i1; i++) {
      int o = (rowOff + i) * ld + colOff;
      for (int j = j0; j < j1; j++) {
        s[o + j] = (float) dot(x, i * dim, y, j * dim, dim);
      }
    }
  }

  /** The inner product of two rows, summed in the order of the tiled kernel. */
  private static double dot(double[] x, int xo, double[] y, int yo, int dim) {
    double sum = 0;
    for (int d = 0; d < dim; d++) {
      sum += x[xo + d] * y[yo + d];
    }
    return sum;
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
   * {@code colOff2}). All embeddings are normalized rows from {@link #normalize}.
   *
   * <p>With {@code u_i = sum_j c_ij yh_j}, the gradient is {@code (u_i - xh_i <xh_i, u_i>) /
   * |x_i|}, or {@code u_i / EPS} where {@code |x_i| < EPS} (the clamp is active and the
   * normalization is a plain division).
   *
   * @param c the coefficients (already scaled), not modified
   * @param xh the normalized rows of x, not modified
   * @param nx the norms of the rows of x, not modified
   * @param grad output, {@code rows} by {@code dim}, overwritten
   */
  static void backward(
      float[] c,
      int ld,
      int rowOff,
      double[] xh,
      double[] nx,
      int rows,
      int dim,
      double[] y1,
      int cols1,
      int colOff1,
      double[] y2,
      int cols2,
      int colOff2,
      float[] grad) {
    double[] u = new double[BLOCK * dim];
    for (int i0 = 0; i0 < rows; i0 += BLOCK) {
      int i1 = Math.min(i0 + BLOCK, rows);
      java.util.Arrays.fill(u, 0.0);
      gather(c, ld, rowOff, i0, i1, y1, cols1, colOff1, dim, u);
      if (y2 != null) {
        gather(c, ld, rowOff, i0, i1, y2, cols2, colOff2, dim, u);
      }
      for (int i = i0; i < i1; i++) {
        int uo = (i - i0) * dim;
        int xo = i * dim;
        double n = nx[i];
        if (n >= EPS) {
          double proj = 0;
          for (int d = 0; d < dim; d++) {
            proj += xh[xo + d] * u[uo + d];
          }
          for (int d = 0; d < dim; d++) {
            grad[xo + d] = (float) ((u[uo + d] - xh[xo + d] * proj) / n);
          }
        } else {
          for (int d = 0; d < dim; d++) {
            grad[xo + d] = (float) (u[uo + d] / EPS);
          }
        }
      }
    }
  }

  /** u[i - i0] += sum_j c_ij y_j for rows i0..i1, blocked over j, four columns at a time. */
  private static void gather(
      float[] c,
      int ld,
      int rowOff,
      int i0,
      int i1,
      double[] y,
      int cols,
      int colOff,
      int dim,
      double[] u) {
    for (int j0 = 0; j0 < cols; j0 += BLOCK) {
      int j1 = Math.min(j0 + BLOCK, cols);
      for (int i = i0; i < i1; i++) {
        int row = (rowOff + i) * ld + colOff;
        int uo = (i - i0) * dim;
        int j = j0;
        for (; j + 3 < j1; j += 4) {
          double w0 = c[row + j];
          double w1 = c[row + j + 1];
          double w2 = c[row + j + 2];
          double w3 = c[row + j + 3];
          if (w0 == 0 && w1 == 0 && w2 == 0 && w3 == 0) {
            continue;
          }
          int y0 = j * dim;
          int y1 = y0 + dim;
          int y2 = y1 + dim;
          int y3 = y2 + dim;
          for (int d = 0; d < dim; d++) {
            u[uo + d] += w0 * y[y0 + d] + w1 * y[y1 + d] + w2 * y[y2 + d] + w3 * y[y3 + d];
          }
        }
        for (; j < j1; j++) {
          double w = c[row + j];
          if (w == 0) {
            continue;
          }
          int yo = j * dim;
          for (int d = 0; d < dim; d++) {
            u[uo + d] += w * y[yo + d];
          }
        }
      }
    }
  }
}

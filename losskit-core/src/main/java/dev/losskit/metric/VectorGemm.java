package dev.losskit.metric;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernel of {@link FloatGemm}: {@code c = a b} in register tiles of four rows of
 * {@code a} by two vectors of columns of {@code b}, eight accumulators updated by fused
 * multiply-adds along the inner dimension, so that each vector of {@code b} loaded serves four rows
 * and each broadcast element of {@code a} two vectors. Rows and columns that do not fill a tile are
 * finished by narrower tiles and a scalar tail. Loaded only when the JVM has {@code
 * jdk.incubator.vector}.
 */
final class VectorGemm implements FloatGemm.Kernel {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  VectorGemm() {
    if (L < 4) {
      throw new UnsupportedOperationException("vectors of " + L + " floats: no gain");
    }
  }

  @Override
  public void multiply(float[] a, int m, int k, float[] b, int n, float[] c) {
    int i = 0;
    for (; i + 3 < m; i += 4) {
      int j = 0;
      for (; j + 2 * L <= n; j += 2 * L) {
        tile4x2(a, i, k, b, n, c, j);
      }
      for (; j + L <= n; j += L) {
        for (int r = i; r < i + 4; r++) {
          row1(a, r, k, b, n, c, j);
        }
      }
      for (int r = i; r < i + 4; r++) {
        tail(a, r, k, b, n, c, j);
      }
    }
    for (; i < m; i++) {
      int j = 0;
      for (; j + L <= n; j += L) {
        row1(a, i, k, b, n, c, j);
      }
      tail(a, i, k, b, n, c, j);
    }
  }

  private static void tile4x2(float[] a, int i, int k, float[] b, int n, float[] c, int j) {
    int a0 = i * k;
    int a1 = a0 + k;
    int a2 = a1 + k;
    int a3 = a2 + k;
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    for (int d = 0, bo = j; d < k; d++, bo += n) {
      FloatVector b0 = FloatVector.fromArray(S, b, bo);
      FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
      FloatVector w = FloatVector.broadcast(S, a[a0 + d]);
      c00 = w.fma(b0, c00);
      c01 = w.fma(b1, c01);
      w = FloatVector.broadcast(S, a[a1 + d]);
      c10 = w.fma(b0, c10);
      c11 = w.fma(b1, c11);
      w = FloatVector.broadcast(S, a[a2 + d]);
      c20 = w.fma(b0, c20);
      c21 = w.fma(b1, c21);
      w = FloatVector.broadcast(S, a[a3 + d]);
      c30 = w.fma(b0, c30);
      c31 = w.fma(b1, c31);
    }
    int o = i * n + j;
    c00.intoArray(c, o);
    c01.intoArray(c, o + L);
    c10.intoArray(c, o + n);
    c11.intoArray(c, o + n + L);
    c20.intoArray(c, o + 2 * n);
    c21.intoArray(c, o + 2 * n + L);
    c30.intoArray(c, o + 3 * n);
    c31.intoArray(c, o + 3 * n + L);
  }

  /** One row of {@code a} by one vector of columns. */
  private static void row1(float[] a, int i, int k, float[] b, int n, float[] c, int j) {
    int ai = i * k;
    FloatVector acc = FloatVector.zero(S);
    for (int d = 0, bo = j; d < k; d++, bo += n) {
      acc = FloatVector.broadcast(S, a[ai + d]).fma(FloatVector.fromArray(S, b, bo), acc);
    }
    acc.intoArray(c, i * n + j);
  }

  /** Columns {@code j0..n} of one row, fewer than a vector, in scalar fused multiply-adds. */
  private static void tail(float[] a, int i, int k, float[] b, int n, float[] c, int j0) {
    int ai = i * k;
    for (int j = j0; j < n; j++) {
      float acc = 0f;
      for (int d = 0; d < k; d++) {
        acc = Math.fma(a[ai + d], b[d * n + j], acc);
      }
      c[i * n + j] = acc;
    }
  }
}

package dev.losskit.metric;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernel of {@link FloatGemm}: {@code c = a b} over a packed {@code b} in register
 * tiles of four rows of {@code a} by one panel of two SIMD vectors, eight accumulators updated by
 * fused multiply-adds along the inner dimension, so that each vector of the panel loaded serves
 * four rows and each broadcast element of {@code a} two vectors. The panels are zero-padded, so
 * every tile computes full vectors; only the store of the last panel is cut to the columns that
 * exist. Loaded only when the JVM has {@code jdk.incubator.vector}.
 */
final class VectorGemm implements FloatGemm.Kernel {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final int W = 2 * L;

  VectorGemm() {
    if (L < 4) {
      throw new UnsupportedOperationException("vectors of " + L + " floats: no gain");
    }
  }

  @Override
  public int panelWidth() {
    return W;
  }

  @Override
  public void multiplyPacked(
      float[] a,
      int aOff,
      int lda,
      int step,
      int rows,
      int k,
      float[] bp,
      int n,
      float[] c,
      int cOff,
      int ldc) {
    float[] edge = null; // the last, partial panel's tile, before its valid columns are copied
    for (int j0 = 0, o = 0; j0 < n; j0 += W, o += k * W) {
      int w = Math.min(W, n - j0);
      if (w < W && edge == null) {
        edge = new float[4 * W];
      }
      int r = 0;
      for (; r + 3 < rows; r += 4) {
        int ar = aOff + r * lda;
        int cr = cOff + r * ldc + j0;
        if (w == W) {
          tile4(a, ar, lda, step, k, bp, o, c, cr, ldc);
        } else {
          tile4(a, ar, lda, step, k, bp, o, edge, 0, W);
          for (int t = 0; t < 4; t++) {
            System.arraycopy(edge, t * W, c, cr + t * ldc, w);
          }
        }
      }
      for (; r < rows; r++) {
        int ar = aOff + r * lda;
        int cr = cOff + r * ldc + j0;
        if (w == W) {
          tile1(a, ar, step, k, bp, o, c, cr);
        } else {
          tile1(a, ar, step, k, bp, o, edge, 0);
          System.arraycopy(edge, 0, c, cr, w);
        }
      }
    }
  }

  private static void tile4(
      float[] a, int a0, int lda, int step, int k, float[] bp, int o, float[] c, int co, int ldc) {
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    for (int d = 0, bo = o, ad = a0; d < k; d++, bo += W, ad += step) {
      FloatVector b0 = FloatVector.fromArray(S, bp, bo);
      FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
      FloatVector x = FloatVector.broadcast(S, a[ad]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, a[ad + lda]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, a[ad + 2 * lda]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, a[ad + 3 * lda]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
    }
    c00.intoArray(c, co);
    c01.intoArray(c, co + L);
    c10.intoArray(c, co + ldc);
    c11.intoArray(c, co + ldc + L);
    c20.intoArray(c, co + 2 * ldc);
    c21.intoArray(c, co + 2 * ldc + L);
    c30.intoArray(c, co + 3 * ldc);
    c31.intoArray(c, co + 3 * ldc + L);
  }

  /** One row of {@code a} by one panel. */
  private static void tile1(
      float[] a, int ar, int step, int k, float[] bp, int o, float[] c, int co) {
    FloatVector c0 = FloatVector.zero(S);
    FloatVector c1 = c0;
    for (int d = 0, bo = o, ad = ar; d < k; d++, bo += W, ad += step) {
      FloatVector x = FloatVector.broadcast(S, a[ad]);
      c0 = x.fma(FloatVector.fromArray(S, bp, bo), c0);
      c1 = x.fma(FloatVector.fromArray(S, bp, bo + L), c1);
    }
    c0.intoArray(c, co);
    c1.intoArray(c, co + L);
  }
}

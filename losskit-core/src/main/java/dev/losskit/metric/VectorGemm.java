package dev.losskit.metric;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernel of {@link FloatGemm}: {@code c = a b} over a packed {@code b}, blocked as a
 * tuned BLAS blocks it.
 *
 * <ul>
 *   <li>The inner dimension is cut into blocks of {@link #KC} terms, so that the part of one panel
 *       of {@code b} that a block reads ({@code KC} by two vectors, 16 KiB with 8 lanes) stays in
 *       the L1 cache while every row of {@code a} passes over it.
 *   <li>Rows of {@code a} are packed per block, {@link #MC} rows at a time, into a per-thread
 *       scratch array in groups of {@link #MR} rows, element {@code (r, d)} at {@code d MR + r}
 *       within its group: the micro-kernel then reads one contiguous stream of {@code a} whatever
 *       its strides. A transposed {@code a} (a product with the transpose of a row-major matrix) is
 *       packed by reading it row after row, so the transpose costs one pass and no copy.
 *   <li>The micro-kernel keeps a tile of {@code MR = 6} rows by two SIMD vectors (16 columns with 8
 *       lanes) in twelve accumulators: per step of the inner dimension it loads two vectors of the
 *       panel, broadcasts six elements of {@code a} and issues twelve fused multiply-adds. With the
 *       two panel vectors and the broadcast that is 15 of AVX2's 16 registers.
 * </ul>
 *
 * <p>Every output is a float sum over the inner dimension in order of {@code d}, whatever the
 * blocking; blocks after the first add to what the earlier ones stored. The panels and the packed
 * rows are zero-padded, so every tile computes full vectors; a tile at the bottom or right edge is
 * computed into a small buffer and only its valid part is copied (or added) to {@code c}. Loaded
 * only when the JVM has {@code jdk.incubator.vector}.
 */
final class VectorGemm implements FloatGemm.Kernel {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final int W = 2 * L;

  /** Rows of a register tile. */
  static final int MR = 6;

  /** Terms of the inner dimension per block: 256 rows of a 16-column panel are 16 KiB. */
  static final int KC = 256;

  /** Rows of {@code a} packed at a time: 96 rows of 256 terms are 96 KiB, within L2. */
  static final int MC = 96;

  /** Terms of a sum added in float lanes before the total in double. */
  private static final int SUM_CHUNK = 1024;

  /** Per thread: the packed rows of {@code a} and the edge tile. */
  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[][] {new float[MC * KC], new float[MR * W]});

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
    float[][] scratch = SCRATCH.get();
    float[] ap = scratch[0];
    float[] edge = scratch[1];
    if (k == 0) {
      for (int r = 0; r < rows; r++) {
        java.util.Arrays.fill(c, cOff + r * ldc, cOff + r * ldc + n, 0f);
      }
      return;
    }
    for (int d0 = 0; d0 < k; d0 += KC) {
      int kc = Math.min(KC, k - d0);
      boolean add = d0 > 0;
      for (int r0 = 0; r0 < rows; r0 += MC) {
        int mc = Math.min(MC, rows - r0);
        packRows(a, aOff + r0 * lda + d0 * step, lda, step, mc, kc, ap);
        for (int j0 = 0, o = d0 * W; j0 < n; j0 += W, o += k * W) {
          int w = Math.min(W, n - j0);
          for (int rr = 0; rr < mc; rr += MR) {
            int h = Math.min(MR, mc - rr);
            int co = cOff + (r0 + rr) * ldc + j0;
            if (h == MR && w == W) {
              tile(ap, rr * kc, kc, bp, o, c, co, ldc, add);
            } else {
              tile(ap, rr * kc, kc, bp, o, edge, 0, W, false);
              for (int t = 0; t < h; t++) {
                int ct = co + t * ldc;
                int et = t * W;
                for (int j = 0; j < w; j++) {
                  c[ct + j] = add ? c[ct + j] + edge[et + j] : edge[et + j];
                }
              }
            }
          }
        }
      }
    }
  }

  /**
   * Packs rows {@code 0..mc} and terms {@code 0..kc} of {@code a} (element {@code (r, d)} at {@code
   * a[off + r lda + d step]}) in groups of {@link #MR} rows: element {@code (r, d)} goes to {@code
   * (r / MR) MR kc + d MR + r % MR}; the rows past {@code mc} in the last group are zeros.
   */
  private static void packRows(float[] a, int off, int lda, int step, int mc, int kc, float[] ap) {
    int groups = (mc + MR - 1) / MR;
    if (step == 1) {
      // Rows of a are rows in memory: six read streams, one sequential write stream per group.
      int full = mc / MR;
      for (int g = 0; g < full; g++) {
        int s0 = off + g * MR * lda;
        int s1 = s0 + lda;
        int s2 = s1 + lda;
        int s3 = s2 + lda;
        int s4 = s3 + lda;
        int s5 = s4 + lda;
        int dst = g * MR * kc;
        for (int d = 0; d < kc; d++) {
          int q = dst + d * MR;
          ap[q] = a[s0 + d];
          ap[q + 1] = a[s1 + d];
          ap[q + 2] = a[s2 + d];
          ap[q + 3] = a[s3 + d];
          ap[q + 4] = a[s4 + d];
          ap[q + 5] = a[s5 + d];
        }
      }
      for (int r = full * MR; r < mc; r++) {
        int dst = full * MR * kc + r % MR;
        for (int d = 0, src = off + r * lda; d < kc; d++, src++, dst += MR) {
          ap[dst] = a[src];
        }
      }
    } else {
      // Rows of a are columns in memory: read the memory row by row (one row per d), so that the
      // large stride is taken once per d rather than once per element.
      int full = mc / MR;
      for (int d = 0; d < kc; d++) {
        int src = off + d * step;
        int dst = d * MR;
        for (int g = 0; g < full; g++, dst += MR * kc, src += MR * lda) {
          ap[dst] = a[src];
          ap[dst + 1] = a[src + lda];
          ap[dst + 2] = a[src + 2 * lda];
          ap[dst + 3] = a[src + 3 * lda];
          ap[dst + 4] = a[src + 4 * lda];
          ap[dst + 5] = a[src + 5 * lda];
        }
        for (int t = 0; t < mc - full * MR; t++) {
          ap[dst + t] = a[src + t * lda];
        }
      }
    }
    for (int r = mc; r < groups * MR; r++) {
      for (int d = 0, dst = (r / MR) * MR * kc + r % MR; d < kc; d++, dst += MR) {
        ap[dst] = 0f;
      }
    }
  }

  /**
   * One tile: rows {@code 0..MR} of the packed group at {@code ap[ai..]} times {@code kc} rows of a
   * panel at {@code bp[bo..]}, stored to (or with {@code add}, added to) {@code MR} rows of two
   * vectors of {@code c} at {@code co}, {@code co + ldc}, ...
   */
  private static void tile(
      float[] ap, int ai, int kc, float[] bp, int bo, float[] c, int co, int ldc, boolean add) {
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    FloatVector c40 = c00;
    FloatVector c41 = c00;
    FloatVector c50 = c00;
    FloatVector c51 = c00;
    // Indices as linear functions of d alone, so that the JIT hoists the bounds checks.
    for (int d = 0; d < kc; d++) {
      int bd = bo + d * W;
      int ad = ai + d * MR;
      FloatVector b0 = FloatVector.fromArray(S, bp, bd);
      FloatVector b1 = FloatVector.fromArray(S, bp, bd + L);
      FloatVector x = FloatVector.broadcast(S, ap[ad]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, ap[ad + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, ap[ad + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, ap[ad + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(S, ap[ad + 4]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(S, ap[ad + 5]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
    }
    store(c00, c01, c, co, add);
    store(c10, c11, c, co + ldc, add);
    store(c20, c21, c, co + 2 * ldc, add);
    store(c30, c31, c, co + 3 * ldc, add);
    store(c40, c41, c, co + 4 * ldc, add);
    store(c50, c51, c, co + 5 * ldc, add);
  }

  private static void store(FloatVector v0, FloatVector v1, float[] c, int co, boolean add) {
    if (add) {
      v0 = v0.add(FloatVector.fromArray(S, c, co));
      v1 = v1.add(FloatVector.fromArray(S, c, co + L));
    }
    v0.intoArray(c, co);
    v1.intoArray(c, co + L);
  }

  @Override
  public float max(float[] x, int from, int to) {
    int i = from;
    float m = x[from];
    if (to - from >= L) {
      FloatVector v = FloatVector.fromArray(S, x, i);
      for (i += L; i + L <= to; i += L) {
        v = v.max(FloatVector.fromArray(S, x, i));
      }
      m = v.reduceLanes(VectorOperators.MAX);
    }
    for (; i < to; i++) {
      m = Math.max(m, x[i]);
    }
    return m;
  }

  @Override
  public double sum(float[] x, int from, int to) {
    // Four accumulators of L lanes, emptied into the double total every CHUNK terms: each lane adds
    // at most CHUNK / (4 L) terms (32 with 8 lanes) in float.
    double e = 0;
    int i = from;
    while (i + 4 * L <= to) {
      int end = Math.min(to, i + SUM_CHUNK);
      FloatVector s0 = FloatVector.zero(S);
      FloatVector s1 = s0;
      FloatVector s2 = s0;
      FloatVector s3 = s0;
      for (; i + 4 * L <= end; i += 4 * L) {
        s0 = s0.add(FloatVector.fromArray(S, x, i));
        s1 = s1.add(FloatVector.fromArray(S, x, i + L));
        s2 = s2.add(FloatVector.fromArray(S, x, i + 2 * L));
        s3 = s3.add(FloatVector.fromArray(S, x, i + 3 * L));
      }
      e += s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
    }
    for (; i < to; i++) {
      e += x[i];
    }
    return e;
  }
}

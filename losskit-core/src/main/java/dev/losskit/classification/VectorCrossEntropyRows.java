package dev.losskit.classification;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernel of {@link CrossEntropyRows}, loaded only when the JVM has {@code
 * jdk.incubator.vector}. Rows go in blocks of about {@link #BLOCK} logits, so that a block's
 * exponentials stay in the L1 cache; per block:
 *
 * <ol>
 *   <li>each row's maximum {@code m} (four lanes of accumulators), then {@code e = exp(x - m)} into
 *       a scratch array and its sum {@code z} in the same pass; a row's last partial vector
 *       overlaps the one before it, and a lane mask keeps its repeated lanes out of the sum. Rows
 *       shorter than a vector are shifted one by one and exponentiated a block at a time (padding
 *       lanes included, never read);
 *   <li>{@code log z} in double lanes over the block's rows, instead of a {@link Math#log} per row;
 *   <li>each row's loss {@code log z - (x_y - m)} (summed in double) and gradient {@code scale e /
 *       z}, written once, with the target's entry {@code scale (e_y / z - 1)} computed in double.
 * </ol>
 *
 * <p>Results are float-accurate, not bit-identical to the scalar kernel: {@code z} is summed in
 * float lanes (relative error about {@code 1e-7}), so a row's loss has an absolute error of about
 * {@code 1e-7} beside its own rounding.
 */
final class VectorCrossEntropyRows implements CrossEntropyRows.Kernel {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  /** Each lane's index. */
  private static final FloatVector LANE = FloatVector.zero(S).addIndex(1);

  /** Logits per block: 4 KB of exponentials, and as much of logits and gradient, fit in L1. */
  private static final int BLOCK = 1024;

  /** Per-thread scratch, grown on demand and reused from call to call. */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  VectorCrossEntropyRows() {
    if (L < 4 || D.length() > L) {
      throw new UnsupportedOperationException("vectors of " + L + " floats: no gain");
    }
  }

  /**
   * A block's exponentials, row maxima, row sums and their logs; each padded by a vector, whose
   * lanes are computed and never read.
   */
  private static final class Scratch {
    float[] e = new float[0];
    float[] max = new float[0];
    double[] z = new double[0];
    double[] logZ = new double[0];

    void ensure(int logits, int rows) {
      if (e.length < logits + L) {
        e = new float[logits + L];
      }
      if (max.length < rows + L) {
        max = new float[rows + L];
        z = new double[rows + L];
        logZ = new double[rows + L];
      }
    }
  }

  @Override
  public double rows(
      float[] x,
      float[] t,
      float[] values,
      float[] g,
      int classes,
      long ignoreIndex,
      double scale,
      int from,
      int to) {
    int perBlock = Math.max(1, BLOCK / classes);
    Scratch s = SCRATCH.get();
    s.ensure(perBlock * classes, perBlock);
    double sum = 0;
    for (int r0 = from; r0 < to; r0 += perBlock) {
      int r1 = Math.min(to, r0 + perBlock);
      sum += block(x, t, values, g, classes, ignoreIndex, scale, r0, r1, s);
    }
    return sum;
  }

  private static double block(
      float[] x,
      float[] t,
      float[] values,
      float[] g,
      int classes,
      long ignoreIndex,
      double scale,
      int r0,
      int r1,
      Scratch s) {
    int rows = r1 - r0;
    int len = rows * classes;
    float[] e = s.e;
    float[] max = s.max;
    double[] z = s.z;
    double[] logZ = s.logZ;
    if (classes >= L) {
      for (int k = 0; k < rows; k++) {
        int base = (r0 + k) * classes;
        float m = maxWide(x, base, classes);
        max[k] = m;
        z[k] = expSumWide(x, base, e, k * classes, classes, m);
      }
    } else {
      // Rows shorter than a vector: shift row by row, exponentiate the block at once.
      for (int k = 0; k < rows; k++) {
        int base = (r0 + k) * classes;
        float m = maxNarrow(x, base, classes);
        max[k] = m;
        for (int c = 0; c < classes; c++) {
          e[k * classes + c] = x[base + c] - m;
        }
      }
      for (int i = 0; i < len; i += L) {
        FloatVector.fromArray(S, e, i).lanewise(VectorOperators.EXP).intoArray(e, i);
      }
      for (int k = 0; k < rows; k++) {
        z[k] = sumNarrow(e, k * classes, classes);
      }
    }
    // In double lanes: the loss is then as accurate as the float sum z.
    for (int k = 0; k < rows; k += D.length()) {
      DoubleVector.fromArray(D, z, k).lanewise(VectorOperators.LOG).intoArray(logZ, k);
    }
    double sum = 0;
    for (int k = 0; k < rows; k++) {
      int n = r0 + k;
      int base = n * classes;
      int y = (int) t[n];
      if (y == ignoreIndex) {
        if (values != null) {
          values[n] = 0f;
        }
        if (g != null) {
          Arrays.fill(g, base, base + classes, 0f);
        }
        continue;
      }
      double l = logZ[k] - ((double) x[base + y] - max[k]);
      sum += l;
      if (values != null) {
        values[n] = (float) l;
      }
      if (g != null) {
        float q = (float) (scale / z[k]);
        if (classes >= L) {
          scaleWide(e, k * classes, g, base, classes, q);
        } else {
          for (int c = 0; c < classes; c++) {
            g[base + c] = e[k * classes + c] * q;
          }
        }
        g[base + y] = (float) (scale * ((double) e[k * classes + y] / z[k] - 1));
      }
    }
    return sum;
  }

  private static float maxNarrow(float[] x, int base, int classes) {
    float m = x[base];
    for (int i = base + 1; i < base + classes; i++) {
      m = Math.max(m, x[i]);
    }
    return m;
  }

  /**
   * The maximum of a row of at least one vector, in four independent lanes of accumulators (one
   * would wait on each max's latency); the last vector overlaps the one before.
   */
  private static float maxWide(float[] x, int base, int classes) {
    int end = base + classes;
    FloatVector m0 = FloatVector.fromArray(S, x, end - L);
    FloatVector m1 = m0;
    FloatVector m2 = m0;
    FloatVector m3 = m0;
    int i = base;
    for (; i <= end - 4 * L; i += 4 * L) {
      m0 = m0.max(FloatVector.fromArray(S, x, i));
      m1 = m1.max(FloatVector.fromArray(S, x, i + L));
      m2 = m2.max(FloatVector.fromArray(S, x, i + 2 * L));
      m3 = m3.max(FloatVector.fromArray(S, x, i + 3 * L));
    }
    for (; i < end - L; i += L) {
      m0 = m0.max(FloatVector.fromArray(S, x, i));
    }
    return m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX);
  }

  /**
   * {@code e[to..] = exp(x[from..] - m)} over a row of at least one vector, and their sum: whole
   * vectors in two lanes of accumulators, then the exponentials of the tail, computed by a last
   * vector that overlaps the one before, summed one by one.
   */
  private static float expSumWide(float[] x, int from, float[] e, int to, int classes, float m) {
    FloatVector vm = FloatVector.broadcast(S, m);
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    int c = 0;
    for (; c <= classes - 2 * L; c += 2 * L) {
      FloatVector v0 = FloatVector.fromArray(S, x, from + c).sub(vm).lanewise(VectorOperators.EXP);
      FloatVector v1 =
          FloatVector.fromArray(S, x, from + c + L).sub(vm).lanewise(VectorOperators.EXP);
      v0.intoArray(e, to + c);
      v1.intoArray(e, to + c + L);
      a0 = a0.add(v0);
      a1 = a1.add(v1);
    }
    for (; c <= classes - L; c += L) {
      FloatVector v0 = FloatVector.fromArray(S, x, from + c).sub(vm).lanewise(VectorOperators.EXP);
      v0.intoArray(e, to + c);
      a0 = a0.add(v0);
    }
    if (c < classes) {
      // The last vector overlaps the one before: only its lanes from L - (classes - c) on are new.
      int last = classes - L;
      FloatVector v =
          FloatVector.fromArray(S, x, from + last).sub(vm).lanewise(VectorOperators.EXP);
      v.intoArray(e, to + last);
      a1 = a1.add(v.blend(0f, LANE.compare(VectorOperators.LT, L - (classes - c))));
    }
    return a0.add(a1).reduceLanes(VectorOperators.ADD);
  }

  private static float sumNarrow(float[] e, int from, int classes) {
    float z = 0;
    for (int i = from; i < from + classes; i++) {
      z += e[i];
    }
    return z;
  }

  /** {@code g[to..] = q e[from..]} over a row of at least one vector. */
  private static void scaleWide(float[] e, int from, float[] g, int to, int classes, float q) {
    int last = classes - L;
    for (int c = 0; c < last; c += L) {
      FloatVector.fromArray(S, e, from + c).mul(q).intoArray(g, to + c);
    }
    FloatVector.fromArray(S, e, from + last).mul(q).intoArray(g, to + last);
  }
}

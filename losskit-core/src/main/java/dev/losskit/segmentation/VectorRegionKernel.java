package dev.losskit.segmentation;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.EXP;
import static jdk.incubator.vector.VectorOperators.GE;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The region kernel on the Vector API: probabilities, sigmoid and gradient in float lanes of the
 * widest species the CPU has; sums in float lanes over short blocks, then in double, so that their
 * relative error stays below 1e-6 at any plane size. The tail of a plane (shorter than a block for
 * the sums, than a vector for the gradient) goes to the scalar loops. Loaded only by {@link
 * RegionKernel#vector()}, reflectively, when the JVM has the module.
 */
final class VectorRegionKernel implements RegionKernel {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

  /**
   * Elements per float partial sum, added to a double at its end: each lane adds 4 terms of at most
   * 1, the lanes are reduced in float (relative error below 5e-7 in all), and the double sums stay
   * exact across blocks. A plane's last partial block goes to the scalar loops.
   */
  private static final int BLOCK = 4 * L;

  /** Probabilities computed ahead of their sums, per thread: a multiple of {@link #BLOCK}. */
  private static final int CHUNK = 64 * BLOCK;

  private static final ThreadLocal<float[]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[CHUNK]);

  VectorRegionKernel() {
    if (S.vectorBitSize() < 128) {
      throw new UnsupportedOperationException("vectors of " + S.vectorBitSize() + " bits");
    }
  }

  @Override
  public String toString() {
    return "VectorRegionKernel[" + S + "]";
  }

  @Override
  public void sums(
      float[] pred, float[] target, int from, int to, boolean sigmoid, double[] stats, int o) {
    int bound = from + (to - from) / BLOCK * BLOCK;
    if (sigmoid) {
      // The probabilities of a chunk first, then the sums over them: two short loops compile to
      // registers where one loop that keeps sums across the exponential's call did not always.
      float[] p = SCRATCH.get();
      for (int start = from; start < bound; start += CHUNK) {
        int n = Math.min(CHUNK, bound - start);
        sigmoidInto(pred, start, n, p);
        blockSums(p, 0, target, start, n, stats, o);
      }
    } else {
      blockSums(pred, from, target, from, bound - from, stats, o);
    }
    SCALAR.sums(pred, target, bound, to, sigmoid, stats, o);
  }

  /**
   * Adds the sums over {@code j < n} ({@code n} a multiple of {@link #BLOCK}) of {@code p = pp[po +
   * j]} and {@code t = target[to + j]} to {@code stats[o, o + 5)}. Each block's partial sums are
   * zeros made here and reduced at its end: C2 on JDK 17 boxes, once per iteration, a vector that
   * starts as a constant or is carried out of a loop of variable length.
   */
  private static void blockSums(
      float[] pp, int po, float[] target, int to, int n, double[] stats, int o) {
    double inter = 0;
    double psum = 0;
    double tsum = 0;
    double p2sum = 0;
    double t2sum = 0;
    for (int b = 0; b < n; b += BLOCK) {
      FloatVector i1 = FloatVector.zero(S);
      FloatVector p1 = FloatVector.zero(S);
      FloatVector t1 = FloatVector.zero(S);
      FloatVector p2 = FloatVector.zero(S);
      FloatVector t2 = FloatVector.zero(S);
      for (int j = b; j < b + BLOCK; j += L) {
        FloatVector p = FloatVector.fromArray(S, pp, po + j);
        FloatVector t = FloatVector.fromArray(S, target, to + j);
        i1 = i1.add(p.mul(t));
        p1 = p1.add(p);
        t1 = t1.add(t);
        p2 = p2.add(p.mul(p));
        t2 = t2.add(t.mul(t));
      }
      inter += i1.reduceLanes(ADD);
      psum += p1.reduceLanes(ADD);
      tsum += t1.reduceLanes(ADD);
      p2sum += p2.reduceLanes(ADD);
      t2sum += t2.reduceLanes(ADD);
    }
    stats[o] += inter;
    stats[o + 1] += psum;
    stats[o + 2] += tsum;
    stats[o + 3] += p2sum;
    stats[o + 4] += t2sum;
  }

  /** {@code p[j] = sigmoid(pred[from + j])} for {@code j < n}, a multiple of the lane count. */
  private static void sigmoidInto(float[] pred, int from, int n, float[] p) {
    for (int j = 0; j < n; j += L) {
      FloatVector x = FloatVector.fromArray(S, pred, from + j);
      // 1 / (1 + exp(-x)) for x >= 0, exp(x) / (1 + exp(x)) below: no overflow at any float.
      FloatVector e = x.abs().neg().lanewise(EXP);
      FloatVector inv = ONE.div(e.add(1f));
      e.mul(inv).blend(inv, x.compare(GE, 0f)).intoArray(p, j);
    }
  }

  @Override
  public void gradient(
      float[] pred,
      float[] target,
      int from,
      int to,
      boolean sigmoid,
      double a,
      double b,
      double c,
      float[] grad) {
    float af = (float) a;
    float bf = (float) b;
    float cf = (float) c;
    if (!(Math.abs(af) + Math.abs(bf) + Math.abs(cf) < Float.MAX_VALUE / 4)) {
      // Coefficients beyond float range (a near-empty union with smooth = 0): double arithmetic.
      SCALAR.gradient(pred, target, from, to, sigmoid, a, b, c, grad);
      return;
    }
    FloatVector av = FloatVector.broadcast(S, af);
    FloatVector bv = FloatVector.broadcast(S, bf);
    FloatVector cv = FloatVector.broadcast(S, cf);
    int bound = from + S.loopBound(to - from);
    for (int i = from; i < bound; i += L) {
      FloatVector x = FloatVector.fromArray(S, pred, i);
      FloatVector t = FloatVector.fromArray(S, target, i);
      if (sigmoid) {
        // As sigmoid(x), keeping e and 1 / (1 + e) for p (1 - p) = e / (1 + e)^2.
        FloatVector e = x.abs().neg().lanewise(EXP);
        FloatVector inv = ONE.div(e.add(1f));
        FloatVector ei = e.mul(inv);
        FloatVector p = ei.blend(inv, x.compare(GE, 0f));
        t.fma(av, bv).add(p.mul(cv)).mul(ei.mul(inv)).intoArray(grad, i);
      } else {
        t.fma(av, bv).add(x.mul(cv)).intoArray(grad, i);
      }
    }
    SCALAR.gradient(pred, target, bound, to, sigmoid, a, b, c, grad);
  }
}

package dev.losskit.segmentation;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.EXP;
import static jdk.incubator.vector.VectorOperators.F2D;
import static jdk.incubator.vector.VectorOperators.GE;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The region kernel on the Vector API: probabilities, sigmoid and gradient in float lanes of the
 * widest species the CPU has, sums in double lanes (each float term widened before it is added, so
 * the sums carry only each term's own float rounding at any plane size). The tail shorter than one
 * vector goes to the scalar loops. Loaded only by {@link RegionKernel#vector()}, reflectively, when
 * the JVM has the module.
 */
final class VectorRegionKernel implements RegionKernel {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  /** Double lanes of the same width: each float vector widens into two of them. */
  private static final VectorSpecies<Double> D =
      VectorSpecies.of(double.class, VectorShape.forBitSize(S.vectorBitSize()));

  private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

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
    int bound = from + S.loopBound(to - from);
    DoubleVector inter = DoubleVector.zero(D);
    DoubleVector psum = inter;
    DoubleVector tsum = inter;
    DoubleVector p2sum = inter;
    DoubleVector t2sum = inter;
    for (int i = from; i < bound; i += L) {
      FloatVector x = FloatVector.fromArray(S, pred, i);
      FloatVector t = FloatVector.fromArray(S, target, i);
      FloatVector p = sigmoid ? sigmoid(x) : x;
      inter = add(inter, p.mul(t));
      psum = add(psum, p);
      tsum = add(tsum, t);
      p2sum = add(p2sum, p.mul(p));
      t2sum = add(t2sum, t.mul(t));
    }
    stats[o] += inter.reduceLanes(ADD);
    stats[o + 1] += psum.reduceLanes(ADD);
    stats[o + 2] += tsum.reduceLanes(ADD);
    stats[o + 3] += p2sum.reduceLanes(ADD);
    stats[o + 4] += t2sum.reduceLanes(ADD);
    SCALAR.sums(pred, target, bound, to, sigmoid, stats, o);
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

  /** 1 / (1 + exp(-x)) for x >= 0, exp(x) / (1 + exp(x)) below: no overflow at any float. */
  private static FloatVector sigmoid(FloatVector x) {
    FloatVector e = x.abs().neg().lanewise(EXP);
    FloatVector inv = ONE.div(e.add(1f));
    return e.mul(inv).blend(inv, x.compare(GE, 0f));
  }

  /** Adds float terms to double lanes. */
  private static DoubleVector add(DoubleVector acc, FloatVector v) {
    return acc.add((DoubleVector) v.convertShape(F2D, D, 0))
        .add((DoubleVector) v.convertShape(F2D, D, 1));
  }
}

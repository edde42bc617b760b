package dev.losskit.image;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RowOps} on the Vector API: fused multiply-adds in double lanes of the widest species. The
 * filtering stays in double (as the scalar path), so both paths agree to rounding. Loaded only by
 * {@link RowOps#vector}, reflectively, when the JVM has the module.
 */
final class VectorRowOps implements RowOps {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

  VectorRowOps() {
    if (S.length() < 2) {
      throw new UnsupportedOperationException("vectors of " + S.vectorBitSize() + " bits");
    }
  }

  @Override
  public void axpy(double a, double[] x, int xo, double[] y, int yo, int n) {
    DoubleVector va = DoubleVector.broadcast(S, a);
    int i = 0;
    for (int end = S.loopBound(n); i < end; i += S.length()) {
      DoubleVector vx = DoubleVector.fromArray(S, x, xo + i);
      DoubleVector vy = DoubleVector.fromArray(S, y, yo + i);
      vx.fma(va, vy).intoArray(y, yo + i);
    }
    for (; i < n; i++) {
      y[yo + i] += a * x[xo + i];
    }
  }

  @Override
  public String toString() {
    return "VectorRowOps[" + S + "]";
  }
}

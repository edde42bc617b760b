package dev.losskit.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernel of {@link BulkExp}: lane-wise {@code exp} over whole vectors, then the
 * scalar kernel on the tail. Loaded only when the JVM has {@code jdk.incubator.vector}.
 */
final class VectorExp implements BulkExp.Kernel {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  VectorExp() {
    if (S.length() < 4) {
      throw new UnsupportedOperationException("vectors of " + S.length() + " floats: no gain");
    }
  }

  @Override
  public void expInPlace(float[] x, int from, int to) {
    int i = from;
    for (int end = from + S.loopBound(to - from); i < end; i += S.length()) {
      FloatVector.fromArray(S, x, i).lanewise(VectorOperators.EXP).intoArray(x, i);
    }
    BulkExp.SCALAR.expInPlace(x, i, to);
  }
}

package dev.losskit.internal.vectorization;

import static jdk.incubator.vector.VectorOperators.GE;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * log1p in float lanes for arguments in [-1/2, 1], written with an FMA polynomial: the softplus
 * term {@code log1p(exp(-|x|))} of bce-with-logits and bce's {@code log1p(-min(p, 1 - p))}, where
 * the JDK's vectorised LOG1P stub costs about 1.4 ns per element on an AVX2 machine, three times
 * this.
 *
 * <p>On that domain the exponent k of {@code 1 + y} is -1, 0 or 1, so {@code 1 + y = 2^k (1 + r)}
 * with r taken exactly from y ({@code y}, {@code 1 + 2y}, or {@code (y - 1) / 2}, rounded once at
 * most) in [sqrt(1/2) - 1, sqrt(2) - 1], and {@code log1p(y) = k ln2 + log1p(r)} with Cephes'
 * degree-8 logf polynomial and ln2 split in a head (exact products) and a tail. No bit manipulation
 * and no special values: about 25 vector operations.
 *
 * <p>Accuracy, measured by {@code VectorMathTest} against {@link Math#log1p} in double over every
 * 61st float of the domain and every float near the boundaries of the reduction: at most 2 ulps of
 * the correctly rounded float (1.39 measured).
 *
 * <p>Polynomial exp, expm1, log and general log1p (Cody-Waite reduction, exponent from the bits,
 * within 1.5 ulps) were measured too, one kernel per JVM against the stubs they would replace: exp
 * and log no faster than the stubs (0.75 and 1.0 ns), and a loop holding two polynomials outgrows
 * C2's inlining budget and boxes its vectors (see {@link VectorKernels}); so only this one is kept.
 *
 * <p>Loaded only with {@link VectorKernels}, when the JVM has the Vector API module.
 */
final class VectorMath {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private static FloatVector c(float v) {
    return FloatVector.broadcast(S, v);
  }

  // Constants in static vectors: a broadcast per call would add nodes to the caller's budget.
  private static final FloatVector ZERO = c(0f);
  private static final FloatVector ONE = c(1f);
  private static final FloatVector MINUS_ONE = c(-1f);
  private static final FloatVector HALF = c(0.5f);
  private static final FloatVector MINUS_HALF = c(-0.5f);
  private static final FloatVector TWO = c(2f);

  /** ln 2 = LN2_HI + LN2_LO, the head with 9 significant bits: k LN2_HI is exact. */
  private static final FloatVector LN2_HI = c(0.693359375f);

  private static final FloatVector LN2_LO = c(-2.12194440e-4f);

  // Cephes logf: log1p(r) = r - r^2 / 2 + r^3 (L0 r^8 + ... + L8), r in [sqrt(1/2) - 1, sqrt(2) -
  // 1].
  private static final FloatVector L0 = c(7.0376836292e-2f);
  private static final FloatVector L1 = c(-1.1514610310e-1f);
  private static final FloatVector L2 = c(1.1676998740e-1f);
  private static final FloatVector L3 = c(-1.2420140846e-1f);
  private static final FloatVector L4 = c(1.4249322787e-1f);
  private static final FloatVector L5 = c(-1.6668057665e-1f);
  private static final FloatVector L6 = c(2.0000714765e-1f);
  private static final FloatVector L7 = c(-2.4999993993e-1f);
  private static final FloatVector L8 = c(3.3333331174e-1f);

  private VectorMath() {}

  /**
   * log(1 + y) for y in [-1/2, 1] only (softplus's log1p(exp(-|x|)), bce's log1p(-min(p, 1 - p))):
   * with the exponent k of 1 + y known to be -1, 0 or 1, m - 1 is taken exactly from y (y, 1 + 2y,
   * or (y - 1) / 2). Other arguments give meaningless results.
   */
  static FloatVector log1pSmall(FloatVector y) {
    VectorMask<Float> high = y.compare(GE, 0.41421356f);
    VectorMask<Float> low = y.lt(-0.29289322f);
    FloatVector r = y.blend(y.sub(ONE).mul(HALF), high).blend(y.fma(TWO, ONE), low);
    FloatVector k = ZERO.blend(ONE, high).blend(MINUS_ONE, low);
    FloatVector z = r.mul(r);
    FloatVector p =
        r.fma(L0, L1).fma(r, L2).fma(r, L3).fma(r, L4).fma(r, L5).fma(r, L6).fma(r, L7).fma(r, L8);
    FloatVector yy = p.mul(r).mul(z);
    yy = k.fma(LN2_LO, yy);
    yy = z.fma(MINUS_HALF, yy);
    return k.fma(LN2_HI, r.add(yy));
  }
}

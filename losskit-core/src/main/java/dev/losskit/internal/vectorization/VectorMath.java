package dev.losskit.internal.vectorization;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.IS_NAN;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LSHL;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, expm1, log and log1p in float lanes, written with FMA polynomials: cheaper than the JDK's
 * vectorised math stubs (about 0.75 ns per element for EXP, 1.0 for LOG, 1.4 for EXPM1 and LOG1P on
 * an AVX2 machine), which the elementwise kernels call several times per element.
 *
 * <p>exp and expm1: Cody-Waite reduction {@code x = n ln2 + r}, {@code |r| <= ln2 / 2}, with ln2
 * split in a short head (exact products) and a tail; {@code n} rounded by adding {@code 1.5 * 2^23}
 * and read back from the bits; {@code e^r - 1 = r + r^2 P(r)} with Cephes' degree-5 polynomial; the
 * scale {@code 2^n} built from exponent bits in two halves, so that subnormal results and overflow
 * to infinity come out right without a branch. log and log1p: {@code x = 2^k m} with {@code m} in
 * {@code [sqrt(1/2), sqrt(2))} taken from the bits, {@code log x = k ln2 + log1p(m - 1)} with
 * Cephes' degree-8 polynomial; log1p adds the rounding error of {@code 1 + y} back into {@code m -
 * 1}, so it keeps full relative accuracy for tiny {@code y}. Lanes outside the normal range (0,
 * subnormal, negative, infinite, NaN) take a rarely used branch that fixes them up.
 *
 * <p>Accuracy (measured by {@code VectorMathTest} against {@link Math} in double over a dense sweep
 * of all floats, including subnormal results, the overflow and underflow edges, zeros, infinities
 * and NaN): at most 2 ulps of the correctly rounded float for each function (measured: exp 0.98,
 * expm1 1.44, log 0.82, log1p 1.39, log1pSmall 1.39 on its domain [-1/2, 1]); special values as
 * {@link Math}. Against the JDK stubs (1 ulp) this trades one ulp for about half the time.
 *
 * <p>Written flat, with constants in static vectors and no nested helpers: C2 stops inlining a
 * method once it has parsed too many nodes (or nested too deep), and a Vector API call left out of
 * line boxes its vectors, which costs ten times the arithmetic. A kernel that calls two of these
 * functions stays within the budget.
 *
 * <p>Loaded only with {@link VectorKernels}, when the JVM has the Vector API module.
 */
final class VectorMath {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> I = S.withLanes(int.class);

  private static FloatVector c(float v) {
    return FloatVector.broadcast(S, v);
  }

  private static IntVector c(int v) {
    return IntVector.broadcast(I, v);
  }

  private static final FloatVector ONE = c(1f);
  private static final FloatVector LOG2E = c(1.44269504088896341f);

  /**
   * 1.5 * 2^23: adding it rounds a float below 2^22 in magnitude to an integer held in the low
   * bits; adding its bits to an int k and subtracting it again converts k to float.
   */
  private static final float ROUNDER_F = 12582912f;

  private static final FloatVector ROUNDER = c(ROUNDER_F);
  private static final IntVector ROUNDER_BITS = c(Float.floatToRawIntBits(ROUNDER_F));

  /** -ln 2 = MINUS_LN2_HI + MINUS_LN2_LO, the head with 9 significant bits: n times it is exact. */
  private static final FloatVector MINUS_LN2_HI = c(-0.693359375f);

  private static final FloatVector MINUS_LN2_LO = c(2.12194440e-4f);
  private static final FloatVector LN2_HI = c(0.693359375f);
  private static final FloatVector LN2_LO = c(-2.12194440e-4f);

  /** exp rounds to 0 below -103.97 and overflows above 88.73: clamping keeps n within int bits. */
  private static final FloatVector EXP_LO = c(-104f);

  private static final FloatVector EXP_HI = c(89f);

  /** Above this, 2^n may be 2^128 (n = 128 from x = 88.03 on): expm1 takes exp's form. */
  private static final float EXPM1_HI = 88f;

  private static final IntVector EXPONENT_BIAS = c(127);

  // Cephes expf: e^r - 1 = r + r^2 (E0 r^5 + ... + E5), |r| <= ln2 / 2.
  private static final FloatVector E0 = c(1.9875691500e-4f);
  private static final FloatVector E1 = c(1.3981999507e-3f);
  private static final FloatVector E2 = c(8.3334519073e-3f);
  private static final FloatVector E3 = c(4.1665795894e-2f);
  private static final FloatVector E4 = c(1.6666665459e-1f);
  private static final FloatVector E5 = c(5.0000001201e-1f);

  /** Bits of sqrt(1/2): subtracting them splits x into 2^k m with m in [sqrt(1/2), sqrt(2)). */
  private static final IntVector SQRT_HALF_BITS = c(0x3f3504f3);

  private static final IntVector EXPONENT_MASK = c(0xff800000);
  private static final IntVector MAX_SHIFT = c(126);
  private static final FloatVector MINUS_HALF = c(-0.5f);

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

  private static final float TWO_TO_23 = 8388608f;

  private VectorMath() {}

  /** e^x; 0 below -103.97, +inf above 88.73, NaN for NaN. */
  static FloatVector exp(FloatVector x) {
    FloatVector xc = x.max(EXP_LO).min(EXP_HI);
    FloatVector t = xc.fma(LOG2E, ROUNDER);
    FloatVector nf = t.sub(ROUNDER);
    FloatVector r = nf.fma(MINUS_LN2_HI, xc);
    r = nf.fma(MINUS_LN2_LO, r);
    FloatVector p = r.fma(E0, E1).fma(r, E2).fma(r, E3).fma(r, E4).fma(r, E5);
    FloatVector q = r.mul(r).fma(p, r);
    IntVector n = t.reinterpretAsInts().sub(ROUNDER_BITS);
    // 2^n in two halves: each stays a normal float from the subnormal range to the overflow.
    IntVector half = n.lanewise(ASHR, 1);
    FloatVector s1 = half.add(EXPONENT_BIAS).lanewise(LSHL, 23).reinterpretAsFloats();
    FloatVector s2 = n.sub(half).add(EXPONENT_BIAS).lanewise(LSHL, 23).reinterpretAsFloats();
    return q.add(ONE).mul(s1).mul(s2);
  }

  /** e^x - 1, accurate near 0, where exp(x) - 1 would cancel; +inf above 88.73. */
  static FloatVector expm1(FloatVector x) {
    FloatVector xc = x.max(EXP_LO).min(EXP_HI);
    FloatVector t = xc.fma(LOG2E, ROUNDER);
    FloatVector nf = t.sub(ROUNDER);
    FloatVector r = nf.fma(MINUS_LN2_HI, xc);
    r = nf.fma(MINUS_LN2_LO, r);
    FloatVector p = r.fma(E0, E1).fma(r, E2).fma(r, E3).fma(r, E4).fma(r, E5);
    FloatVector q = r.mul(r).fma(p, r);
    IntVector n = t.reinterpretAsInts().sub(ROUNDER_BITS);
    IntVector half = n.lanewise(ASHR, 1);
    FloatVector s1 = half.add(EXPONENT_BIAS).lanewise(LSHL, 23).reinterpretAsFloats();
    FloatVector s2 = n.sub(half).add(EXPONENT_BIAS).lanewise(LSHL, 23).reinterpretAsFloats();
    // 2^n (1 + q) - 1 = 2^n q + (2^n - 1), rounded once; 2^n - 1 is exact for |n| <= 24.
    FloatVector e = s1.fma(q.mul(s2), s1.mul(s2).sub(ONE));
    VectorMask<Float> huge = x.compare(GT, EXPM1_HI);
    if (huge.anyTrue()) {
      // 2^n overflows float for n = 128 (x > 88.03); there e^x - 1 is e^x to the last bit.
      e = e.blend(q.add(ONE).mul(s1).mul(s2), huge);
    }
    return e;
  }

  /** log x: -inf at 0, NaN below 0 and for NaN, +inf at +inf. */
  static FloatVector log(FloatVector x) {
    VectorMask<Float> normal = x.compare(GE, Float.MIN_NORMAL).and(x.compare(LE, Float.MAX_VALUE));
    return normal.allTrue() ? logNormal(x) : logSpecial(x);
  }

  /** log x for positive normal x. */
  private static FloatVector logNormal(FloatVector x) {
    IntVector bits = x.reinterpretAsInts();
    IntVector shifted = bits.sub(SQRT_HALF_BITS);
    FloatVector k = shifted.lanewise(ASHR, 23).add(ROUNDER_BITS).reinterpretAsFloats().sub(ROUNDER);
    FloatVector r = bits.sub(shifted.and(EXPONENT_MASK)).reinterpretAsFloats().sub(ONE);
    FloatVector z = r.mul(r);
    FloatVector p =
        r.fma(L0, L1).fma(r, L2).fma(r, L3).fma(r, L4).fma(r, L5).fma(r, L6).fma(r, L7).fma(r, L8);
    FloatVector y = p.mul(r).mul(z);
    y = k.fma(LN2_LO, y);
    y = z.fma(MINUS_HALF, y);
    return k.fma(LN2_HI, r.add(y));
  }

  /** log x where some lane is 0, subnormal, negative, infinite or NaN. */
  private static FloatVector logSpecial(FloatVector x) {
    VectorMask<Float> subnormal = x.compare(GE, Float.MIN_VALUE).and(x.lt(Float.MIN_NORMAL));
    FloatVector l = logNormal(x.blend(x.mul(TWO_TO_23), subnormal));
    l = l.blend(l.add(-23 * 0.693359375f).add(-23 * -2.12194440e-4f), subnormal);
    return special(x, l);
  }

  /** Fixes the lanes of log(u) where u is 0, negative, +inf or NaN. */
  private static FloatVector special(FloatVector u, FloatVector l) {
    return l.blend(Float.NEGATIVE_INFINITY, u.eq(0f))
        .blend(Float.POSITIVE_INFINITY, u.eq(Float.POSITIVE_INFINITY))
        .blend(Float.NaN, u.lt(0f).or(u.test(IS_NAN)));
  }

  /** log(1 + y), accurate for tiny y: -inf at -1, NaN below -1 and for NaN, +inf at +inf. */
  static FloatVector log1p(FloatVector y) {
    FloatVector u = y.add(ONE);
    IntVector bits = u.reinterpretAsInts();
    IntVector shifted = bits.sub(SQRT_HALF_BITS);
    IntVector kBits = shifted.lanewise(ASHR, 23);
    FloatVector k = kBits.add(ROUNDER_BITS).reinterpretAsFloats().sub(ROUNDER);
    // u rounds 1 + y; its error c = y - (u - 1) is exact, and shifts m - 1 by c 2^-k.
    FloatVector c = y.sub(u.sub(ONE));
    FloatVector scale =
        EXPONENT_BIAS.sub(kBits.min(MAX_SHIFT)).lanewise(LSHL, 23).reinterpretAsFloats();
    FloatVector m = bits.sub(shifted.and(EXPONENT_MASK)).reinterpretAsFloats();
    FloatVector r = c.fma(scale, m.sub(ONE));
    FloatVector z = r.mul(r);
    FloatVector p =
        r.fma(L0, L1).fma(r, L2).fma(r, L3).fma(r, L4).fma(r, L5).fma(r, L6).fma(r, L7).fma(r, L8);
    FloatVector yy = p.mul(r).mul(z);
    yy = k.fma(LN2_LO, yy);
    yy = z.fma(MINUS_HALF, yy);
    FloatVector l = k.fma(LN2_HI, r.add(yy));
    VectorMask<Float> normal = u.compare(GT, 0f).and(u.compare(LE, Float.MAX_VALUE));
    return normal.allTrue() ? l : special(u, l);
  }

  private static final FloatVector ZERO = c(0f);
  private static final FloatVector MINUS_ONE = c(-1f);
  private static final FloatVector HALF = c(0.5f);
  private static final FloatVector TWO = c(2f);

  /**
   * log(1 + y) for y in [-1/2, 1] only (softplus's log1p(exp(-|x|)), log-cosh's log((1 + e) / 2)):
   * with the exponent k of 1 + y known to be -1, 0 or 1, m - 1 is taken exactly from y (y, 1 + 2y,
   * or (y - 1) / 2), with no bit manipulation and no special values; a third fewer operations than
   * {@link #log1p}, which leaves room for the rest of a kernel in C2's inlining budget.
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

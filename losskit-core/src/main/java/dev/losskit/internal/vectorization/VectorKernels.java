package dev.losskit.internal.vectorization;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.EXP;
import static jdk.incubator.vector.VectorOperators.F2D;
import static jdk.incubator.vector.VectorOperators.LOG;
import static jdk.incubator.vector.VectorOperators.LOG1P;

import dev.losskit.internal.Numerics;
import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels on the Vector API: float lanes of the widest species the CPU has, transcendental
 * functions through the JDK's vectorised math stubs (one through {@link VectorMath}), and double
 * accumulation of partial sums.
 *
 * <p>The transcendental kernels (log-cosh, bce, bce-with-logits, sigmoid-focal) work block by block
 * in passes through a per-thread scratch: first each stub call in a loop of its own (in a loop with
 * many live vectors every call spills them), then {@link VectorMath}'s polynomial log1p in a loop
 * of its own (no call there, so the FMA chains of successive vectors can overlap: a third faster),
 * then the arithmetic. The arithmetic pass of log-cosh and sigmoid-focal is a method too large for
 * C2 to inline (over 325 bytes of bytecode): one compilation has a budget of IR nodes for inlining,
 * and a vector operation left out of line past it boxes every vector, ten times slower. Vectors
 * merged from a static constant and a computed value are boxed too. {@code KernelsTest} checks, in
 * a JVM of its own, that no compiled kernel allocates per element.
 *
 * <p>Each loop computes the values in float lanes, adds them to double lanes and folds those into
 * one double every {@link #BLOCK} elements: the sum carries each value's float rounding (about 1e-7
 * relative) and double rounding only, at any size. A block whose sum is not finite (float overflow
 * where double does not overflow: residuals beyond 1e19, exponentials beyond 88) is recomputed by
 * the scalar kernel, as is the tail shorter than one vector: results on extreme inputs are those of
 * the double path.
 *
 * <p>Loaded only by {@link Vectorization}, reflectively, when the JVM has the module.
 */
final class VectorKernels implements Kernels {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  /** Double lanes of the same width: each float vector of values widens into two of them. */
  private static final VectorSpecies<Double> D =
      VectorSpecies.of(double.class, VectorShape.forBitSize(S.vectorBitSize()));

  /** Elements per partial sum: the unit of the fallback to double on float overflow. */
  private static final int BLOCK = 256;

  /** Per-thread space for a block's transcendental results (three blocks of floats). */
  private static final ThreadLocal<float[]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[3 * BLOCK]);

  private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
  private static final ScalarKernels SCALAR = ScalarKernels.INSTANCE;
  private static final float LN2 = (float) Math.log(2);
  private static final float HALF_LOG_2PI = (float) (0.5 * Math.log(2 * Math.PI));
  private static final float KL_LOG_FLOOR = Float.MIN_NORMAL;

  /** Below this |r| log-cosh uses its Taylor series, where the closed form cancels. */
  private static final float LOG_COSH_SERIES_BELOW = 0.375f;

  // log(cosh r) = r^2/2 - r^4/12 + r^6/45 - 17 r^8/2520 + 31 r^10/14175 - ...
  private static final FloatVector LC0 = FloatVector.broadcast(S, 0.5f);
  private static final FloatVector LC1 = FloatVector.broadcast(S, -1f / 12f);
  private static final FloatVector LC2 = FloatVector.broadcast(S, 1f / 45f);
  private static final FloatVector LC3 = FloatVector.broadcast(S, -17f / 2520f);
  private static final FloatVector LC4 = FloatVector.broadcast(S, 31f / 14175f);
  // tanh r = r (1 - r^2/3 + 2 r^4/15 - 17 r^6/315 + 62 r^8/2835 - 1382 r^10/155925 + ...)
  private static final FloatVector TH1 = FloatVector.broadcast(S, -1f / 3f);
  private static final FloatVector TH2 = FloatVector.broadcast(S, 2f / 15f);
  private static final FloatVector TH3 = FloatVector.broadcast(S, -17f / 315f);
  private static final FloatVector TH4 = FloatVector.broadcast(S, 62f / 2835f);
  private static final FloatVector TH5 = FloatVector.broadcast(S, -1382f / 155925f);

  VectorKernels() {
    if (S.vectorBitSize() < 128) {
      throw new UnsupportedOperationException("vectors of " + S.vectorBitSize() + " bits");
    }
  }

  @Override
  public String toString() {
    return "VectorKernels[" + S + "]";
  }

  /**
   * Adds float values to double lanes. Summing in double keeps the sum exact up to each value's own
   * float rounding, so that a change in one element changes the sum by exactly its change in value
   * (finite differences of the value, as the gradient checker takes, stay meaningful).
   */
  private static DoubleVector accumulate(DoubleVector acc, FloatVector l) {
    return acc.add((DoubleVector) l.convertShape(F2D, D, 0))
        .add((DoubleVector) l.convertShape(F2D, D, 1));
  }

  private static FloatVector load(float[] a, int i) {
    return FloatVector.fromArray(S, a, i);
  }

  /** +c, -c or 0 by the sign of r (0 for r = 0, as Math.signum). */
  private static FloatVector signTimes(FloatVector r, FloatVector c, FloatVector minusC) {
    return c.blend(minusC, r.lt(0f)).blend(0f, r.eq(0f));
  }

  @Override
  public double mse(
      float[] p, float[] t, float[] values, float[] g, double scale, int from, int to) {
    float c = (float) (2 * scale);
    int bound = from + S.loopBound(to - from);
    double sum = 0;
    for (int start = from; start < bound; start += BLOCK) {
      int end = Math.min(bound, start + BLOCK);
      DoubleVector acc = DoubleVector.zero(D);
      for (int i = start; i < end; i += L) {
        FloatVector r = load(p, i).sub(load(t, i));
        FloatVector l = r.mul(r);
        acc = accumulate(acc, l);
        if (values != null) {
          l.intoArray(values, i);
        }
        if (g != null) {
          r.mul(c).intoArray(g, i);
        }
      }
      double s = acc.reduceLanes(ADD);
      sum += Double.isFinite(s) ? s : SCALAR.mse(p, t, values, g, scale, start, end);
    }
    return sum + SCALAR.mse(p, t, values, g, scale, bound, to);
  }

  @Override
  public double mae(
      float[] p, float[] t, float[] values, float[] g, double scale, int from, int to) {
    FloatVector c = FloatVector.broadcast(S, (float) scale);
    FloatVector minusC = c.neg();
    int bound = from + S.loopBound(to - from);
    double sum = 0;
    for (int start = from; start < bound; start += BLOCK) {
      int end = Math.min(bound, start + BLOCK);
      DoubleVector acc = DoubleVector.zero(D);
      for (int i = start; i < end; i += L) {
        FloatVector r = load(p, i).sub(load(t, i));
        FloatVector l = r.abs();
        acc = accumulate(acc, l);
        if (values != null) {
          l.intoArray(values, i);
        }
        if (g != null) {
          signTimes(r, c, minusC).intoArray(g, i);
        }
      }
      double s = acc.reduceLanes(ADD);
      sum += Double.isFinite(s) ? s : SCALAR.mae(p, t, values, g, scale, start, end);
    }
    return sum + SCALAR.mae(p, t, values, g, scale, bound, to);
  }

  @Override
  public double smoothL1(
      float[] p,
      float[] t,
      double beta,
      float[] values,
      float[] g,
      double scale,
      int from,
      int to) {
    float b = (float) beta;
    float halfInvBeta = beta > 0 ? (float) (0.5 / beta) : 0f;
    float halfBeta = (float) (0.5 * beta);
    float quadScale = beta > 0 ? (float) (scale / beta) : 0f;
    FloatVector c = FloatVector.broadcast(S, (float) scale);
    FloatVector minusC = c.neg();
    int bound = from + S.loopBound(to - from);
    double sum = 0;
    for (int start = from; start < bound; start += BLOCK) {
      int end = Math.min(bound, start + BLOCK);
      DoubleVector acc = DoubleVector.zero(D);
      for (int i = start; i < end; i += L) {
        FloatVector r = load(p, i).sub(load(t, i));
        FloatVector a = r.abs();
        VectorMask<Float> quadratic = a.lt(b);
        FloatVector l = a.sub(halfBeta).blend(r.mul(r).mul(halfInvBeta), quadratic);
        acc = accumulate(acc, l);
        if (values != null) {
          l.intoArray(values, i);
        }
        if (g != null) {
          signTimes(r, c, minusC).blend(r.mul(quadScale), quadratic).intoArray(g, i);
        }
      }
      double s = acc.reduceLanes(ADD);
      sum += Double.isFinite(s) ? s : SCALAR.smoothL1(p, t, beta, values, g, scale, start, end);
    }
    return sum + SCALAR.smoothL1(p, t, beta, values, g, scale, bound, to);
  }

  @Override
  public double huber(
      float[] p,
      float[] t,
      double delta,
      float[] values,
      float[] g,
      double scale,
      int from,
      int to) {
    float d = (float) delta;
    float halfDeltaSquared = (float) (0.5 * delta * delta);
    float c = (float) scale;
    int bound = from + S.loopBound(to - from);
    double sum = 0;
    for (int start = from; start < bound; start += BLOCK) {
      int end = Math.min(bound, start + BLOCK);
      DoubleVector acc = DoubleVector.zero(D);
      for (int i = start; i < end; i += L) {
        FloatVector r = load(p, i).sub(load(t, i));
        FloatVector a = r.abs();
        FloatVector l =
            a.mul(d)
                .sub(halfDeltaSquared)
                .blend(r.mul(r).mul(0.5f), a.compare(VectorOperators.LE, d));
        acc = accumulate(acc, l);
        if (values != null) {
          l.intoArray(values, i);
        }
        if (g != null) {
          r.max(-d).min(d).mul(c).intoArray(g, i);
        }
      }
      double s = acc.reduceLanes(ADD);
      sum += Double.isFinite(s) ? s : SCALAR.huber(p, t, delta, values, g, scale, start, end);
    }
    return sum + SCALAR.huber(p, t, delta, values, g, scale, bound, to);
  }

  @Override
  public double logCosh(
      float[] p, float[] t, float[] values, float[] g, double scale, int from, int to) {
    float[] scratch = SCRATCH.get();
    int bound = from + S.loopBound(to - from);
    double sum = 0;
    for (int start = from; start < bound; start += BLOCK) {
      int end = Math.min(bound, start + BLOCK);
      logCoshExp(p, t, scratch, start, end);
      sum += logCoshBlock(p, t, scratch, values, g, scale, start, end);
    }
    return sum + SCALAR.logCosh(p, t, values, g, scale, bound, to);
  }

  /**
   * log-cosh's transcendental pass over one block: e = exp(-2|r|) into {@code scratch[0, BLOCK)}
   * and log(1 + e) into {@code scratch[BLOCK, 2 BLOCK)}. In a loop of their own the two stub calls
   * cost what they cost alone; in the arithmetic's loop each call spills its live vectors.
   */
  private static void logCoshExp(float[] p, float[] t, float[] scratch, int start, int end) {
    for (int i = start; i < end; i += L) {
      FloatVector e = load(p, i).sub(load(t, i)).abs().mul(-2f).lanewise(EXP);
      e.intoArray(scratch, i - start);
      // 1 + e rounds off err = e - (s - 1) exactly (e <= 1): log(1 + e) = log(s) + err / s.
      FloatVector s = e.add(1f);
      FloatVector err = e.sub(s.sub(1f));
      s.lanewise(LOG).add(err.div(s)).intoArray(scratch, BLOCK + i - start);
    }
  }

  /**
   * log-cosh's arithmetic pass over one block, after {@link #logCoshExp}. Compiled on its own: its
   * bytecode exceeds what C2 inlines into a hot caller (325 bytes), and inlined with the exp pass
   * the two would outgrow the node budget of one compilation, which leaves vector operations out of
   * line and boxes them (KernelsTest checks that no kernel allocates per element).
   */
  private static double logCoshBlock(
      float[] p,
      float[] t,
      float[] scratch,
      float[] values,
      float[] g,
      double scale,
      int start,
      int end) {
    FloatVector c = FloatVector.broadcast(S, (float) scale);
    FloatVector minusC = c.neg();
    DoubleVector acc = DoubleVector.zero(D);
    for (int i = start; i < end; i += L) {
      FloatVector r = load(p, i).sub(load(t, i));
      FloatVector a = r.abs();
      FloatVector e = load(scratch, i - start);
      // log(cosh r) = |r| - ln2 + log(1 + e), tanh|r| = (1 - e) / (1 + e).
      FloatVector closed = a.sub(LN2).add(load(scratch, BLOCK + i - start));
      FloatVector closedTanh = ONE.sub(e).div(e.add(1f));
      // Near 0 both lose |r| to cancellation: their series in r^2 instead.
      FloatVector a2 = a.mul(a);
      FloatVector series = a2.fma(LC4, LC3).fma(a2, LC2).fma(a2, LC1).fma(a2, LC0).mul(a2);
      FloatVector seriesTanh =
          a2.fma(TH5, TH4).fma(a2, TH3).fma(a2, TH2).fma(a2, TH1).fma(a2, ONE).mul(a);
      VectorMask<Float> near0 = a.lt(LOG_COSH_SERIES_BELOW);
      FloatVector l = closed.blend(series, near0);
      acc = accumulate(acc, l);
      if (values != null) {
        l.intoArray(values, i);
      }
      if (g != null) {
        closedTanh.blend(seriesTanh, near0).mul(signTimes(r, c, minusC)).intoArray(g, i);
      }
    }
    double s = acc.reduceLanes(ADD);
    return Double.isFinite(s) ? s : SCALAR.logCosh(p, t, values, g, scale, start, end);
  }

  @Override
  public double quantile(
      float[] p, float[] t, double q, float[] values, float[] g, double scale, int from, int to) {
    float qf = (float) q;
    float qm1 = (float) (q - 1);
    float below = (float) (-q * scale);
    float above = (float) ((1 - q) * scale);
    int bound = from + S.loopBound(to - from);
    double sum = 0;
    for (int start = from; start < bound; start += BLOCK) {
      int end = Math.min(bound, start + BLOCK);
      DoubleVector acc = DoubleVector.zero(D);
      for (int i = start; i < end; i += L) {
        FloatVector d = load(t, i).sub(load(p, i));
        VectorMask<Float> negative = d.lt(0f);
        FloatVector l = d.mul(qf).blend(d.mul(qm1), negative);
        acc = accumulate(acc, l);
        if (values != null) {
          l.intoArray(values, i);
        }
        if (g != null) {
          FloatVector.broadcast(S, 0f)
              .blend(below, d.compare(VectorOperators.GT, 0f))
              .blend(above, negative)
              .intoArray(g, i);
        }
      }
      double s = acc.reduceLanes(ADD);
      sum += Double.isFinite(s) ? s : SCALAR.quantile(p, t, q, values, g, scale, start, end);
    }
    return sum + SCALAR.quantile(p, t, q, values, g, scale, bound, to);
  }

  @Override
  public double bceWithLogits(
      float[] x,
      float[] t,
      boolean signLabels,
      float[] values,
      float[] g,
      double scale,
      int from,
      int to) {
    float[] scratch = SCRATCH.get();
    int bound = from + S.loopBound(to - from);
    double sum = 0;
    for (int start = from; start < bound; start += BLOCK) {
      int end = Math.min(bound, start + BLOCK);
      softplusTerms(x, scratch, start, end);
      sum += bceWithLogitsBlock(x, t, signLabels, scratch, values, g, scale, start, end);
    }
    return sum + SCALAR.bceWithLogits(x, t, signLabels, values, g, scale, bound, to);
  }

  /**
   * e = exp(-|x|) into {@code scratch[0, BLOCK)} and log1p(e) into {@code scratch[BLOCK, 2 BLOCK)},
   * each in a loop of its own: the stub's loop spills nothing, and the polynomial's loop has no
   * call, so that the FMA chains of successive vectors can overlap.
   */
  private static void softplusTerms(float[] x, float[] scratch, int start, int end) {
    int n = end - start;
    for (int i = 0; i < n; i += L) {
      load(x, start + i).abs().neg().lanewise(EXP).intoArray(scratch, i);
    }
    for (int i = 0; i < n; i += L) {
      VectorMath.log1pSmall(load(scratch, i)).intoArray(scratch, BLOCK + i);
    }
  }

  /** bce-with-logits over one block, after {@link #softplusTerms}. */
  private static double bceWithLogitsBlock(
      float[] x,
      float[] t,
      boolean signLabels,
      float[] scratch,
      float[] values,
      float[] g,
      double scale,
      int start,
      int end) {
    float c = (float) scale;
    // t = a y + b: the targets themselves, or (1 + y) / 2 for labels -1 and +1 (one FMA either way:
    // a choice between two vectors in the loop would box them).
    float a = signLabels ? 0.5f : 1f;
    float b = signLabels ? 0.5f : 0f;
    DoubleVector acc = DoubleVector.zero(D);
    for (int i = start; i < end; i += L) {
      FloatVector xv = load(x, i);
      FloatVector tv = load(t, i).fma(a, b);
      // t softplus(-x) + (1 - t) softplus(x) = max(x, 0) - t x + log1p(exp(-|x|)).
      FloatVector e = load(scratch, i - start);
      FloatVector l = xv.max(0f).sub(tv.mul(xv)).add(load(scratch, BLOCK + i - start));
      acc = accumulate(acc, l);
      if (values != null) {
        l.intoArray(values, i);
      }
      if (g != null) {
        FloatVector inv = ONE.div(e.add(1f));
        FloatVector sigmoid = e.mul(inv).blend(inv, xv.lt(0f).not());
        sigmoid.sub(tv).mul(c).intoArray(g, i);
      }
    }
    double s = acc.reduceLanes(ADD);
    return Double.isFinite(s)
        ? s
        : SCALAR.bceWithLogits(x, t, signLabels, values, g, scale, start, end);
  }

  @Override
  public double bce(
      float[] p,
      float[] t,
      double logFloor,
      double eps,
      float[] values,
      float[] g,
      double scale,
      int from,
      int to) {
    float[] scratch = SCRATCH.get();
    int bound = from + S.loopBound(to - from);
    double sum = 0;
    for (int start = from; start < bound; start += BLOCK) {
      int end = Math.min(bound, start + BLOCK);
      bceLogs(p, scratch, start, end);
      sum += bceBlock(p, t, scratch, logFloor, eps, values, g, scale, start, end);
    }
    return sum + SCALAR.bce(p, t, logFloor, eps, values, g, scale, bound, to);
  }

  /**
   * log(u) and log(1 - u) for u = min(p, 1 - p) (1 - p is exact wherever it is the smaller) into
   * {@code scratch[0, BLOCK)} and {@code scratch[BLOCK, 2 BLOCK)}: the first from the stub, the
   * second as log1p(-u) from the polynomial (-u in [-1/2, 0]), each in a loop of its own (see
   * {@link #softplusTerms}).
   */
  private static void bceLogs(float[] p, float[] scratch, int start, int end) {
    int n = end - start;
    for (int i = 0; i < n; i += L) {
      FloatVector pv = load(p, start + i);
      FloatVector u = pv.min(ONE.sub(pv));
      u.lanewise(LOG).intoArray(scratch, i);
      u.neg().intoArray(scratch, BLOCK + i);
    }
    for (int i = 0; i < n; i += L) {
      VectorMath.log1pSmall(load(scratch, BLOCK + i)).intoArray(scratch, BLOCK + i);
    }
  }

  /** bce over one block, after {@link #bceLogs}. */
  private static double bceBlock(
      float[] p,
      float[] t,
      float[] scratch,
      double logFloor,
      double eps,
      float[] values,
      float[] g,
      double scale,
      int start,
      int end) {
    float floor = (float) logFloor;
    float epsF = (float) eps;
    float c = (float) scale;
    DoubleVector acc = DoubleVector.zero(D);
    for (int i = start; i < end; i += L) {
      FloatVector pv = load(p, i);
      FloatVector tv = load(t, i);
      VectorMask<Float> upper = pv.compare(VectorOperators.GT, 0.5f);
      FloatVector logU = load(scratch, i - start);
      FloatVector log1mU = load(scratch, BLOCK + i - start);
      FloatVector logP = logU.blend(log1mU, upper).max(floor);
      FloatVector log1mP = log1mU.blend(logU, upper).max(floor);
      FloatVector l = tv.mul(logP).add(tv.neg().add(1f).mul(log1mP)).neg();
      acc = accumulate(acc, l);
      if (values != null) {
        l.intoArray(values, i);
      }
      if (g != null) {
        FloatVector den = pv.neg().add(1f).mul(pv).max(epsF);
        pv.sub(tv).div(den).mul(c).intoArray(g, i);
      }
    }
    double s = acc.reduceLanes(ADD);
    return Double.isFinite(s) ? s : SCALAR.bce(p, t, logFloor, eps, values, g, scale, start, end);
  }

  @Override
  public double sigmoidFocal(
      float[] x,
      float[] t,
      double alpha,
      double gamma,
      float[] values,
      float[] g,
      double scale,
      int from,
      int to) {
    boolean power = gamma != 2;
    float[] scratch = SCRATCH.get();
    int bound = from + S.loopBound(to - from);
    double sum = 0;
    for (int start = from; start < bound; start += BLOCK) {
      int end = Math.min(bound, start + BLOCK);
      focalExp(x, t, (float) gamma, power, scratch, start, end);
      sum += sigmoidFocalBlock(x, t, alpha, gamma, scratch, values, g, scale, start, end);
    }
    return sum + SCALAR.sigmoidFocal(x, t, alpha, gamma, values, g, scale, bound, to);
  }

  /**
   * sigmoid-focal's transcendental pass over one block, its stub calls in loops of their own (see
   * {@link #logCoshExp}): e = exp(-|x|) into {@code scratch[0, BLOCK)}, log1p(e) into {@code
   * scratch[BLOCK, 2 BLOCK)} and, for a gamma other than 2, m^gamma into {@code scratch[2 BLOCK, 3
   * BLOCK)}: 1 for gamma = 0, else exp(gamma log m) (0 at m = 0; the POW operator is not intrinsic
   * and boxes). A static vector such as ONE merged with computed ones in the arithmetic pass would
   * be boxed.
   */
  private static void focalExp(
      float[] x, float[] t, float gamma, boolean power, float[] scratch, int start, int end) {
    for (int i = start; i < end; i += L) {
      FloatVector e = load(x, i).abs().neg().lanewise(EXP);
      e.intoArray(scratch, i - start);
      e.lanewise(LOG1P).intoArray(scratch, BLOCK + i - start);
    }
    if (gamma == 0) {
      Arrays.fill(scratch, 2 * BLOCK, 2 * BLOCK + end - start, 1f);
      return;
    }
    for (int i = start; power && i < end; i += L) {
      FloatVector xv = load(x, i);
      FloatVector tv = load(t, i);
      FloatVector e = load(scratch, i - start);
      FloatVector inv = ONE.div(e.add(1f));
      VectorMask<Float> nonNegative = xv.lt(0f).not();
      FloatVector s = e.mul(inv).blend(inv, nonNegative);
      FloatVector u = inv.blend(e.mul(inv), nonNegative);
      FloatVector m = tv.neg().add(1f).mul(s).add(tv.mul(u));
      m.lanewise(LOG).mul(gamma).lanewise(EXP).intoArray(scratch, 2 * BLOCK + i - start);
    }
  }

  /**
   * sigmoid-focal's arithmetic pass over one block, after {@link #focalExp}; compiled on its own
   * (see {@link #logCoshBlock}).
   */
  private static double sigmoidFocalBlock(
      float[] x,
      float[] t,
      double alpha,
      double gamma,
      float[] scratch,
      float[] values,
      float[] g,
      double scale,
      int start,
      int end) {
    boolean weighted = alpha >= 0;
    float alphaF = (float) alpha;
    float gammaF = (float) gamma;
    float c = (float) scale;
    DoubleVector acc = DoubleVector.zero(D);
    for (int i = start; i < end; i += L) {
      FloatVector xv = load(x, i);
      FloatVector tv = load(t, i);
      FloatVector oneMinusT = tv.neg().add(1f);
      FloatVector e = load(scratch, i - start);
      FloatVector log1pE = load(scratch, BLOCK + i - start);
      FloatVector ce =
          oneMinusT.mul(xv.max(0f).add(log1pE)).add(tv.mul(xv.neg().max(0f).add(log1pE)));
      FloatVector inv = ONE.div(e.add(1f));
      VectorMask<Float> nonNegative = xv.lt(0f).not();
      FloatVector s = e.mul(inv).blend(inv, nonNegative);
      FloatVector u = inv.blend(e.mul(inv), nonNegative);
      FloatVector m = oneMinusT.mul(s).add(tv.mul(u));
      FloatVector amg = gamma == 2 ? m.mul(m) : load(scratch, 2 * BLOCK + i - start);
      if (weighted) {
        amg = amg.mul(tv.mul(alphaF).add(oneMinusT.mul(1f - alphaF)));
      }
      FloatVector l = amg.mul(ce);
      acc = accumulate(acc, l);
      if (values != null) {
        l.intoArray(values, i);
      }
      if (g != null) {
        // m'/m: -s for t = 1, u for t = 0, (1 - 2t) s u / m for soft labels (m > 0 there).
        FloatVector ratio =
            tv.mul(-2f).add(1f).mul(s).mul(u).div(m).blend(s.neg(), tv.eq(1f)).blend(u, tv.eq(0f));
        FloatVector sMinusT = oneMinusT.mul(s).sub(tv.mul(u));
        amg.mul(ratio.mul(ce).mul(gammaF).add(sMinusT)).mul(c).intoArray(g, i);
      }
    }
    double s = acc.reduceLanes(ADD);
    return Double.isFinite(s)
        ? s
        : SCALAR.sigmoidFocal(x, t, alpha, gamma, values, g, scale, start, end);
  }

  @Override
  public double poissonNll(
      float[] p,
      float[] t,
      boolean logInput,
      boolean full,
      double eps,
      float[] values,
      float[] g,
      double scale,
      int from,
      int to) {
    float cap = (float) Numerics.LOG_FLOAT_MAX;
    float epsF = (float) eps;
    float c = (float) scale;
    int bound = from + S.loopBound(to - from);
    double sum = 0;
    for (int start = from; start < bound; start += BLOCK) {
      int end = Math.min(bound, start + BLOCK);
      DoubleVector acc = DoubleVector.zero(D);
      for (int i = start; i < end; i += L) {
        FloatVector x = load(p, i);
        FloatVector y = load(t, i);
        FloatVector l;
        FloatVector d;
        if (logInput) {
          // exp(x), continued by its tangent beyond the cap; overflow falls back to double.
          FloatVector e = x.min(cap).lanewise(EXP);
          FloatVector expT = e.blend(x.sub(cap).add(1f).mul(e), x.compare(VectorOperators.GT, cap));
          l = expT.sub(y.mul(x));
          d = e.sub(y);
        } else {
          FloatVector rate = x.add(epsF);
          l = x.sub(y.mul(rate.lanewise(LOG)));
          d = y.div(rate).neg().add(1f);
        }
        if (full) {
          // Stirling's term y log y - y + log(2 pi y) / 2, only where y > 1.
          FloatVector stirling = y.add(0.5f).mul(y.lanewise(LOG)).sub(y).add(HALF_LOG_2PI);
          l = l.add(stirling, y.compare(VectorOperators.GT, 1f));
        }
        acc = accumulate(acc, l);
        if (values != null) {
          l.intoArray(values, i);
        }
        if (g != null) {
          d.mul(c).intoArray(g, i);
        }
      }
      double s = acc.reduceLanes(ADD);
      sum +=
          Double.isFinite(s)
              ? s
              : SCALAR.poissonNll(p, t, logInput, full, eps, values, g, scale, start, end);
    }
    return sum + SCALAR.poissonNll(p, t, logInput, full, eps, values, g, scale, bound, to);
  }

  @Override
  public double klDiv(
      float[] x,
      float[] t,
      boolean logTarget,
      float[] values,
      float[] gx,
      float[] gt,
      double scale,
      int from,
      int to) {
    float c = (float) scale;
    int bound = from + S.loopBound(to - from);
    double sum = 0;
    for (int start = from; start < bound; start += BLOCK) {
      int end = Math.min(bound, start + BLOCK);
      DoubleVector acc = DoubleVector.zero(D);
      for (int i = start; i < end; i += L) {
        FloatVector xv = load(x, i);
        FloatVector tv = load(t, i);
        FloatVector l;
        if (logTarget) {
          FloatVector e = tv.lanewise(EXP);
          FloatVector diff = tv.sub(xv);
          l = e.mul(diff);
          if (gx != null) {
            e.mul(-c).intoArray(gx, i);
          }
          if (gt != null) {
            diff.add(1f).mul(e).mul(c).intoArray(gt, i);
          }
        } else {
          // t (log t - x), 0 where t = 0: the floor keeps the log finite and t zeroes the term.
          FloatVector logT = tv.max(KL_LOG_FLOOR).lanewise(LOG);
          l = tv.mul(logT.sub(xv));
          if (gx != null) {
            tv.mul(-c).intoArray(gx, i);
          }
          if (gt != null) {
            logT.add(1f).sub(xv).mul(c).intoArray(gt, i);
          }
        }
        acc = accumulate(acc, l);
        if (values != null) {
          l.intoArray(values, i);
        }
      }
      double s = acc.reduceLanes(ADD);
      sum +=
          Double.isFinite(s) ? s : SCALAR.klDiv(x, t, logTarget, values, gx, gt, scale, start, end);
    }
    return sum + SCALAR.klDiv(x, t, logTarget, values, gx, gt, scale, bound, to);
  }

  @Override
  public double hinge(
      float[] p, float[] t, float[] values, float[] g, double scale, int from, int to) {
    FloatVector c = FloatVector.broadcast(S, (float) scale);
    FloatVector minusC = c.neg();
    int bound = from + S.loopBound(to - from);
    double sum = 0;
    for (int start = from; start < bound; start += BLOCK) {
      int end = Math.min(bound, start + BLOCK);
      DoubleVector acc = DoubleVector.zero(D);
      for (int i = start; i < end; i += L) {
        FloatVector pv = load(p, i);
        VectorMask<Float> positive = load(t, i).compare(VectorOperators.GT, 0f);
        // z = 1 - y p with y = +1 for a positive target, -1 otherwise.
        FloatVector z = ONE.sub(pv).blend(ONE.add(pv), positive.not());
        FloatVector l = z.max(0f);
        acc = accumulate(acc, l);
        if (values != null) {
          l.intoArray(values, i);
        }
        if (g != null) {
          c.blend(minusC, positive).blend(0f, z.compare(VectorOperators.LE, 0f)).intoArray(g, i);
        }
      }
      double s = acc.reduceLanes(ADD);
      sum += Double.isFinite(s) ? s : SCALAR.hinge(p, t, values, g, scale, start, end);
    }
    return sum + SCALAR.hinge(p, t, values, g, scale, bound, to);
  }

  @Override
  public double squaredHinge(
      float[] p, float[] t, float[] values, float[] g, double scale, int from, int to) {
    float c = (float) (2 * scale);
    int bound = from + S.loopBound(to - from);
    double sum = 0;
    for (int start = from; start < bound; start += BLOCK) {
      int end = Math.min(bound, start + BLOCK);
      DoubleVector acc = DoubleVector.zero(D);
      for (int i = start; i < end; i += L) {
        FloatVector pv = load(p, i);
        VectorMask<Float> positive = load(t, i).compare(VectorOperators.GT, 0f);
        FloatVector z = ONE.sub(pv).blend(ONE.add(pv), positive.not()).max(0f);
        FloatVector l = z.mul(z);
        acc = accumulate(acc, l);
        if (values != null) {
          l.intoArray(values, i);
        }
        if (g != null) {
          // -2 y z: -2z for a positive target, +2z otherwise.
          FloatVector twoZ = z.mul(c);
          twoZ.blend(twoZ.neg(), positive).intoArray(g, i);
        }
      }
      double s = acc.reduceLanes(ADD);
      sum += Double.isFinite(s) ? s : SCALAR.squaredHinge(p, t, values, g, scale, start, end);
    }
    return sum + SCALAR.squaredHinge(p, t, values, g, scale, bound, to);
  }

  /**
   * Accumulates lane comparisons with the bounds (false for NaN) in masks, or (for {@code abs})
   * tracks the lane-wise minimum and maximum, which propagate NaN (as {@link Math#min}), and checks
   * once at the end: no branch in the loop, so the check runs at memory speed.
   */
  @Override
  public boolean allWithin(float[] x, float lo, float hi, boolean abs) {
    int bound = S.loopBound(x.length);
    // Two loops rather than a test of abs inside one: a vector that is either of two values
    // would be boxed.
    boolean inside = abs ? absWithin(x, bound, lo, hi) : within(x, bound, lo, hi);
    for (int i = bound; inside && i < x.length; i++) {
      float a = abs ? Math.abs(x[i]) : x[i];
      inside = a >= lo && a <= hi;
    }
    return inside;
  }

  private static boolean within(float[] x, int bound, float lo, float hi) {
    // Two masks of comparisons: cheaper than Java's min and max (a blend sequence each on AVX2).
    VectorMask<Float> ok0 = S.maskAll(true);
    VectorMask<Float> ok1 = ok0;
    int i = 0;
    for (; i <= bound - 2 * L; i += 2 * L) {
      FloatVector v = load(x, i);
      FloatVector w = load(x, i + L);
      ok0 = ok0.and(v.compare(VectorOperators.GE, lo)).and(v.compare(VectorOperators.LE, hi));
      ok1 = ok1.and(w.compare(VectorOperators.GE, lo)).and(w.compare(VectorOperators.LE, hi));
    }
    for (; i < bound; i += L) {
      FloatVector v = load(x, i);
      ok0 = ok0.and(v.compare(VectorOperators.GE, lo)).and(v.compare(VectorOperators.LE, hi));
    }
    return ok0.and(ok1).allTrue();
  }

  private static boolean absWithin(float[] x, int bound, float lo, float hi) {
    FloatVector min = FloatVector.broadcast(S, lo);
    FloatVector max = FloatVector.broadcast(S, hi);
    for (int i = 0; i < bound; i += L) {
      FloatVector v = load(x, i).abs();
      min = min.min(v);
      max = max.max(v);
    }
    return min.reduceLanes(VectorOperators.MIN) >= lo && max.reduceLanes(VectorOperators.MAX) <= hi;
  }

  @Override
  public double marginRanking(
      float[] x1,
      float[] x2,
      float[] y,
      double margin,
      float[] values,
      float[] g1,
      float[] g2,
      double scale,
      int from,
      int to) {
    float m = (float) margin;
    float c = (float) scale;
    int bound = from + S.loopBound(to - from);
    double sum = 0;
    for (int start = from; start < bound; start += BLOCK) {
      int end = Math.min(bound, start + BLOCK);
      DoubleVector acc = DoubleVector.zero(D);
      for (int i = start; i < end; i += L) {
        FloatVector yv = load(y, i);
        FloatVector z = load(x2, i).sub(load(x1, i)).mul(yv).add(m);
        FloatVector l = z.max(0f);
        acc = accumulate(acc, l);
        if (values != null) {
          l.intoArray(values, i);
        }
        FloatVector d = yv.mul(c).blend(0f, z.lt(0f));
        if (g1 != null) {
          d.neg().intoArray(g1, i);
        }
        if (g2 != null) {
          d.intoArray(g2, i);
        }
      }
      double s = acc.reduceLanes(ADD);
      sum +=
          Double.isFinite(s)
              ? s
              : SCALAR.marginRanking(x1, x2, y, margin, values, g1, g2, scale, start, end);
    }
    return sum + SCALAR.marginRanking(x1, x2, y, margin, values, g1, g2, scale, bound, to);
  }

  /** Lane indices 0, 1, ..., L - 1 as floats, to find the label's lane in a row. */
  private static final FloatVector LANE = FloatVector.zero(S).addIndex(1);

  /**
   * Each row in float lanes, the label's lane masked out. The last {@code classes mod L} classes
   * come from one more vector ending at the row's end: it overlaps the last full one, so only its
   * fresh lanes are summed, and its gradient lanes are written first for the full ones to overwrite
   * with the same values. Fewer classes than lanes take the scalar kernel. A row whose sum is not
   * finite in float (violations beyond about 1e19 squared, or 3e38) is recomputed by the scalar
   * kernel in double.
   */
  @Override
  public double multiMargin(
      float[] p,
      float[] y,
      float[] w,
      int classes,
      double margin,
      boolean squared,
      float[] values,
      float[] g,
      double scale,
      int from,
      int to) {
    int bound = S.loopBound(classes);
    if (bound == 0) {
      return SCALAR.multiMargin(p, y, w, classes, margin, squared, values, g, scale, from, to);
    }
    int tail = classes - L;
    VectorMask<Float> fresh = LANE.compare(VectorOperators.GE, (float) (bound - tail));
    float m = (float) margin;
    double sum = 0;
    for (int i = from; i < to; i++) {
      int base = i * classes;
      int label = (int) y[i];
      double factor = (w == null ? 1.0 : w[label]) / classes;
      float f = (float) (factor * scale);
      float shift = m - p[base + label];
      FloatVector acc = FloatVector.zero(S);
      FloatVector lin = FloatVector.zero(S);
      int active = 0;
      if (bound < classes) {
        FloatVector v = violations(p, base + tail, shift, label - tail);
        FloatVector counted = v.blend(0f, fresh.not());
        if (squared) {
          acc = counted.mul(counted);
          lin = counted;
          if (g != null) {
            v.mul(2 * f).intoArray(g, base + tail);
          }
        } else {
          acc = counted;
          VectorMask<Float> on = v.compare(VectorOperators.GT, 0f);
          active = on.and(fresh).trueCount();
          if (g != null) {
            FloatVector.zero(S).blend(f, on).intoArray(g, base + tail);
          }
        }
      }
      for (int c = 0; c < bound; c += L) {
        FloatVector v = violations(p, base + c, shift, label - c);
        if (squared) {
          acc = acc.add(v.mul(v));
          lin = lin.add(v);
          if (g != null) {
            v.mul(2 * f).intoArray(g, base + c);
          }
        } else {
          acc = acc.add(v);
          VectorMask<Float> on = v.compare(VectorOperators.GT, 0f);
          active += on.trueCount();
          if (g != null) {
            FloatVector.zero(S).blend(f, on).intoArray(g, base + c);
          }
        }
      }
      float a = acc.reduceLanes(ADD);
      // The derivative's sum: f times the active classes (power 1) or 2 f times the violations.
      float gy = squared ? 2 * f * lin.reduceLanes(ADD) : f * active;
      double l;
      if (Float.isFinite(a) && Float.isFinite(gy)) {
        if (g != null) {
          g[base + label] = -gy;
        }
        l = factor * a;
        if (values != null) {
          values[i] = (float) l;
        }
      } else {
        l = SCALAR.multiMargin(p, y, w, classes, margin, squared, values, g, scale, i, i + 1);
      }
      sum += l;
    }
    return sum;
  }

  /**
   * max(0, z) for the L classes from {@code offset}, {@code z = shift + pred}, and 0 in lane {@code
   * labelLane} (the true class; no lane when outside [0, L)).
   */
  private static FloatVector violations(float[] p, int offset, float shift, int labelLane) {
    return load(p, offset).add(shift).max(0f).blend(0f, LANE.eq((float) labelLane));
  }

  /** One variance per element in float lanes; shared variances go to the scalar kernel. */
  @Override
  public double gaussianNll(
      float[] p,
      float[] t,
      float[] var,
      int group,
      double eps,
      double constant,
      float[] values,
      float[] gp,
      float[] gv,
      double scale,
      int from,
      int to) {
    if (group != 1) {
      return SCALAR.gaussianNll(p, t, var, group, eps, constant, values, gp, gv, scale, from, to);
    }
    float epsF = (float) eps;
    float constantF = (float) constant;
    float c = (float) scale;
    float halfC = (float) (0.5 * scale);
    int bound = from + S.loopBound(to - from);
    double sum = 0;
    for (int start = from; start < bound; start += BLOCK) {
      int end = Math.min(bound, start + BLOCK);
      DoubleVector acc = DoubleVector.zero(D);
      for (int i = start; i < end; i += L) {
        FloatVector v = load(var, i).max(epsF);
        FloatVector inv = ONE.div(v);
        FloatVector r = load(p, i).sub(load(t, i));
        FloatVector q = r.mul(inv);
        FloatVector rq = r.mul(q);
        FloatVector l = v.lanewise(LOG).add(rq).mul(0.5f).add(constantF);
        acc = accumulate(acc, l);
        if (values != null) {
          l.intoArray(values, i);
        }
        if (gp != null) {
          q.mul(c).intoArray(gp, i);
        }
        if (gv != null) {
          // (1 / v - q^2) / 2 as (1 - r q) / (2 v): r q overflows only where the value does.
          ONE.sub(rq).mul(halfC).mul(inv).intoArray(gv, i);
        }
      }
      double s = acc.reduceLanes(ADD);
      sum +=
          Double.isFinite(s)
              ? s
              : SCALAR.gaussianNll(p, t, var, 1, eps, constant, values, gp, gv, scale, start, end);
    }
    return sum + SCALAR.gaussianNll(p, t, var, 1, eps, constant, values, gp, gv, scale, bound, to);
  }
}

package dev.losskit.bench;

import dev.losskit.InputDomain;
import dev.losskit.Loss;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The review's computational evaluation, measured: for one loss, the time per call and per unit
 * (element, sample, box or pixel: the size its sampler is given), the bytes allocated per call, how
 * time grows with the size (the fitted exponent), and the behaviour of its gradient over ordinary
 * and extreme inputs.
 *
 * <p>Timing runs on the calling thread with caller-owned gradient arrays, after a warm-up, as the
 * median of five batches of calls of at least {@code batchSeconds} each. It is a profile for
 * comparing losses with one another on one machine, not a substitute for a JMH run.
 */
public final class LossProfiler {
  /** How far and how long to measure. */
  public record Options(int maxUnits, double batchSeconds, long seed) {
    public static Options defaults() {
      return new Options(1 << 16, 0.01, 0);
    }
  }

  /** One size: nanoseconds per call and per unit, bytes allocated per call. */
  public record Timing(int units, double nanosPerCall, double nanosPerUnit, double bytesPerCall) {}

  /**
   * The gradient over a sweep of seeded inputs scaled by 1e-3, 1 and 1e3 (inputs that hold reals:
   * logits, residuals, boxes, embeddings): the fraction of cases with a non-finite value or
   * gradient (must be 0), the range of the gradient's L2 norm, the fraction of cases whose gradient
   * vanishes (norm below 1e-12), and the median local Lipschitz estimate of the gradient (change of
   * the gradient over the size of a small random step), lower being smoother.
   */
  public record Stability(
      int cases,
      int rejected,
      double nonFiniteFraction,
      double minGradNorm,
      double maxGradNorm,
      double vanishingFraction,
      double smoothness) {}

  /** Everything measured for one loss. */
  public record Profile(
      String id,
      String family,
      List<Timing> valueOnly,
      List<Timing> valueAndGradient,
      double exponent,
      Stability stability) {
    /** The timing at the largest size measured. */
    public Timing largest() {
      return valueAndGradient.get(valueAndGradient.size() - 1);
    }
  }

  private static final double[] SCALES = {1e-3, 1, 1e3};
  private static final int WARM_CALLS = 20_000;
  private static final long WARM_NANOS = 5_000_000_000L;
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private LossProfiler() {}

  /** Profiles the loss with its default parameters. */
  public static Profile profile(LossSpec spec, Options o) {
    Loss loss = spec.create();
    Params p = spec.defaults();
    List<Timing> valueOnly = new ArrayList<>();
    List<Timing> withGrad = new ArrayList<>();
    boolean differentiable = !spec.has(Trait.NOT_DIFFERENTIABLE);
    SplittableRandom random = new SplittableRandom(o.seed());
    warmUp(loss, sample(spec, p, new SplittableRandom(o.seed()), 64), differentiable);
    for (int n = 64; n <= o.maxUnits(); n *= 4) {
      Tensor[] in = sample(spec, p, random, n);
      valueOnly.add(time(loss, in, null, n, o));
      Timing t =
          differentiable
              ? time(loss, in, gradArrays(loss, in), n, o)
              : valueOnly.get(valueOnly.size() - 1);
      withGrad.add(t);
      // Quadratic losses (all pairs of a batch) stop once one call takes a tenth of a second.
      if (t.nanosPerCall() > 1e8) {
        break;
      }
    }
    return new Profile(
        spec.id(),
        spec.family().id(),
        valueOnly,
        withGrad,
        exponent(withGrad),
        stability(loss, p, o.seed()));
  }

  /**
   * Calls the loss until the JIT has most likely compiled its kernel ({@link #WARM_CALLS} calls
   * with and without gradients, at most {@link #WARM_NANOS}): the Vector API kernels run as boxed,
   * allocating objects until then, which would show in the first sizes' time and allocation.
   */
  private static void warmUp(Loss loss, Tensor[] in, boolean differentiable) {
    Reduction r = loss.spec().defaultReduction();
    float[][] grads = differentiable ? gradArrays(loss, in) : null;
    long end = System.nanoTime() + WARM_NANOS;
    for (int c = 0; c < WARM_CALLS && System.nanoTime() < end; c++) {
      loss.evaluate(r, in, null, null);
      if (grads != null) {
        loss.evaluate(r, in, null, grads);
      }
    }
  }

  /** The sampler's inputs, padded with nulls to one slot per declared input. */
  private static Tensor[] sample(LossSpec spec, Params p, SplittableRandom random, int n) {
    return Arrays.copyOf(spec.sample(p, random, n), spec.inputs().size());
  }

  private static float[][] gradArrays(Loss loss, Tensor[] in) {
    float[][] g = new float[in.length][];
    for (int k = 0; k < in.length; k++) {
      if (in[k] != null && loss.spec().inputs().get(k).differentiable()) {
        g[k] = new float[in[k].size()];
      }
    }
    return g;
  }

  private static Timing time(Loss loss, Tensor[] in, float[][] grads, int units, Options o) {
    Reduction r = loss.spec().defaultReduction();
    long warmEnd = System.nanoTime() + (long) (3 * o.batchSeconds() * 1e9);
    int calls = 0;
    while (calls < 5 || System.nanoTime() < warmEnd) {
      loss.evaluate(r, in, null, grads);
      calls++;
    }
    long t0 = System.nanoTime();
    loss.evaluate(r, in, null, grads);
    double one = Math.max(1, System.nanoTime() - t0);
    int perBatch = (int) Math.max(1, Math.min(1_000_000, o.batchSeconds() * 1e9 / one));
    double[] nanos = new double[5];
    double bytes = Double.MAX_VALUE;
    long thread = Thread.currentThread().getId();
    for (int b = 0; b < nanos.length; b++) {
      long a0 = THREADS.getThreadAllocatedBytes(thread);
      long s = System.nanoTime();
      for (int i = 0; i < perBatch; i++) {
        loss.evaluate(r, in, null, grads);
      }
      nanos[b] = (System.nanoTime() - s) / (double) perBatch;
      bytes = Math.min(bytes, (THREADS.getThreadAllocatedBytes(thread) - a0) / (double) perBatch);
    }
    Arrays.sort(nanos);
    double median = nanos[nanos.length / 2];
    return new Timing(units, median, median / units, bytes);
  }

  /**
   * Least-squares slope of log time against log size over the sizes from 1024 up (where the fixed
   * cost of a call no longer dominates), or over the last two sizes when fewer were measured.
   */
  static double exponent(List<Timing> ts) {
    List<double[]> pts = new ArrayList<>();
    for (Timing t : ts) {
      if (t.units() >= 1024) {
        pts.add(new double[] {Math.log(t.units()), Math.log(t.nanosPerCall())});
      }
    }
    if (pts.size() < 2) {
      pts.clear();
      for (Timing t : ts.subList(Math.max(0, ts.size() - 2), ts.size())) {
        pts.add(new double[] {Math.log(t.units()), Math.log(t.nanosPerCall())});
      }
    }
    if (pts.size() < 2) {
      return Double.NaN;
    }
    double mx = 0;
    double my = 0;
    for (double[] q : pts) {
      mx += q[0] / pts.size();
      my += q[1] / pts.size();
    }
    double sxy = 0;
    double sxx = 0;
    for (double[] q : pts) {
      sxy += (q[0] - mx) * (q[1] - my);
      sxx += (q[0] - mx) * (q[0] - mx);
    }
    return sxy / sxx;
  }

  static Stability stability(Loss loss, Params p, long seed) {
    LossSpec spec = loss.spec();
    boolean differentiable = !spec.has(Trait.NOT_DIFFERENTIABLE);
    int cases = 0;
    int rejected = 0;
    int nonFinite = 0;
    int vanishing = 0;
    double minNorm = Double.POSITIVE_INFINITY;
    double maxNorm = 0;
    List<Double> lipschitz = new ArrayList<>();
    for (int s = 0; s < 5; s++) {
      for (double scale : SCALES) {
        SplittableRandom random = new SplittableRandom(seed * 1000 + s);
        Tensor[] in = sample(spec, p, random, 64);
        Tensor[] scaled = perturbed(loss, in, scale, 0, random);
        float[][] g = differentiable ? gradArrays(loss, scaled) : null;
        double v;
        try {
          v = loss.evaluate(spec.defaultReduction(), scaled, null, g);
        } catch (IllegalArgumentException e) {
          rejected++;
          continue;
        }
        cases++;
        if (!differentiable) {
          nonFinite += Double.isFinite(v) ? 0 : 1;
          continue;
        }
        double norm = norm(g);
        if (!Double.isFinite(v) || !Double.isFinite(norm)) {
          nonFinite++;
          continue;
        }
        minNorm = Math.min(minNorm, norm);
        maxNorm = Math.max(maxNorm, norm);
        vanishing += norm < 1e-12 ? 1 : 0;
        // Local smoothness: move the real-valued inputs by a relative 1e-4 and compare gradients.
        Tensor[] moved = perturbed(loss, scaled, 1, 1e-4, random);
        float[][] g2 = gradArrays(loss, moved);
        try {
          loss.evaluate(spec.defaultReduction(), moved, null, g2);
        } catch (IllegalArgumentException e) {
          continue; // the step left the domain (e.g. a box turned inside out): no estimate here
        }
        double dx = distance(scaled, moved);
        if (dx > 0) {
          lipschitz.add(distance(g, g2) / dx);
        }
      }
    }
    lipschitz.sort(Double::compare);
    double smooth = lipschitz.isEmpty() ? Double.NaN : lipschitz.get(lipschitz.size() / 2);
    return new Stability(
        cases,
        rejected,
        cases == 0 ? 0 : nonFinite / (double) cases,
        differentiable ? minNorm : Double.NaN,
        differentiable ? maxNorm : Double.NaN,
        cases == 0 ? 0 : vanishing / (double) cases,
        smooth);
  }

  /**
   * Scales the real-valued differentiable inputs by {@code scale} and adds relative noise {@code
   * jitter}.
   */
  private static Tensor[] perturbed(
      Loss loss, Tensor[] in, double scale, double jitter, SplittableRandom r) {
    Tensor[] out = in.clone();
    for (int k = 0; k < in.length; k++) {
      if (in[k] == null
          || !loss.spec().inputs().get(k).differentiable()
          || loss.inputDomain(k) != InputDomain.REAL) {
        continue;
      }
      float[] x = in[k].data().clone();
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) (x[i] * scale * (1 + jitter * (2 * r.nextDouble() - 1)));
      }
      out[k] = Tensor.shaped(x, in[k].shape());
    }
    return out;
  }

  private static double norm(float[][] g) {
    double s = 0;
    for (float[] a : g) {
      if (a != null) {
        for (float v : a) {
          s += (double) v * v;
        }
      }
    }
    return Math.sqrt(s);
  }

  private static double distance(float[][] a, float[][] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      if (a[k] != null) {
        for (int i = 0; i < a[k].length; i++) {
          double d = (double) a[k][i] - b[k][i];
          s += d * d;
        }
      }
    }
    return Math.sqrt(s);
  }

  private static double distance(Tensor[] a, Tensor[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      if (a[k] != null && a[k] != b[k]) {
        for (int i = 0; i < a[k].size(); i++) {
          double d = (double) a[k].data()[i] - b[k].data()[i];
          s += d * d;
        }
      }
    }
    return Math.sqrt(s);
  }
}

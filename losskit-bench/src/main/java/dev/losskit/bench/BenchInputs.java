package dev.losskit.bench;

import dev.losskit.Loss;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Preallocated inputs and gradient arrays of one loss at a requested number of units (elements,
 * samples, boxes or pixels: what the spec's sampler is given), at the natural shape the sampler
 * chooses for that many units.
 *
 * <p>Two caps keep a benchmark matrix over every catalogue id runnable on one machine: the inputs
 * hold at most {@link #MAX_FLOATS} floats, and losses whose time grows faster than linearly (all
 * pairs of a batch, dynamic programming over two sequences) stop at {@link #PAIRWISE_UNITS} units.
 * {@link #units()} says how many units were actually sampled.
 */
public final class BenchInputs {
  /** Largest number of input floats sampled (160 MB). */
  public static final long MAX_FLOATS = 40_000_000L;

  /** Largest number of units of a loss whose time grows faster than linearly. */
  public static final int PAIRWISE_UNITS = 4096;

  private final Loss loss;
  private final Tensor[] inputs;
  private final float[][] grads;
  private final int units;

  private BenchInputs(Loss loss, Tensor[] inputs, int units) {
    this.loss = loss;
    this.inputs = inputs;
    this.units = units;
    this.grads = new float[inputs.length][];
    boolean differentiable = !loss.spec().has(Trait.NOT_DIFFERENTIABLE);
    for (int k = 0; k < inputs.length; k++) {
      if (differentiable && inputs[k] != null && loss.spec().inputs().get(k).differentiable()) {
        grads[k] = new float[inputs[k].size()];
      }
    }
  }

  /**
   * Samples the loss's default-parameter inputs at {@code requested} units, or fewer where a cap
   * applies.
   *
   * @throws IllegalArgumentException if {@code requested} is not positive
   */
  public static BenchInputs of(LossSpec spec, int requested, long seed) {
    if (requested < 1) {
      throw new IllegalArgumentException("units: expected at least 1, found " + requested);
    }
    Loss loss = spec.create();
    Params p = spec.defaults();
    int units = Math.min(requested, cap(spec, loss, p, seed));
    return new BenchInputs(loss, sample(spec, p, new SplittableRandom(seed), units), units);
  }

  /** The units this loss may be sampled at: the float cap, and the pairwise cap where it grows. */
  private static int cap(LossSpec spec, Loss loss, Params p, long seed) {
    int probe = 256;
    long floats = floats(sample(spec, p, new SplittableRandom(seed), probe));
    long byFloats = Math.max(1, MAX_FLOATS * probe / Math.max(1, floats));
    double small = bestNanos(loss, sample(spec, p, new SplittableRandom(seed), probe));
    double large = bestNanos(loss, sample(spec, p, new SplittableRandom(seed), 4 * probe));
    // Four times the units in over eight times the time: growth faster than n^1.5.
    boolean pairwise = large > 8 * small;
    return (int)
        Math.min(Integer.MAX_VALUE, Math.min(byFloats, pairwise ? PAIRWISE_UNITS : 1L << 30));
  }

  /** The fastest of a few value-and-gradient calls, after a short warm-up. */
  private static double bestNanos(Loss loss, Tensor[] in) {
    BenchInputs b = new BenchInputs(loss, in, 0);
    double best = Double.MAX_VALUE;
    for (int i = 0; i < 20; i++) {
      long t0 = System.nanoTime();
      b.valueAndGradient();
      best = Math.min(best, System.nanoTime() - t0);
    }
    return best;
  }

  private static Tensor[] sample(LossSpec spec, Params p, SplittableRandom random, int n) {
    return Arrays.copyOf(spec.sample(p, random, n), spec.inputs().size());
  }

  private static long floats(Tensor[] in) {
    long s = 0;
    for (Tensor t : in) {
      s += t == null ? 0 : t.size();
    }
    return s;
  }

  /** The loss with default parameters. */
  public Loss loss() {
    return loss;
  }

  /** The units sampled: the requested number, or the cap. */
  public int units() {
    return units;
  }

  /** The input floats, every input together. */
  public long floats() {
    return floats(inputs);
  }

  /** One call with the default reduction, no gradient work. */
  public double value() {
    return loss.evaluate(loss.spec().defaultReduction(), inputs, null, null);
  }

  /**
   * One call with the default reduction and the gradient of every differentiable input, into
   * preallocated arrays (the value alone for losses without a gradient).
   */
  public double valueAndGradient() {
    return loss.evaluate(
        loss.spec().defaultReduction(),
        inputs,
        null,
        loss.spec().has(Trait.NOT_DIFFERENTIABLE) ? null : grads);
  }

  /** The gradient arrays the calls write (null slots for inputs without a gradient). */
  public float[][] grads() {
    return grads;
  }
}

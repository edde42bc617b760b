package dev.losskit.compose;

import dev.losskit.AbstractLoss;
import dev.losskit.InputDomain;
import dev.losskit.InputSpec;
import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Shapes;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What the composite losses share: terms wired to the composite's inputs, a reduction applied to
 * each term separately, and the evaluation of every term in one call.
 *
 * <h2>Inputs</h2>
 *
 * <p>A term's first input is the composite's {@code pred} and its second the composite's {@code
 * target}; every further input is the composite's input of the same catalogue name ({@code weight},
 * {@code pos-weight}, {@code var}, {@code insample}, {@code alpha}), given to every term that
 * declares it. The composite differentiates {@code pred} and {@code var}; a term that takes one of
 * these as data, a term without gradients and a term needing an input the composite lacks are
 * refused when the composite is created.
 *
 * <h2>Reduction</h2>
 *
 * <p>Each term is reduced on its own with the requested reduction ({@code mean} divides each term
 * by its own PyTorch denominator), and the reduced terms are then combined. One scale and one
 * denominator, which is all the kernel contract of {@link Loss} passes, cannot express a sum of
 * means whose denominators differ; so a composite overrides the {@code evaluate} and {@code value}
 * methods of {@link Loss}, which run a view of it that knows the reduction. Its own {@link #check}
 * and {@link #compute} are those of the {@code sum} reduction and {@link #meanDenominator} throws:
 * evaluate a composite through {@code evaluate} and {@code value}, as every caller in the library
 * does.
 */
abstract class CompositeLoss extends AbstractLoss {
  /** Inputs after {@code pred}, {@code target} and a composite's own, passed on by name. */
  private static final String[][] SHARED = {
    {"weight", "data"},
    {"pos-weight", "data"},
    {"var", "differentiable"},
    {"insample", "data"},
    {"alpha", "data"}
  };

  /** One term wired to the composite's inputs. */
  static final class Wired {
    final Loss loss;
    final String text;

    /** For each input of the term, the composite's input it reads, or -1 for none. */
    final int[] source;

    /** For each input of the term, whether the composite asks the term for its gradient. */
    final boolean[] differentiate;

    Wired(Loss loss, String text, int[] source, boolean[] differentiate) {
      this.loss = loss;
      this.text = text;
      this.source = source;
      this.differentiate = differentiate;
    }
  }

  private final List<Wired> terms;
  private final Loss[] views = new Loss[Reduction.values().length];

  CompositeLoss(LossSpec spec, Params params, List<Terms.Term> given, int ownInputs) {
    super(spec, params);
    List<Wired> wired = new ArrayList<>();
    for (Terms.Term t : given) {
      wired.add(wire(spec, t, ownInputs));
    }
    this.terms = Collections.unmodifiableList(wired);
    for (Reduction r : Reduction.values()) {
      views[r.ordinal()] = new View(r);
    }
  }

  /** Declares the inputs every composite shares after its own: weight, pos-weight, var, ... */
  static LossSpec.Builder sharedInputs(LossSpec.Builder b) {
    for (String[] s : SHARED) {
      boolean differentiable = s[1].equals("differentiable");
      b.optionalInput(
          s[0],
          "as each term that takes it expects",
          InputDomain.REAL,
          differentiable,
          "given to every term that has an input '"
              + s[0]
              + "'"
              + (differentiable ? "; differentiated through them" : ""));
    }
    return b;
  }

  private static Wired wire(LossSpec spec, Terms.Term t, int ownInputs) {
    LossSpec ts = t.loss().spec();
    if (ts.has(Trait.NOT_DIFFERENTIABLE)) {
      throw new IllegalArgumentException(
          "parameter terms: expected differentiable losses, found '"
              + t.text()
              + "', which has no gradient");
    }
    List<InputSpec> inputs = ts.inputs();
    int[] source = new int[inputs.size()];
    boolean[] differentiate = new boolean[inputs.size()];
    for (int j = 0; j < inputs.size(); j++) {
      InputSpec in = inputs.get(j);
      int k = j < 2 ? j : spec.inputIndex(in.name());
      if (k >= 2 && k < 2 + ownInputs) {
        k = -1;
      }
      source[j] = k;
      if (k < 0) {
        if (!in.optional()) {
          throw new IllegalArgumentException(
              "parameter terms: expected terms whose inputs "
                  + spec.id()
                  + " has ("
                  + names(spec, ownInputs)
                  + "), found '"
                  + t.text()
                  + "', which needs '"
                  + in.name()
                  + "'");
        }
        continue;
      }
      boolean ours = spec.inputs().get(k).differentiable();
      if (ours && !in.differentiable()) {
        throw new IllegalArgumentException(
            "parameter terms: expected terms differentiable in '"
                + spec.inputs().get(k).name()
                + "', found '"
                + t.text()
                + "', which takes its input '"
                + in.name()
                + "' as data");
      }
      differentiate[j] = ours;
    }
    return new Wired(t.loss(), t.text(), source, differentiate);
  }

  private static String names(LossSpec spec, int ownInputs) {
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < spec.inputs().size(); k++) {
      if (k < 2 || k >= 2 + ownInputs) {
        b.append(b.length() == 0 ? "" : ", ").append(spec.inputs().get(k).name());
      }
    }
    return b.toString();
  }

  /** The terms, in order. */
  final List<Wired> wired() {
    return terms;
  }

  /** The terms' losses, in order. */
  public final List<Loss> terms() {
    List<Loss> out = new ArrayList<>();
    for (Wired w : terms) {
      out.add(w.loss);
    }
    return Collections.unmodifiableList(out);
  }

  // ---------------------------------------------------------------- evaluation through views

  @Override
  public final double evaluate(
      Reduction reduction, Tensor[] inputs, float[] values, float[][] grads) {
    return views[reduction.ordinal()].evaluate(reduction, inputs, values, grads);
  }

  @Override
  public final LossResult evaluate(Reduction reduction, Tensor... inputs) {
    return views[reduction.ordinal()].evaluate(reduction, inputs);
  }

  @Override
  public final double value(Reduction reduction, Tensor... inputs) {
    return views[reduction.ordinal()].value(reduction, inputs);
  }

  /**
   * The composite with the reduction known to its kernel; each term carries its own denominator.
   */
  private final class View implements Loss {
    private final Reduction reduction;

    View(Reduction reduction) {
      this.reduction = reduction;
    }

    @Override
    public LossSpec spec() {
      return CompositeLoss.this.spec();
    }

    @Override
    public Params params() {
      return CompositeLoss.this.params();
    }

    @Override
    public int[] check(Tensor[] in) {
      return checkFor(reduction, in);
    }

    @Override
    public double meanDenominator(Tensor[] in, int unreducedSize) {
      return 1;
    }

    @Override
    public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
      return computeFor(reduction, in, values, grads, scale);
    }
  }

  @Override
  public final int[] check(Tensor[] in) {
    return checkFor(Reduction.SUM, in);
  }

  @Override
  public final double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    return computeFor(Reduction.SUM, in, values, grads, scale);
  }

  /** Throws: the mean of a composite is a sum of per-term means, which no one denominator gives. */
  @Override
  public final double meanDenominator(Tensor[] in, int unreducedSize) {
    throw new UnsupportedOperationException(
        spec().id()
            + ": the mean reduction applies to each term; evaluate through Loss.evaluate or"
            + " Loss.value");
  }

  /** {@link Loss#check} for one reduction; subclasses add the checks of their own inputs. */
  abstract int[] checkFor(Reduction reduction, Tensor[] in);

  /** {@link Loss#compute} for one reduction, whose scale carries no denominator. */
  abstract double computeFor(
      Reduction reduction, Tensor[] in, float[] values, float[][] grads, double scale);

  /**
   * Checks every term on its inputs (domains, then the term's own check) and that it allows the
   * reduction. Returns the terms' common unreduced shape; where they differ, {@code ()} for {@code
   * mean} and {@code sum} and an error for {@code none}.
   */
  final int[] checkTerms(Reduction reduction, Tensor[] in) {
    int[] common = null;
    Wired first = null;
    for (Wired w : terms) {
      LossSpec ts = w.loss.spec();
      if (!ts.reductions().contains(reduction)) {
        StringBuilder ok = new StringBuilder();
        for (Reduction r : ts.reductions()) {
          ok.append(ok.length() == 0 ? "" : ", ").append(r.id());
        }
        throw new IllegalArgumentException(
            "reduction: term '"
                + w.text
                + "' of "
                + spec().id()
                + " expects one of "
                + ok
                + ", found "
                + reduction.id());
      }
      Tensor[] ti = inputsOf(w, in);
      int[] shape;
      try {
        for (int j = 0; j < ti.length; j++) {
          InputSpec s = ts.inputs().get(j);
          if (ti[j] == null) {
            if (!s.optional()) {
              throw new IllegalArgumentException(s.name() + ": required but not given");
            }
            continue;
          }
          s.domain().check(s.name(), ti[j]);
        }
        shape = kernel(w, reduction).check(ti);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            e.getMessage() + " (term '" + w.text + "' of " + spec().id() + ")", e);
      }
      if (common == null) {
        common = shape;
        first = w;
      } else if (!Arrays.equals(common, shape)) {
        if (reduction == Reduction.NONE) {
          throw new IllegalArgumentException(
              "reduction: none expects terms with one unreduced shape, found "
                  + Shapes.toString(common)
                  + " for '"
                  + first.text
                  + "' and "
                  + Shapes.toString(shape)
                  + " for '"
                  + w.text
                  + "'; use mean or sum");
        }
        return new int[0];
      }
    }
    return common;
  }

  /**
   * Evaluates every term with the reduction and returns {@code sum_i coef[i] R_i}, where {@code
   * R_i} is term i's reduced value, written into {@code reduced[i]}. Gradients of the composite's
   * inputs that terms read are overwritten with {@code scale sum_i coef[i] dR_i/dinput}; {@code
   * values} with {@code sum_i coef[i] l_i} when the terms share their unreduced shape, otherwise
   * (its one element) with the returned total. One gradient scratch array per input and one value
   * accumulator are allocated per call.
   */
  final double computeTerms(
      Reduction reduction,
      Tensor[] in,
      double[] coef,
      float[] values,
      float[][] grads,
      double scale,
      double[] reduced) {
    double[] acc = values == null ? null : new double[values.length];
    float[] termValues = values == null ? null : new float[values.length];
    boolean[] written = new boolean[in.length];
    float[][] scratch = new float[in.length][];
    boolean scalarValue = false;
    double total = 0;
    for (int i = 0; i < terms.size(); i++) {
      Wired w = terms.get(i);
      Tensor[] ti = inputsOf(w, in);
      Loss kernel = kernel(w, reduction);
      int size = Shapes.size(kernel.check(ti));
      double per = 1;
      if (reduction == Reduction.MEAN) {
        double den = kernel.meanDenominator(ti, size);
        per = den > 0 ? 1.0 / den : 0.0;
      }
      float[][] tg = null;
      if (grads != null) {
        for (int j = 0; j < ti.length; j++) {
          int k = w.source[j];
          if (k >= 0 && w.differentiate[j] && grads[k] != null) {
            if (tg == null) {
              tg = new float[ti.length][];
            }
            if (!written[k]) {
              tg[j] = grads[k];
            } else {
              if (scratch[k] == null) {
                scratch[k] = new float[grads[k].length];
              }
              tg[j] = scratch[k];
            }
          }
        }
      }
      // Terms of different unreduced shapes make the composite's unreduced value one number.
      boolean sameShape = termValues != null && size == termValues.length;
      scalarValue |= termValues != null && !sameShape;
      double s = kernel.compute(ti, sameShape ? termValues : null, tg, scale * coef[i] * per);
      reduced[i] = s * per;
      total += coef[i] * reduced[i];
      if (tg != null) {
        for (int j = 0; j < ti.length; j++) {
          if (tg[j] == null) {
            continue;
          }
          int k = w.source[j];
          if (tg[j] == grads[k]) {
            written[k] = true;
          } else {
            float[] g = grads[k];
            float[] d = tg[j];
            for (int e = 0; e < g.length; e++) {
              g[e] += d[e];
            }
          }
        }
      }
      if (acc != null && sameShape) {
        double c = coef[i];
        for (int e = 0; e < acc.length; e++) {
          acc[e] += c * termValues[e];
        }
      }
    }
    if (grads != null) {
      for (int k = 0; k < grads.length; k++) {
        if (grads[k] != null && !written[k] && isTermInput(k)) {
          Arrays.fill(grads[k], 0f);
        }
      }
    }
    if (scalarValue) {
      values[0] = (float) total;
    } else if (acc != null) {
      for (int e = 0; e < acc.length; e++) {
        values[e] = (float) acc[e];
      }
    }
    return total;
  }

  /** Whether composite input {@code k} is passed on to terms (not one of the composite's own). */
  abstract boolean isTermInput(int k);

  /** The term's kernel: the term itself, or for a nested composite its view of the reduction. */
  private static Loss kernel(Wired w, Reduction reduction) {
    return w.loss instanceof CompositeLoss c ? c.views[reduction.ordinal()] : w.loss;
  }

  private static Tensor[] inputsOf(Wired w, Tensor[] in) {
    Tensor[] ti = new Tensor[w.source.length];
    for (int j = 0; j < ti.length; j++) {
      ti[j] = w.source[j] < 0 ? null : in[w.source[j]];
    }
    return ti;
  }

  // ---------------------------------------------------------------- sampling

  /**
   * Inputs that every term accepts: the first term whose own sampler gives inputs that all terms
   * accept provides them, with {@code own} filling the composite's own inputs.
   */
  final Tensor[] sample(SplittableRandom random, int n, OwnInputs own) {
    IllegalArgumentException last = null;
    for (Wired w : terms) {
      LossSpec ts = w.loss.spec();
      Tensor[] t = ts.sample(w.loss.params(), random, n);
      Tensor[] in = new Tensor[spec().inputs().size()];
      for (int j = 0; j < Math.min(t.length, w.source.length); j++) {
        if (w.source[j] >= 0) {
          in[w.source[j]] = t[j];
        }
      }
      own.fill(in, random);
      try {
        checkFor(Reduction.SUM, in);
        return in;
      } catch (IllegalArgumentException e) {
        last = e;
      }
    }
    throw new IllegalArgumentException(
        "parameter terms: expected terms with a sampler whose inputs every term accepts, found"
            + " none for "
            + params().text("terms")
            + " ("
            + last.getMessage()
            + ")",
        last);
  }

  /** Fills a composite's own inputs of sampled input sets. */
  @FunctionalInterface
  interface OwnInputs {
    void fill(Tensor[] in, SplittableRandom random);
  }
}

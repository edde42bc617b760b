package dev.losskit.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.losskit.Catalog;
import dev.losskit.InputDomain;
import dev.losskit.InputSpec;
import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.TwiceDifferentiable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every loss passes. A loss's test extends this class and supplies its catalogue id, a
 * naive double-precision oracle written from the formula, the parameter sets worth testing, and its
 * own edge and bad-input cases. Everything else is checked here, the same way for every loss: value
 * agreement with the oracle for every reduction and many sizes, analytic gradients against central
 * differences of the oracle, the Hessian where marked, inputs left unmodified, outputs fully
 * overwritten, finite results on extreme inputs, and errors that name the bad argument.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class LossContractTest {
  /** Sizes that hit loop tails and vector widths. */
  protected static final int[] SIZES = {1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 1023, 4099};

  /** Sizes for losses over all pairs of a batch; the scale itself is tested separately. */
  protected static final int[] PAIRWISE_SIZES = {1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 257};

  /** The catalogue id under test. */
  protected abstract String id();

  /**
   * The naive reference: unreduced values and mean denominator for the given inputs (double copies,
   * in declared order; null where absent) and parameters. Written straight from the formula.
   */
  protected abstract Oracle oracle(OracleInputs in, Params params);

  /**
   * The oracle whose central differences at {@code at} are the loss's gradient: the oracle itself,
   * unless the loss's gradient holds a factor constant ({@link Loss#frozenAt}); then the oracle
   * freezes it at its value for {@code at} (unperturbed inputs) while evaluating {@code in}.
   */
  protected Oracle gradientOracle(OracleInputs at, OracleInputs in, Params params) {
    return oracle(in, params);
  }

  /**
   * The sizes at which values are compared with the oracle: {@link #SIZES} by default; losses whose
   * cost grows with the square of the batch (pairwise similarity matrices) may stop earlier.
   */
  protected int[] sizes() {
    return SIZES;
  }

  /** Parameter sets to run the contract with; the defaults are always included. */
  protected List<Map<String, ?>> paramCases() {
    return List.of();
  }

  /**
   * Hand-built input sets that sampling does not produce (optional inputs such as weights,
   * broadcast shapes, chosen points): each is checked like the sampled ones, values against the
   * oracle for every reduction, gradients against central differences, and the Hessian where
   * marked.
   */
  protected List<Tensor[]> extraInputs(Params params, SplittableRandom random) {
    return List.of();
  }

  /** Sampled inputs at the given sizes, then the {@link #extraInputs}, each with a label. */
  private List<Map.Entry<String, Tensor[]>> inputSets(Params p, long seed, int... sizes) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Map.Entry<String, Tensor[]>> sets = new ArrayList<>();
    for (int n : sizes) {
      sets.add(Map.entry("n=" + n, spec().sample(p, random, n)));
    }
    List<Tensor[]> extra = extraInputs(p, random);
    for (int i = 0; i < extra.size(); i++) {
      sets.add(Map.entry("extra input set " + i, extra.get(i)));
    }
    return sets;
  }

  /** Inputs at the extremes of the domain, which must give finite values and gradients. */
  protected List<Tensor[]> extremeCases(Params params, SplittableRandom random) {
    return List.of();
  }

  /** Invalid inputs, each with the words its error message must contain. */
  protected List<BadInput> badInputs(SplittableRandom random) {
    return List.of();
  }

  /** Relative tolerance of value agreement. */
  protected double valueTolerance() {
    return 1e-5;
  }

  /** Relative tolerance of gradient agreement with central differences. */
  protected double gradTolerance() {
    return 1e-4;
  }

  /** An invalid input set and the words its error must contain. */
  public record BadInput(
      String description, Map<String, ?> params, Tensor[] inputs, String... expectedWords) {
    public BadInput(String description, Tensor[] inputs, String... expectedWords) {
      this(description, Map.of(), inputs, expectedWords);
    }
  }

  protected final LossSpec spec() {
    return Catalog.builtin().get(id());
  }

  List<Map<String, ?>> allParamCases() {
    List<Map<String, ?>> all = new ArrayList<>();
    all.add(Map.of());
    all.addAll(paramCases());
    return all;
  }

  private List<Reduction> reductions() {
    return new ArrayList<>(spec().reductions());
  }

  private Oracle oracleOf(Params p, Tensor[] in) {
    return oracle(new OracleInputs(in), p);
  }

  static double reduce(Oracle o, Reduction r, Tensor[] in) {
    switch (r) {
      case MEAN:
        return o.meanDenominator() > 0 ? o.sum() / o.meanDenominator() : 0;
      case BATCHMEAN:
        int b = in[0].rank() == 0 ? 1 : in[0].dim(0);
        return b > 0 ? o.sum() / b : 0;
      default:
        return o.sum();
    }
  }

  static void assertClose(double expected, double actual, double rtol, double atol, String what) {
    double tol = atol + rtol * Math.abs(expected);
    if (!(Math.abs(expected - actual) <= tol)) {
      fail(what + ": expected " + expected + ", found " + actual + " (tolerance " + tol + ")");
    }
  }

  // ---------------------------------------------------------------- the catalogue entry

  @Test
  void entryIsComplete() {
    LossSpec s = spec();
    assertEquals(id(), s.id());
    assertFalse(s.name().isBlank(), "name");
    assertFalse(s.summary().isBlank(), "summary");
    assertFalse(s.formula().isBlank(), "formula");
    assertFalse(s.gradient().isBlank(), "gradient");
    assertFalse(s.whenToUse().isBlank(), "when to use");
    assertFalse(s.references().isEmpty(), "references");
    for (String alias : s.aliases()) {
      assertEquals(s, Catalog.builtin().get(alias), "alias " + alias);
    }
    Loss loss = s.create();
    assertEquals(
        s.has(Trait.HESSIAN),
        loss instanceof TwiceDifferentiable,
        "HESSIAN trait vs TwiceDifferentiable");
  }

  // ---------------------------------------------------------------- values

  @ParameterizedTest(name = "{0}")
  @MethodSource("paramCaseStream")
  void valuesAgreeWithOracleAtEverySize(Map<String, ?> given) {
    LossSpec s = spec();
    Params p = s.params(given);
    Loss loss = s.create(given);
    for (Map.Entry<String, Tensor[]> set : inputSets(p, 42, sizes())) {
      String n = set.getKey();
      Tensor[] in = set.getValue();
      Oracle o = oracleOf(p, in);
      for (Reduction r : reductions()) {
        double expected = reduce(o, r, in);
        double actual = loss.value(r, in);
        assertClose(
            expected, actual, valueTolerance(), 1e-6, id() + " " + given + " " + n + " " + r.id());
      }
      if (s.reductions().contains(Reduction.NONE)) {
        Tensor values = loss.evaluate(Reduction.NONE, in).values();
        assertEquals(o.values().length, values.size(), "unreduced size");
        for (int i = 0; i < o.values().length; i++) {
          assertClose(
              o.values()[i],
              values.data()[i],
              valueTolerance(),
              1e-6,
              id() + " unreduced value " + i + " " + n);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("paramCaseStream")
  void valueOnlyPathEqualsFusedPath(Map<String, ?> given) {
    LossSpec s = spec();
    Loss loss = s.create(given);
    Tensor[] in = s.sample(s.params(given), new SplittableRandom(7), 33);
    for (Reduction r : reductions()) {
      assertEquals(
          loss.value(r, in),
          loss.evaluate(r, in).value(),
          1e-12 * (1 + Math.abs(loss.value(r, in))));
    }
  }

  // ---------------------------------------------------------------- gradients

  @ParameterizedTest(name = "{0}")
  @MethodSource("paramCaseStream")
  void gradientsMatchCentralDifferencesOfTheOracle(Map<String, ?> given) {
    LossSpec s = spec();
    if (s.has(Trait.NOT_DIFFERENTIABLE)) {
      return;
    }
    Params p = s.params(given);
    Loss loss = s.create(given);
    for (Map.Entry<String, Tensor[]> set : inputSets(p, 1234, 1, 3, 8, 17)) {
      String n = set.getKey();
      Tensor[] in = set.getValue();
      for (Reduction r : reductions()) {
        LossResult res = loss.evaluate(r, in);
        for (int k = 0; k < in.length; k++) {
          InputSpec is = s.inputs().get(k);
          if (in[k] == null || !is.differentiable()) {
            assertTrue(res.grad(k) == null, "no gradient expected for " + is.name());
            continue;
          }
          assertNotNull(res.grad(k), "gradient for " + is.name());
          double[] numeric = numericGradient(p, in, k, r);
          float[] analytic = res.grad(k).data();
          double norm = 0;
          for (double v : numeric) {
            norm = Math.max(norm, Math.abs(v));
          }
          for (int i = 0; i < numeric.length; i++) {
            assertClose(
                numeric[i],
                analytic[i],
                gradTolerance(),
                gradTolerance() * 1e-2 * (1 + norm),
                id() + " " + given + " d/d" + is.name() + "[" + i + "] " + n + " " + r.id());
          }
        }
      }
    }
  }

  /** Central differences of the oracle's reduced value, in double. */
  private double[] numericGradient(Params p, Tensor[] in, int k, Reduction r) {
    OracleInputs at = new OracleInputs(in);
    OracleInputs oi = new OracleInputs(in);
    double[] x = oi.get(k);
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double x0 = x[i];
      double h = 1e-6 * Math.max(1, Math.abs(x0));
      x[i] = x0 + h;
      double fp = reduce(gradientOracle(at, oi, p), r, in);
      x[i] = x0 - h;
      double fm = reduce(gradientOracle(at, oi, p), r, in);
      x[i] = x0;
      out[i] = (fp - fm) / (2 * h);
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("paramCaseStream")
  void hessianMatchesSecondDifferencesOfTheOracle(Map<String, ?> given) {
    LossSpec s = spec();
    if (!s.has(Trait.HESSIAN)) {
      return;
    }
    Params p = s.params(given);
    TwiceDifferentiable loss = (TwiceDifferentiable) s.create(given);
    for (Map.Entry<String, Tensor[]> set : inputSets(p, 99, 17)) {
      Tensor[] in = set.getValue();
      float[] h = loss.hessian(in).data();
      OracleInputs oi = new OracleInputs(in);
      double[] x = oi.get(0);
      double[] x0 = x.clone();
      double[] f0 = oracle(oi, p).values();
      double step = 1e-4;
      for (int i = 0; i < x.length; i++) {
        x[i] = x0[i] + step * Math.max(1, Math.abs(x0[i]));
      }
      double[] fp = oracle(oi, p).values();
      for (int i = 0; i < x.length; i++) {
        x[i] = x0[i] - step * Math.max(1, Math.abs(x0[i]));
      }
      double[] fm = oracle(oi, p).values();
      for (int i = 0; i < x.length; i++) {
        double hi = step * Math.max(1, Math.abs(x0[i]));
        double numeric = (fp[i] - 2 * f0[i] + fm[i]) / (hi * hi);
        assertClose(
            numeric,
            h[i],
            2e-3,
            2e-4,
            id() + " " + given + " " + set.getKey() + " d2/dpred2[" + i + "]");
      }
    }
  }

  // ---------------------------------------------------------------- memory discipline

  @Test
  void inputsAreNotModifiedAndOutputsAreFullyOverwritten() {
    LossSpec s = spec();
    Loss loss = s.create();
    Tensor[] in = s.sample(s.defaults(), new SplittableRandom(3), 31);
    Tensor[] copies = new Tensor[in.length];
    for (int k = 0; k < in.length; k++) {
      copies[k] = in[k] == null ? null : in[k].copy();
    }
    for (Reduction r : reductions()) {
      LossResult fresh = loss.evaluate(r, in);
      float[][] grads = new float[in.length][];
      if (!s.has(Trait.NOT_DIFFERENTIABLE)) {
        for (int k = 0; k < in.length; k++) {
          if (in[k] != null && s.inputs().get(k).differentiable()) {
            grads[k] = new float[in[k].size()];
            Arrays.fill(grads[k], Float.NaN);
          }
        }
      }
      float[] values = null;
      if (r == Reduction.NONE) {
        values = new float[fresh.values().size()];
        Arrays.fill(values, Float.NaN);
      }
      double v = loss.evaluate(r, in, values, grads);
      assertEquals(fresh.value(), v, 0.0, "caller-owned arrays give the same value");
      for (int k = 0; k < in.length; k++) {
        if (grads[k] != null) {
          assertArrayEquals(
              fresh.grad(k).data(),
              grads[k],
              0f,
              "every gradient element overwritten: " + s.inputs().get(k).name());
        }
      }
      if (values != null) {
        assertArrayEquals(fresh.values().data(), values, 0f, "every unreduced value overwritten");
      }
    }
    for (int k = 0; k < in.length; k++) {
      if (in[k] != null) {
        assertArrayEquals(
            copies[k].data(), in[k].data(), 0f, "input " + s.inputs().get(k).name() + " modified");
      }
    }
  }

  // ---------------------------------------------------------------- extremes

  @ParameterizedTest(name = "{0}")
  @MethodSource("paramCaseStream")
  void extremeInputsGiveFiniteValuesAndGradients(Map<String, ?> given) {
    LossSpec s = spec();
    Params p = s.params(given);
    Loss loss = s.create(given);
    SplittableRandom random = new SplittableRandom(5);
    List<Tensor[]> cases = new ArrayList<>(extremeCases(p, random));
    // Real-valued differentiable inputs scaled to magnitudes around 1000.
    Tensor[] big = s.sample(p, random, 16);
    for (int k = 0; k < big.length; k++) {
      InputSpec is = s.inputs().get(k);
      if (big[k] != null && is.differentiable() && loss.inputDomain(k) == InputDomain.REAL) {
        float[] x = big[k].data().clone();
        for (int i = 0; i < x.length; i++) {
          x[i] *= 1000f;
        }
        big[k] = Tensor.shaped(x, big[k].shape());
      }
    }
    cases.add(big);
    for (Tensor[] in : cases) {
      for (Reduction r : reductions()) {
        LossResult res = loss.evaluate(r, in);
        assertTrue(
            Double.isFinite(res.value()),
            id()
                + " "
                + given
                + " value "
                + res.value()
                + " on extreme input "
                + Arrays.toString(in));
        for (int k = 0; k < in.length; k++) {
          if (res.grad(k) != null) {
            for (float g : res.grad(k).data()) {
              assertTrue(
                  Float.isFinite(g), id() + " " + given + " gradient " + g + " on extreme input");
            }
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- errors

  @Test
  void nonFiniteInputsAreRejectedByName() {
    LossSpec s = spec();
    Loss loss = s.create();
    for (int k = 0; k < s.inputs().size(); k++) {
      Tensor[] in = s.sample(s.defaults(), new SplittableRandom(11), 8);
      if (in[k] == null) {
        continue;
      }
      float[] x = in[k].data().clone();
      x[x.length / 2] = Float.NaN;
      in[k] =
          in[k].isIntegral() ? Tensor.shaped(x, in[k].shape()) : Tensor.shaped(x, in[k].shape());
      Tensor[] bad = in;
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> loss.value(s.defaultReduction(), bad));
      assertTrue(
          e.getMessage().contains(s.inputs().get(k).name()),
          "message should name " + s.inputs().get(k).name() + ": " + e.getMessage());
    }
  }

  @Test
  void missingRequiredInputIsRejectedByName() {
    LossSpec s = spec();
    Loss loss = s.create();
    Tensor[] in = s.sample(s.defaults(), new SplittableRandom(12), 4);
    for (int k = 0; k < in.length; k++) {
      if (s.inputs().get(k).optional()) {
        continue;
      }
      Tensor[] missing = in.clone();
      missing[k] = null;
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> loss.value(s.defaultReduction(), missing));
      assertTrue(e.getMessage().contains(s.inputs().get(k).name()), e.getMessage());
    }
  }

  @Test
  void badParametersAreRejectedByName() {
    LossSpec s = spec();
    IllegalArgumentException unknown =
        assertThrows(IllegalArgumentException.class, () -> s.create(Map.of("no-such-param", "1")));
    assertTrue(unknown.getMessage().contains("no-such-param"), unknown.getMessage());
    for (ParamSpec ps : s.params()) {
      String bad = outside(ps);
      if (bad == null) {
        continue;
      }
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> s.create(Map.of(ps.name(), bad)),
              ps.name() + "=" + bad);
      assertTrue(e.getMessage().contains(ps.name()), e.getMessage());
      assertTrue(e.getMessage().contains(bad), e.getMessage());
    }
  }

  private static String outside(ParamSpec ps) {
    Range r = ps.range();
    switch (ps.kind()) {
      case REAL:
      case REALS:
        if (!Double.isInfinite(r.lo())) {
          return Double.toString(r.lo() - 1);
        }
        if (!Double.isInfinite(r.hi())) {
          return Double.toString(r.hi() + 1);
        }
        return "not-a-number";
      case INTEGER:
        return "1.5";
      case BOOLEAN:
        return "maybe";
      case CHOICE:
        return "no-such-choice";
      default:
        return null;
    }
  }

  @Test
  void disallowedReductionIsRejected() {
    LossSpec s = spec();
    Loss loss = s.create();
    Tensor[] in = s.sample(s.defaults(), new SplittableRandom(13), 4);
    for (Reduction r : Reduction.values()) {
      if (!s.reductions().contains(r)) {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> loss.value(r, in));
        assertTrue(e.getMessage().contains("reduction"), e.getMessage());
      }
    }
  }

  @Test
  void lossSpecificBadInputsAreRejectedWithClearMessages() {
    LossSpec s = spec();
    for (BadInput b : badInputs(new SplittableRandom(17))) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> s.create(b.params()).value(s.defaultReduction(), b.inputs()),
              b.description());
      for (String w : b.expectedWords()) {
        assertTrue(
            e.getMessage().contains(w),
            b.description() + ": message should contain '" + w + "': " + e.getMessage());
      }
    }
  }

  // ---------------------------------------------------------------- parameters of parameterized
  // tests

  java.util.stream.Stream<Map<String, ?>> paramCaseStream() {
    return allParamCases().stream();
  }
}

package dev.losskit.compose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.AbstractLoss;
import dev.losskit.Catalog;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.internal.Samples;
import dev.losskit.testing.LossContractTest;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WeightedSumLossTest extends LossContractTest {
  private static final String REGRESSION = "mse:1,huber:0.5(delta=2)";
  private static final String LOGITS = "bce-with-logits:1,sigmoid-focal:2(gamma=1,alpha=0.5)";
  private static final String SOFTMAX =
      "cross-entropy:1,cross-entropy:0.5(label-smoothing=0.1,ignore-index=0)";
  private static final String GAUSSIAN = "mse:1,gaussian-nll:0.5(full=true)";
  private static final String ZERO_WEIGHT = " mae : 2 , mse:0 ";

  private final Map<String, WeightedSumLoss> parsed = new HashMap<>();

  @Override
  protected String id() {
    return "weighted-sum";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("terms", REGRESSION),
        Map.of("terms", LOGITS),
        Map.of("terms", SOFTMAX),
        Map.of("terms", GAUSSIAN),
        Map.of("terms", ZERO_WEIGHT));
  }

  private WeightedSumLoss loss(String terms) {
    return parsed.computeIfAbsent(terms, t -> (WeightedSumLoss) spec().create(Map.of("terms", t)));
  }

  /** sum_i w_i R_i with each term's naive formula; see {@link TermOracles#composite}. */
  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    WeightedSumLoss loss = loss(p.text("terms"));
    return TermOracles.composite(spec(), loss.terms(), loss.weights(), 0, in);
  }

  private static Tensor[] inputs(Tensor... given) {
    Tensor[] in = new Tensor[WeightedSumLoss.SPEC.inputs().size()];
    System.arraycopy(given, 0, in, 0, given.length);
    return in;
  }

  private static Tensor indices(SplittableRandom r, int classes, int... shape) {
    return Samples.classes(r, classes, shape);
  }

  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    List<Tensor[]> out = new ArrayList<>();
    switch (p.text("terms")) {
      case LOGITS:
        {
          Tensor pred = Samples.normal(r, 2, 4, 3);
          Tensor target = Samples.uniform(r, 0, 1, 4, 3);
          out.add(
              inputs(pred, target, Samples.uniform(r, 0, 2, 4, 3), Samples.uniform(r, 0.5, 3, 3)));
          out.add(inputs(pred, target, Tensor.scalar(0.7f), null));
          out.add(inputs(pred, target, null, Samples.uniform(r, 0.5, 3, 3)));
          break;
        }
      case SOFTMAX:
        {
          // Spatial (N, C, d1, d2) with class weights, where the terms' mean denominators differ
          // (the second ignores class 0), and an unbatched (C) row.
          out.add(
              inputs(
                  Samples.normal(r, 2, 2, 4, 2, 3),
                  indices(r, 4, 2, 2, 3),
                  Samples.uniform(r, 0.2, 2, 4)));
          out.add(inputs(Samples.normal(r, 2, 5, 3), indices(r, 3, 5), null));
          out.add(
              inputs(
                  Samples.normal(r, 2, 4),
                  Tensor.integral(new float[] {2}, new int[0]),
                  Samples.uniform(r, 0.2, 2, 4)));
          break;
        }
      case GAUSSIAN:
        {
          Tensor pred = Samples.normal(r, 2, 3, 4);
          Tensor target = Samples.normal(r, 1, 3, 4);
          out.add(inputs(pred, target, null, null, Samples.uniform(r, 0.2, 2, 3, 4)));
          out.add(inputs(pred, target, null, null, Samples.uniform(r, 0.2, 2, 3, 1)));
          break;
        }
      default:
        out.add(inputs(Tensor.scalar(0.7f), Tensor.scalar(-0.4f)));
        out.add(inputs(Samples.normal(r, 2, 2, 3, 4), Samples.normal(r, 1, 2, 3, 4)));
    }
    return out;
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    switch (p.text("terms")) {
      case LOGITS:
        {
          Tensor pred = Tensor.of(new float[] {1000, -1000, 1000, -1000, 1000, -1000}, 2, 3);
          Tensor target = Tensor.of(new float[] {0, 1, 1, 0, 0.5f, 0.5f}, 2, 3);
          return List.<Tensor[]>of(
              inputs(pred, target),
              inputs(
                  pred,
                  target,
                  Tensor.of(new float[] {3, 0, 2, 1, 1e6f, 7}, 2, 3),
                  Tensor.of(new float[] {1e3f, 0, 2}, 3)));
        }
      case SOFTMAX:
        return List.<Tensor[]>of(
            inputs(
                Tensor.of(new float[] {1000, -1000, 0, -1000, 1000, 5}, 2, 3),
                Tensor.indices(new int[] {1, 2}),
                Tensor.of(new float[] {1, 2, 3}, 3)),
            inputs(
                Tensor.of(new float[] {1000, -1000, -1000}, 1, 3),
                Tensor.indices(new int[] {0}),
                null));
      case GAUSSIAN:
        return List.<Tensor[]>of(
            inputs(
                Tensor.of(new float[] {1e6f, -1e6f, 0}),
                Tensor.of(new float[] {-1e6f, 1e6f, 0}),
                null,
                null,
                Tensor.of(new float[] {1e-30f, 1e30f, 0})));
      default:
        return List.<Tensor[]>of(
            inputs(
                Tensor.of(new float[] {1e18f, -1e18f, 0}),
                Tensor.of(new float[] {-1e18f, 1e18f, 0})));
    }
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor p3 = Tensor.of(new float[] {0.1f, 0.2f, 0.3f});
    Tensor logits = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Map<String, String> ce = Map.of("terms", SOFTMAX);
    return List.of(
        new BadInput(
            "target of another shape",
            inputs(p3, Tensor.of(new float[2])),
            "target",
            "(3)",
            "(2)",
            "mse:1"),
        new BadInput(
            "probability above 1 for a probability term",
            Map.of("terms", "bce:1,focal:2"),
            inputs(Tensor.of(new float[] {0.5f, 1.5f}), Tensor.of(new float[] {0, 1})),
            "pred",
            "probabilities in [0, 1]",
            "1.5",
            "bce:1"),
        new BadInput(
            "soft label for focal",
            Map.of("terms", "bce:1,focal:2"),
            inputs(Tensor.of(new float[] {0.5f, 0.5f}), Tensor.of(new float[] {0, 0.5f})),
            "target",
            "labels 0 or 1",
            "focal:2"),
        new BadInput(
            "class index out of range",
            ce,
            inputs(logits, Tensor.indices(new int[] {1, 5})),
            "target",
            "[0, 3)",
            "5"),
        new BadInput(
            "class weights of the wrong length",
            ce,
            inputs(logits, Tensor.indices(new int[] {1, 2}), Tensor.of(new float[] {1, 1})),
            "weight",
            "(3)",
            "(2)"),
        new BadInput(
            "scalar logits",
            ce,
            inputs(Tensor.scalar(1f), Tensor.integral(new float[] {0}, new int[0])),
            "pred",
            "(N, C, d1, ..., dk) or (C)"),
        new BadInput(
            "negative class weight",
            ce,
            inputs(logits, Tensor.indices(new int[] {1, 2}), Tensor.of(new float[] {1, -1, 1})),
            "weight",
            "non-negative",
            "-1.0"),
        new BadInput(
            "unknown id",
            Map.of("terms", "msee:1,mae:1"),
            inputs(p3, p3),
            "terms",
            "'msee'",
            "did you mean 'mse'"),
        new BadInput(
            "weight that is not a number",
            Map.of("terms", "mse:abc"),
            inputs(p3, p3),
            "terms",
            "weight",
            "abc"),
        new BadInput(
            "negative weight",
            Map.of("terms", "mse:-2,mae:1"),
            inputs(p3, p3),
            "terms",
            "non-negative",
            "-2"),
        new BadInput("infinite weight", Map.of("terms", "mse:inf"), inputs(p3, p3), "terms", "inf"),
        new BadInput("no terms", Map.of("terms", " "), inputs(p3, p3), "terms", "at least one"),
        new BadInput(
            "empty term", Map.of("terms", "mse:1,,mae:1"), inputs(p3, p3), "terms", "empty"),
        new BadInput(
            "unclosed parenthesis",
            Map.of("terms", "huber:1(delta=2"),
            inputs(p3, p3),
            "terms",
            "')'"),
        new BadInput(
            "text after the parameters",
            Map.of("terms", "huber:1(delta=2)x"),
            inputs(p3, p3),
            "terms",
            "huber:1(delta=2)x"),
        new BadInput(
            "term parameter out of its domain",
            Map.of("terms", "huber:1(delta=-1)"),
            inputs(p3, p3),
            "terms",
            "delta",
            "-1"),
        new BadInput(
            "unknown term parameter",
            Map.of("terms", "huber:1(beta=1)"),
            inputs(p3, p3),
            "terms",
            "beta",
            "not a parameter of huber"),
        new BadInput(
            "parameter without a name",
            Map.of("terms", "huber:1(2)"),
            inputs(p3, p3),
            "terms",
            "name=value"),
        new BadInput(
            "term without gradients",
            Map.of("terms", "mse:1,zero-one:1"),
            inputs(p3, p3),
            "terms",
            "zero-one",
            "no gradient"),
        new BadInput(
            "input a term requires is missing",
            Map.of("terms", "mse:1,gaussian-nll:1"),
            inputs(p3, p3),
            "var",
            "required",
            "gaussian-nll"));
  }

  // ---------------------------------------------------------------- parsing and building

  @Test
  void termsAreParsedIntoLossesWeightsAndParameters() {
    WeightedSumLoss loss = loss(" mse : 1.5 , l1, huber:0.5(delta=2) ");
    List<Loss> terms = loss.terms();
    assertEquals(List.of("mse", "mae", "huber"), ids(terms));
    assertArrayEquals(new double[] {1.5, 1, 0.5}, loss.weights());
    assertEquals(2.0, terms.get(2).params().real("delta"));
    WeightedSumLoss lists =
        loss("multi-quantile:1(quantiles=0.1,0.25,0.9;crossing-penalty=0.5),mse");
    Params q = lists.terms().get(0).params();
    assertArrayEquals(new double[] {0.1, 0.25, 0.9}, q.reals("quantiles"));
    assertEquals(0.5, q.real("crossing-penalty"));
  }

  @Test
  void aTermMayItselfBeAWeightedSum() {
    Loss nested = loss("weighted-sum:2(terms=mse:1,huber:3(delta=0.5)),mae:1");
    Loss flat = loss("mse:2,huber:6(delta=0.5),mae:1");
    Tensor[] in =
        inputs(
            Samples.normal(new SplittableRandom(3), 2, 9),
            Samples.normal(new SplittableRandom(4), 1, 9));
    for (Reduction r : List.of(Reduction.MEAN, Reduction.SUM, Reduction.NONE)) {
      LossResult a = nested.evaluate(r, in);
      LossResult b = flat.evaluate(r, in);
      CompositeChecks.close(b.value(), a.value(), 1e-6, 0, r.id());
      CompositeChecks.combination(b.grad(0).data(), 0, b.grad(0).data(), a.grad(0).data(), r.id());
    }
  }

  @Test
  void builderAndCatalogueGiveTheSameLoss() {
    Catalog c = Catalog.builtin();
    Loss mse = c.create("mse");
    Loss huber = c.create("huber", Map.of("delta", "2"));
    WeightedSumLoss built = WeightedSumLoss.builder().add(mse).add(huber, 0.5).build();
    assertEquals(REGRESSION, built.params().text("terms"));
    assertEquals("weighted-sum{terms=" + REGRESSION + "}", built.toString());
    Map<Loss, Double> map = new LinkedHashMap<>();
    map.put(mse, 1.0);
    map.put(huber, 0.5);
    WeightedSumLoss ofMap = WeightedSumLoss.of(map);
    Loss text = loss(REGRESSION);
    Tensor[] in = spec().sample(text.params(), new SplittableRandom(8), 33);
    for (Reduction r : List.of(Reduction.MEAN, Reduction.SUM, Reduction.NONE)) {
      LossResult expected = text.evaluate(r, in);
      for (Loss l : List.of(built, ofMap)) {
        LossResult res = l.evaluate(r, in);
        assertEquals(expected.value(), res.value(), 0.0, r.id());
        assertArrayEquals(expected.grad(0).data(), res.grad(0).data(), 0f, r.id());
      }
    }
    assertThrows(IllegalArgumentException.class, () -> WeightedSumLoss.builder().add(mse, -1));
    assertThrows(
        IllegalArgumentException.class, () -> WeightedSumLoss.builder().add(mse, Double.NaN));
    IllegalArgumentException empty =
        assertThrows(IllegalArgumentException.class, () -> WeightedSumLoss.builder().build());
    assertTrue(empty.getMessage().startsWith("parameter terms:"), empty.getMessage());
  }

  /** A loss of pred, target and a third input, for wiring checks; it is never evaluated. */
  private static final class Fake extends AbstractLoss {
    Fake(LossSpec spec, Params p) {
      super(spec, p);
    }

    @Override
    public int[] check(Tensor[] in) {
      return in[0].shape();
    }

    @Override
    public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
      return 0;
    }
  }

  private static Loss fake(String id, String third, boolean differentiable) {
    LossSpec[] spec = new LossSpec[1];
    spec[0] =
        LossSpec.elementwise(id, Family.METRIC)
            .input(third, "(*)", InputDomain.REAL, differentiable, "a third input")
            .name(id)
            .summary(id)
            .formula("-")
            .gradient("-")
            .whenToUse("-")
            .sampler((p, r, n) -> new Tensor[3])
            .build(p -> new Fake(spec[0], p));
    return spec[0].create();
  }

  @Test
  void termsWhoseInputsDoNotFitAreRefusedByName() {
    Loss mse = Catalog.builtin().create("mse");
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                WeightedSumLoss.builder().add(mse).add(fake("triplet", "negative", true)).build());
    assertTrue(
        missing.getMessage().startsWith("parameter terms:")
            && missing.getMessage().contains("'negative'")
            && missing.getMessage().contains("pred, target, weight, pos-weight, var"),
        missing.getMessage());
    IllegalArgumentException data =
        assertThrows(
            IllegalArgumentException.class,
            () -> WeightedSumLoss.builder().add(fake("fixed-var", "var", false)).build());
    assertTrue(
        data.getMessage().startsWith("parameter terms:")
            && data.getMessage().contains("'var'")
            && data.getMessage().contains("as data"),
        data.getMessage());
  }

  private static List<String> ids(List<Loss> terms) {
    List<String> out = new ArrayList<>();
    for (Loss t : terms) {
      out.add(t.spec().id());
    }
    return out;
  }

  // ---------------------------------------------------------------- semantics

  @Test
  void meanTakesEachTermsOwnMeanAndSumEachTermsSum() {
    // Class weights and an ignored class give the two cross-entropy terms different denominators.
    SplittableRandom r = new SplittableRandom(31);
    Tensor pred = Samples.normal(r, 2, 3, 4, 5);
    Tensor target = indices(r, 4, 3, 5);
    Tensor weight = Samples.uniform(r, 0.2, 2, 4);
    Catalog c = Catalog.builtin();
    Loss a = c.create("cross-entropy");
    Loss b = c.create("cross-entropy", Map.of("label-smoothing", "0.1", "ignore-index", "0"));
    Loss sum = loss(SOFTMAX);
    for (Reduction red : List.of(Reduction.MEAN, Reduction.SUM)) {
      LossResult ra = a.evaluate(red, pred, target, weight);
      LossResult rb = b.evaluate(red, pred, target, weight);
      LossResult rs = sum.evaluate(red, inputs(pred, target, weight));
      CompositeChecks.close(ra.value() + 0.5 * rb.value(), rs.value(), 1e-6, 0, red.id());
      CompositeChecks.combination(
          ra.grad(0).data(), 0.5, rb.grad(0).data(), rs.grad(0).data(), red.id() + " gradient");
    }
    double meanOfSum = sum.value(Reduction.SUM, inputs(pred, target, weight)) / 15;
    assertTrue(
        Math.abs(sum.value(Reduction.MEAN, inputs(pred, target, weight)) - meanOfSum)
            > 1e-3 * meanOfSum,
        "the mean is not the sum over one shared denominator");
  }

  @Test
  void termsOfDifferentUnreducedShapesFillTheOneValueWithTheTotal() {
    // cross-entropy's unreduced values are per sample, mse's per element: the composite's is one.
    SplittableRandom r = new SplittableRandom(8);
    Tensor pred = Samples.normal(r, 2, 6, 3);
    Tensor target = Samples.simplex(r, 6, 3);
    Loss loss = loss("cross-entropy:1,mse:1");
    Tensor[] in = inputs(pred, target);
    for (Reduction red : List.of(Reduction.MEAN, Reduction.SUM)) {
      float[] values = {Float.NaN};
      float[][] grads = new float[in.length][];
      grads[0] = new float[pred.size()];
      double v = loss.evaluate(red, in, values, grads);
      assertEquals(loss.value(red, in), v, 1e-9 * Math.abs(v), red.id());
      assertEquals((float) v, values[0], red.id());
      assertArrayEquals(loss.evaluate(red, in).grad(0).data(), grads[0], red.id());
    }
  }

  @Test
  void gradientsOfEveryInputAreTheWeightedSumsOfTheTerms() {
    SplittableRandom r = new SplittableRandom(5);
    Tensor pred = Samples.normal(r, 2, 6, 4);
    Tensor target = Samples.normal(r, 1, 6, 4);
    Tensor var = Samples.uniform(r, 0.2, 2, 6, 4);
    Loss nll = Catalog.builtin().create("gaussian-nll", Map.of("full", "true"));
    Loss mse = Catalog.builtin().create("mse");
    Loss sum = loss(GAUSSIAN);
    for (Reduction red : Reduction.values()) {
      if (red == Reduction.BATCHMEAN) {
        continue;
      }
      LossResult g = nll.evaluate(red, pred, target, var);
      LossResult m = mse.evaluate(red, pred, target);
      LossResult s = sum.evaluate(red, inputs(pred, target, null, null, var));
      CompositeChecks.close(m.value() + 0.5 * g.value(), s.value(), 1e-6, 0, red.id());
      CompositeChecks.combination(
          m.grad(0).data(), 0.5, g.grad(0).data(), s.grad(0).data(), red.id() + " d/dpred");
      CompositeChecks.combination(
          new float[var.size()], 0.5, g.grad(2).data(), s.grad("var").data(), red.id() + " d/dvar");
      if (red == Reduction.NONE) {
        CompositeChecks.combination(
            m.values().data(), 0.5, g.values().data(), s.values().data(), "unreduced values");
      }
    }
  }

  @Test
  void probabilityTermsAgreeWithTheOracle() {
    SplittableRandom r = new SplittableRandom(17);
    for (String terms : List.of("bce:1,focal:2", "focal:0.5(alpha=0.5,gamma=1),bce:3")) {
      WeightedSumLoss loss = loss(terms);
      Tensor pred = Samples.probabilities(r, 3, 5);
      Tensor target = Samples.binary(r, 3, 5);
      CompositeChecks.agree(loss, inputs(pred, target), oi -> oracle(loss, oi), terms);
      CompositeChecks.agree(
          loss,
          inputs(pred, target, Samples.uniform(r, 0, 2, 3, 5)),
          oi -> oracle(loss, oi),
          terms + " with weight");
    }
  }

  private Oracle oracle(WeightedSumLoss loss, OracleInputs in) {
    return TermOracles.composite(spec(), loss.terms(), loss.weights(), 0, in);
  }

  @Test
  void probabilitiesOfExactlyZeroAndOneGiveFiniteValuesAndTorchsGradients() {
    Loss loss = loss("bce:1,focal:2");
    Tensor pred = Tensor.of(new float[] {0, 1, 0, 1, 0.5f});
    Tensor target = Tensor.of(new float[] {0, 1, 1, 0, 1});
    CompositeChecks.finite(loss, inputs(pred, target), "bce:1,focal:2");
    LossResult res = loss.evaluate(Reduction.NONE, inputs(pred, target));
    // bce clamps its logs at -100 and its gradient's denominator at 1e-12 (torch 1.13); focal's
    // clip leaves no gradient at 0 and 1 and costs -alpha_t log(1e-7) at the wrong end.
    double wrong = 100 + 2 * 0.25 * Math.pow(1 - 1e-7, 2) * -Math.log(1e-7);
    double wrongNegative = 100 + 2 * 0.75 * Math.pow(1 - 1e-7, 2) * -Math.log(1e-7);
    float[] v = res.values().data();
    CompositeChecks.close(0, v[0], 0, 1e-6, "p = 0, t = 0");
    CompositeChecks.close(wrong, v[2], 1e-6, 0, "p = 0, t = 1");
    CompositeChecks.close(wrongNegative, v[3], 1e-6, 0, "p = 1, t = 0");
    float[] g = res.grad(0).data();
    CompositeChecks.close(-1e12, g[2], 1e-6, 0, "gradient at p = 0, t = 1");
    CompositeChecks.close(1e12, g[3], 1e-6, 0, "gradient at p = 1, t = 0");
  }

  @Test
  void termsOfDifferentShapesReduceButHaveNoUnreducedValues() {
    // cross-entropy has one value per row (4), bce-with-logits one per element (4, 3).
    SplittableRandom r = new SplittableRandom(23);
    WeightedSumLoss loss = loss("cross-entropy:1,bce-with-logits:0.25");
    Tensor pred = Samples.normal(r, 2, 4, 3);
    Tensor target = Samples.simplex(r, 4, 3);
    Tensor[] in = inputs(pred, target);
    CompositeChecks.agree(loss, in, oi -> oracle(loss, oi), "cross-entropy + bce-with-logits");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> loss.value(Reduction.NONE, in));
    assertTrue(
        e.getMessage().startsWith("reduction: none")
            && e.getMessage().contains("(4) for 'cross-entropy:1'")
            && e.getMessage().contains("(4, 3) for 'bce-with-logits:0.25'"),
        e.getMessage());
  }

  @Test
  void aTermThatRefusesTheReductionIsNamed() {
    Loss loss = loss("mse:1,rmse:1");
    Tensor[] in = inputs(Tensor.of(new float[] {1, 2}), Tensor.of(new float[] {0, 0}));
    assertEquals(2.5 + Math.sqrt(2.5), loss.value(Reduction.MEAN, in), 1e-6);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> loss.value(Reduction.SUM, in));
    assertEquals(
        "reduction: term 'rmse:1' of weighted-sum expects one of mean, found sum", e.getMessage());
  }

  @Test
  void aZeroWeightTermAddsNothingButStillChecksItsInputs() {
    Loss loss = loss("mse:1,bce:0");
    Tensor[] in = inputs(Tensor.of(new float[] {0.5f, 0.25f}), Tensor.of(new float[] {0, 1}));
    LossResult res = loss.evaluate(Reduction.SUM, in);
    assertEquals(0.25 + 0.5625, res.value(), 1e-6);
    assertArrayEquals(new float[] {1f, -1.5f}, res.grad(0).data(), 1e-6f);
    Tensor[] bad = inputs(Tensor.of(new float[] {2, 0.25f}), Tensor.of(new float[] {0, 1}));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> loss.value(bad));
    assertTrue(e.getMessage().startsWith("pred: expected probabilities"), e.getMessage());
  }

  @Test
  void theKernelMethodsAreTheSumsAndTheMeanGoesThroughEvaluate() {
    Loss loss = loss(REGRESSION);
    Tensor[] in = inputs(Tensor.of(new float[] {1, 2, 3}), Tensor.of(new float[3]));
    assertArrayEquals(new int[] {3}, loss.check(in));
    float[][] grads = new float[in.length][];
    grads[0] = new float[3];
    assertEquals(loss.value(Reduction.SUM, in), loss.compute(in, null, grads, 1), 1e-12);
    assertArrayEquals(loss.evaluate(Reduction.SUM, in).grad(0).data(), grads[0], 0f);
    assertThrows(UnsupportedOperationException.class, () -> loss.meanDenominator(in, 3));
    // mse mean 14/3 plus half the huber mean (0.5 + 2 + 4) / 3.
    assertEquals(14.0 / 3 + 0.5 * 6.5 / 3, loss.value(in), 1e-6);
  }
}

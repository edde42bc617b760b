package dev.losskit.compose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.internal.Samples;
import dev.losskit.testing.LossContractTest;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UncertaintyWeightedLossTest extends LossContractTest {
  private static final String REGRESSION = "mse,huber(delta=0.5)";
  private static final String LOGITS = "bce-with-logits,sigmoid-focal(gamma=1)";
  private static final String SOFTMAX =
      "cross-entropy,cross-entropy(label-smoothing=0.2,ignore-index=1)";

  private final Map<String, UncertaintyWeightedLoss> parsed = new HashMap<>();

  @Override
  protected String id() {
    return "uncertainty-weighted";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("terms", REGRESSION), Map.of("terms", LOGITS), Map.of("terms", SOFTMAX));
  }

  private UncertaintyWeightedLoss loss(String terms) {
    return parsed.computeIfAbsent(
        terms, t -> (UncertaintyWeightedLoss) spec().create(Map.of("terms", t)));
  }

  /** exp(-s), continued by its tangent line below s = -44. */
  static double precision(double s) {
    return s >= -44 ? Math.exp(-s) : Math.exp(44) * (1 + (-s - 44));
  }

  /** sum_i exp(-s_i) R_i + s_i with each term's naive formula; see TermOracles#composite. */
  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    UncertaintyWeightedLoss loss = loss(p.text("terms"));
    double[] s = in.get(2);
    double[] coef = new double[s.length];
    double offset = 0;
    for (int i = 0; i < s.length; i++) {
      coef[i] = precision(s[i]);
      offset += s[i];
    }
    return TermOracles.composite(spec(), loss.terms(), coef, offset, in);
  }

  private static Tensor[] inputs(Tensor... given) {
    Tensor[] in = new Tensor[UncertaintyWeightedLoss.SPEC.inputs().size()];
    System.arraycopy(given, 0, in, 0, given.length);
    return in;
  }

  private static Tensor s(float... v) {
    return Tensor.of(v);
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
              inputs(
                  pred,
                  target,
                  s(-0.3f, 2),
                  Samples.uniform(r, 0, 2, 4, 3),
                  Samples.uniform(r, 0.5, 3, 3)));
          break;
        }
      case SOFTMAX:
        out.add(
            inputs(
                Samples.normal(r, 2, 2, 4, 2, 3),
                Samples.classes(r, 4, 2, 2, 3),
                s(0.2f, -0.3f),
                Samples.uniform(r, 0.2, 2, 4)));
        break;
      default:
        out.add(inputs(Tensor.scalar(0.7f), Tensor.scalar(-0.4f), s(-0.3f, 2)));
        out.add(inputs(Samples.normal(r, 2, 2, 3, 4), Samples.normal(r, 1, 2, 3, 4), s(3, -0.4f)));
    }
    return out;
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    switch (p.text("terms")) {
      case LOGITS:
        return List.<Tensor[]>of(
            inputs(
                Tensor.of(new float[] {1000, -1000, 1000, -1000}),
                Tensor.of(new float[] {0, 1, 1, 0.5f}),
                s(-1000, 1000)));
      case SOFTMAX:
        return List.<Tensor[]>of(
            inputs(
                Tensor.of(new float[] {1000, -1000, 0, -1000, 1000, 5}, 2, 3),
                Tensor.indices(new int[] {1, 2}),
                s(-1000, -50),
                Tensor.of(new float[] {1, 2, 3}, 3)));
      default:
        return List.<Tensor[]>of(
            inputs(
                Tensor.of(new float[] {1e6f, -1e6f, 0}),
                Tensor.of(new float[] {-1e6f, 1e6f, 0}),
                s(-1000, 1000)),
            inputs(Tensor.of(new float[] {1, 2}), Tensor.of(new float[] {1, 2}), s(-1000, -50)),
            inputs(Tensor.of(new float[] {1, 2}), Tensor.of(new float[] {0, 0}), s(88, 1e30f)));
    }
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor p3 = Tensor.of(new float[] {0.1f, 0.2f, 0.3f});
    return List.of(
        new BadInput(
            "one log-variance too many", inputs(p3, p3, s(0, 0, 0)), "log-var", "(2)", "(3)"),
        new BadInput(
            "scalar log-variance",
            inputs(p3, p3, Tensor.scalar(0)),
            "log-var",
            "one log-variance per term",
            "()"),
        new BadInput(
            "target of another shape",
            inputs(p3, Tensor.of(new float[2]), s(0, 0)),
            "target",
            "(3)",
            "(2)",
            "'mse'"),
        new BadInput(
            "weights in the terms",
            Map.of("terms", "mse:2,mae"),
            inputs(p3, p3, s(0, 0)),
            "terms",
            "without weights",
            "mse:2"),
        new BadInput(
            "probability above 1 for a probability term",
            Map.of("terms", "bce,focal"),
            inputs(Tensor.of(new float[] {0.5f, 1.5f}), Tensor.of(new float[] {0, 1}), s(0, 0)),
            "pred",
            "probabilities in [0, 1]",
            "'bce'"),
        new BadInput(
            "unknown id",
            Map.of("terms", "mse,maee"),
            inputs(p3, p3, s(0, 0)),
            "terms",
            "'maee'",
            "did you mean 'mae'"),
        new BadInput(
            "class index out of range",
            Map.of("terms", SOFTMAX),
            inputs(
                Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3),
                Tensor.indices(new int[] {1, 3}),
                s(0, 0)),
            "target",
            "[0, 3)",
            "3"));
  }

  // ---------------------------------------------------------------- semantics

  @Test
  void itLearnsItsWeights() {
    // Plain gradient descent on s alone, for fixed task losses, drives exp(-s_i) to 1 / L_i.
    SplittableRandom r = new SplittableRandom(41);
    Loss loss = loss("mse,mae");
    Tensor pred = Samples.normal(r, 10, 50);
    Tensor target = Samples.normal(r, 1, 50);
    double lMse = Catalog.builtin().create("mse").value(pred, target);
    double lMae = Catalog.builtin().create("mae").value(pred, target);
    assertTrue(lMse > 5 * lMae, "the tasks' scales differ: " + lMse + " vs " + lMae);
    float[] s = {0, 0};
    for (int step = 0; step < 400; step++) {
      float[] g = loss.evaluate(inputs(pred, target, Tensor.of(s))).grad("log-var").data();
      for (int i = 0; i < 2; i++) {
        s[i] -= 0.2f * g[i];
      }
    }
    CompositeChecks.close(1 / lMse, Math.exp(-s[0]), 1e-4, 0, "weight of mse");
    CompositeChecks.close(1 / lMae, Math.exp(-s[1]), 1e-4, 0, "weight of mae");
    // At the optimum the value is sum_i (1 + log L_i).
    CompositeChecks.close(
        2 + Math.log(lMse) + Math.log(lMae),
        loss.value(inputs(pred, target, Tensor.of(s))),
        1e-5,
        0,
        "value at the optimum");
  }

  @Test
  void learningPredAndWeightsTogetherReducesBothTasks() {
    SplittableRandom r = new SplittableRandom(43);
    Loss loss = loss("mse,mae");
    float[] p = Samples.normal(r, 3, 40).data().clone();
    Tensor target = Samples.normal(r, 1, 40);
    float[] s = {0, 0};
    Loss mse = Catalog.builtin().create("mse");
    double before = mse.value(Tensor.of(p), target);
    for (int step = 0; step < 300; step++) {
      LossResult res = loss.evaluate(inputs(Tensor.of(p), target, Tensor.of(s)));
      float[] gp = res.grad(0).data();
      float[] gs = res.grad(2).data();
      for (int i = 0; i < p.length; i++) {
        p[i] -= 0.5f * gp[i];
      }
      for (int i = 0; i < 2; i++) {
        s[i] -= 0.1f * gs[i];
      }
    }
    double after = mse.value(Tensor.of(p), target);
    assertTrue(after < 1e-2 * before, "mse " + before + " -> " + after);
    // As both losses shrink, both precisions grow.
    assertTrue(s[0] < -1 && s[1] < -1, "log-variances " + s[0] + ", " + s[1]);
  }

  @Test
  void valueAndGradientsFollowFromTheTermsForMeanAndSum() {
    SplittableRandom r = new SplittableRandom(47);
    Tensor pred = Samples.normal(r, 2, 5, 4);
    Tensor target = Samples.normal(r, 1, 5, 4);
    float[] s = {0.4f, -0.7f};
    Loss mse = Catalog.builtin().create("mse");
    Loss huber = Catalog.builtin().create("huber", Map.of("delta", "0.5"));
    Loss loss = loss(REGRESSION);
    for (Reduction red : List.of(Reduction.MEAN, Reduction.SUM)) {
      LossResult a = mse.evaluate(red, pred, target);
      LossResult b = huber.evaluate(red, pred, target);
      LossResult res = loss.evaluate(red, inputs(pred, target, Tensor.of(s)));
      double ea = Math.exp(-s[0]);
      double eb = Math.exp(-s[1]);
      CompositeChecks.close(
          ea * a.value() + s[0] + eb * b.value() + s[1], res.value(), 1e-6, 0, red.id());
      float[] gp = res.grad(0).data();
      for (int i = 0; i < gp.length; i++) {
        CompositeChecks.close(
            ea * a.grad(0).data()[i] + eb * b.grad(0).data()[i],
            gp[i],
            1e-6,
            1e-8,
            red.id() + " d/dpred");
      }
      float[] gs = res.grad("log-var").data();
      CompositeChecks.close(1 - ea * a.value(), gs[0], 1e-6, 1e-8, red.id() + " d/ds_0");
      CompositeChecks.close(1 - eb * b.value(), gs[1], 1e-6, 1e-8, red.id() + " d/ds_1");
    }
  }

  @Test
  void atZeroLogVariancesItIsThePlainSum() {
    SplittableRandom r = new SplittableRandom(53);
    Tensor pred = Samples.normal(r, 2, 9);
    Tensor target = Samples.normal(r, 1, 9);
    Loss plain = Catalog.builtin().create("weighted-sum", Map.of("terms", "mse:1,mae:1"));
    LossResult a = plain.evaluate(pred, target);
    LossResult b = loss("mse,mae").evaluate(inputs(pred, target, s(0, 0)));
    assertEquals(a.value(), b.value(), 1e-12);
    assertArrayEquals(a.grad(0).data(), b.grad(0).data(), 1e-7f);
  }

  @Test
  void veryNegativeLogVariancesFollowTheTangentOfExp() {
    Loss loss = loss("mse");
    Tensor pred = Tensor.of(new float[] {1, 3});
    Tensor target = Tensor.of(new float[] {0, 0});
    for (float sv : new float[] {-44, -45, -1000}) {
      LossResult res = loss.evaluate(inputs(pred, target, s(sv)));
      double w = precision(sv);
      CompositeChecks.close(w * 5 + sv, res.value(), 1e-6, 0, "value at s = " + sv);
      CompositeChecks.close(w * 1, res.grad(0).data()[0], 1e-6, 0, "d/dpred at s = " + sv);
      CompositeChecks.close(
          1 - Math.exp(44) * 5, res.grad(2).data()[0], 1e-6, 0, "d/ds at s = " + sv);
    }
    LossResult above = loss.evaluate(inputs(pred, target, s(-43)));
    CompositeChecks.close(Math.exp(43) * 5 - 43, above.value(), 1e-6, 0, "exact above the cap");
    CompositeChecks.close(1 - Math.exp(43) * 5, above.grad(2).data()[0], 1e-6, 0, "d/ds at -43");
  }

  @Test
  void probabilityTermsAgreeWithTheOracle() {
    SplittableRandom r = new SplittableRandom(59);
    UncertaintyWeightedLoss loss = loss("bce,focal(alpha=0.5)");
    Tensor pred = Samples.probabilities(r, 4, 3);
    Tensor target = Samples.binary(r, 4, 3);
    CompositeChecks.agree(
        loss, inputs(pred, target, s(0.3f, -0.6f)), oi -> oracle(oi, loss.params()), "bce + focal");
    CompositeChecks.finite(
        loss,
        inputs(Tensor.of(new float[] {0, 1, 0, 1}), Tensor.of(new float[] {0, 1, 1, 0}), s(-5, 5)),
        "probabilities of exactly 0 and 1");
  }

  @Test
  void builtFromJavaLossesItEqualsTheCatalogueEntry() {
    Loss mse = Catalog.builtin().create("mse");
    Loss huber = Catalog.builtin().create("huber", Map.of("delta", "0.5"));
    UncertaintyWeightedLoss built = UncertaintyWeightedLoss.of(mse, huber);
    assertEquals(REGRESSION, built.params().text("terms"));
    assertEquals(List.of(mse, huber), built.terms());
    Tensor[] in = spec().sample(built.params(), new SplittableRandom(2), 17);
    LossResult a = built.evaluate(Reduction.SUM, in);
    LossResult b = loss(REGRESSION).evaluate(Reduction.SUM, in);
    assertEquals(b.value(), a.value(), 0.0);
    assertArrayEquals(b.grad(2).data(), a.grad(2).data(), 0f);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> UncertaintyWeightedLoss.of());
    assertTrue(e.getMessage().startsWith("parameter terms:"), e.getMessage());
  }
}

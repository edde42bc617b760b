package dev.losskit.xgboost;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.LossSpec;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.TwiceDifferentiable;
import dev.losskit.testing.References;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every loss marked H, through XGBoost's objective and metric interfaces, gives what the core gives
 * and what the reference peers computed.
 */
class LosskitObjectiveTest {

  static Stream<String> hLosses() {
    return LosskitObjective.twiceDifferentiableIds().stream();
  }

  /** A matrix of one constant feature with the given labels, as XGBoost hands it over. */
  static DMatrix matrix(float[] labels) throws XGBoostError {
    DMatrix d = new DMatrix(new float[labels.length], labels.length, 1, Float.NaN);
    d.setLabel(labels);
    return d;
  }

  static float[][] column(float[] margins) {
    float[][] out = new float[margins.length][1];
    for (int i = 0; i < margins.length; i++) {
      out[i][0] = margins[i];
    }
    return out;
  }

  @Test
  void everyLossMarkedHIsAnObjective() {
    List<String> ids = LosskitObjective.twiceDifferentiableIds();
    for (String known :
        List.of(
            "mse",
            "huber",
            "pseudo-huber",
            "log-cosh",
            "poisson-nll",
            "tweedie",
            "bce-with-logits",
            "sigmoid-focal")) {
      assertTrue(ids.contains(known), known + " should be among " + ids);
    }
    for (LossSpec s : Catalog.builtin().specs()) {
      if (s.has(Trait.HESSIAN)) {
        assertTrue(s.create() instanceof TwiceDifferentiable, s.id());
      }
    }
  }

  /** Gradient and Hessian through the objective on sampled inputs equal the core's. */
  @ParameterizedTest
  @MethodSource("hLosses")
  void sampledInputsMatchCore(String id) throws XGBoostError {
    LossSpec spec = Catalog.builtin().get(id);
    for (int seed = 0; seed < 3; seed++) {
      Tensor[] in = spec.sample(spec.defaults(), new SplittableRandom(seed), 101);
      float[] pred = in[0].data();
      float[] target = in[1].data();
      LosskitObjective obj = LosskitObjective.of(id);
      List<float[]> gh = obj.getGradient(column(pred), matrix(target));

      TwiceDifferentiable core = (TwiceDifferentiable) spec.create();
      float[] grad = core.evaluate(Reduction.SUM, in[0], in[1]).grad(0).data();
      float[] hess = core.hessian(in[0], in[1]).data();
      float[] floored = new float[hess.length];
      for (int i = 0; i < hess.length; i++) {
        floored[i] = Math.max(hess[i], (float) LosskitObjective.DEFAULT_HESSIAN_FLOOR);
      }
      assertArrayEquals(grad, gh.get(0), id + " gradient, seed " + seed);
      assertArrayEquals(floored, gh.get(1), id + " Hessian, seed " + seed);

      float metric = LosskitMetric.of(id).eval(column(pred), matrix(target));
      assertEquals(core.value(Reduction.MEAN, in[0], in[1]), metric, 1e-5 * (1 + Math.abs(metric)));
    }
  }

  static Stream<Arguments> referenceCases() {
    List<Arguments> out = new ArrayList<>();
    for (String id : LosskitObjective.twiceDifferentiableIds()) {
      if (!References.exists(id)) {
        continue;
      }
      for (References.Case c : References.read(References.DIR.resolve(id + ".json"))) {
        // XGBoost supplies margins and labels only; weighted cases belong to the core's tests.
        if (c.inputs().keySet().equals(java.util.Set.of("pred", "target"))
            && c.grads().containsKey("pred")) {
          out.add(Arguments.of(c));
        }
      }
    }
    return out.stream();
  }

  /**
   * The objective's gradient equals the peer's gradient (PyTorch, torchvision, scikit-learn) of the
   * summed loss, and the metric the peer's mean.
   */
  @ParameterizedTest
  @MethodSource("referenceCases")
  void referenceCasesMatchThePeer(References.Case c) throws XGBoostError {
    float[] pred = c.inputs().get("pred").data();
    float[] target = c.inputs().get("target").data();
    int n = pred.length;
    LosskitObjective obj = LosskitObjective.of(c.id(), c.params());
    List<float[]> gh = obj.getGradient(column(pred), matrix(target));
    // The peer differentiated the reduced value; the mean's gradient is the sum's divided by n.
    double factor = c.reduction() == Reduction.MEAN ? n : 1;
    float[] expected = c.grads().get("pred").data();
    for (int i = 0; i < n; i++) {
      double e = expected[i] * factor;
      assertEquals(e, gh.get(0)[i], 1e-5 * Math.max(1, Math.abs(e)), c + " gradient at " + i);
    }
    float[] hess =
        ((TwiceDifferentiable) Catalog.builtin().create(c.id(), c.params()))
            .hessian(c.inputs().get("pred"), c.inputs().get("target"))
            .data();
    for (int i = 0; i < n; i++) {
      assertEquals(Math.max(hess[i], 1e-6f), gh.get(1)[i], c + " Hessian at " + i);
      assertTrue(gh.get(1)[i] > 0, c + " Hessian at " + i + " must be positive");
    }
    if (c.reduction() == Reduction.MEAN && Double.isFinite(c.value())) {
      float metric = LosskitMetric.of(c.id(), c.params()).eval(column(pred), matrix(target));
      assertEquals(c.value(), metric, 1e-5 * Math.max(1, Math.abs(c.value())), c + " metric");
    }
  }

  @Test
  void rowWeightsScaleGradientHessianAndMetric() throws XGBoostError {
    float[] pred = {0.5f, -1f, 2f, 0f};
    float[] target = {0f, 0f, 1f, 3f};
    float[] w = {1f, 2f, 0.5f, 0f};
    DMatrix d = matrix(target);
    d.setWeight(w);
    List<float[]> weighted = LosskitObjective.of("log-cosh").getGradient(column(pred), d);
    List<float[]> plain = LosskitObjective.of("log-cosh").getGradient(column(pred), matrix(target));
    for (int i = 0; i < pred.length; i++) {
      assertEquals(plain.get(0)[i] * w[i], weighted.get(0)[i], 1e-7);
      assertEquals(plain.get(1)[i] * w[i], weighted.get(1)[i], 1e-7);
    }
    float[] values =
        Catalog.builtin()
            .create("log-cosh")
            .evaluate(Reduction.NONE, Tensor.of(pred), Tensor.of(target))
            .values()
            .data();
    double expected = (values[0] * 1 + values[1] * 2 + values[2] * 0.5) / 3.5;
    assertEquals(expected, LosskitMetric.of("log-cosh").eval(column(pred), d), 1e-6);
  }

  @Test
  void severalOutputsPerRowAreFlattenedRowByRow() throws XGBoostError {
    float[][] margins = {{0.1f, -0.2f}, {1.5f, 3f}};
    float[] labels = {0f, 1f, 1f, 0f};
    DMatrix d = new DMatrix(new float[2], 2, 1, Float.NaN);
    d.setLabel(labels);
    List<float[]> gh = LosskitObjective.of("bce-with-logits").getGradient(margins, d);
    float[] grad =
        Catalog.builtin()
            .create("bce-with-logits")
            .evaluate(
                Reduction.SUM, Tensor.of(new float[] {0.1f, -0.2f, 1.5f, 3f}), Tensor.of(labels))
            .grad(0)
            .data();
    assertArrayEquals(grad, gh.get(0));
  }

  @Test
  void negativeAndVanishingHessiansAreFloored() throws XGBoostError {
    // sigmoid-focal is not convex: its second derivative is negative for some confident logits.
    float[] pred = new float[81];
    float[] target = new float[81];
    for (int i = 0; i < pred.length; i++) {
      pred[i] = -8 + 0.2f * i;
      target[i] = 1;
    }
    float[] core =
        ((TwiceDifferentiable) Catalog.builtin().create("sigmoid-focal"))
            .hessian(Tensor.of(pred), Tensor.of(target))
            .data();
    boolean anyNegative = false;
    for (float h : core) {
      anyNegative |= h < 0;
    }
    assertTrue(anyNegative, "the test needs a negative second derivative");
    float[] hess =
        LosskitObjective.of("sigmoid-focal").getGradient(column(pred), matrix(target)).get(1);
    for (int i = 0; i < hess.length; i++) {
      assertEquals(Math.max(core[i], 1e-6f), hess[i]);
    }
    // huber's second derivative is exactly 0 beyond delta; a custom floor replaces it.
    float[] far =
        LosskitObjective.of("huber")
            .withHessianFloor(0.05)
            .getGradient(column(new float[] {5f, 0.5f}), matrix(new float[] {0f, 0f}))
            .get(1);
    assertArrayEquals(new float[] {0.05f, 1f}, far);
  }

  @Test
  void rejectsLossesWithoutHessianAndBadArguments() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LosskitObjective.of("mae"));
    assertTrue(e.getMessage().contains("'mae'"), e.getMessage());
    assertTrue(e.getMessage().contains("marked H"), e.getMessage());
    assertTrue(e.getMessage().contains("huber"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LosskitObjective.of("no-such-loss"));
    assertTrue(e.getMessage().contains("no-such-loss"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LosskitObjective.of("huber", Map.of("delta", "-1")));
    assertTrue(e.getMessage().contains("delta"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LosskitObjective.of("huber").withHessianFloor(-1));
    assertTrue(e.getMessage().contains("hessianFloor"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LosskitMetric.of("triplet-margin"));
    assertTrue(e.getMessage().contains("requires"), e.getMessage());
  }

  @Test
  void rejectsLabelsThatDoNotMatchOrLeaveTheDomain() throws XGBoostError {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LosskitObjective.of("mse")
                    .getGradient(column(new float[] {1, 2, 3}), matrix(new float[] {1, 2})));
    assertTrue(
        e.getMessage().startsWith("labels: expected one label per prediction"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LosskitObjective.of("bce-with-logits")
                    .getGradient(column(new float[] {0, 1}), matrix(new float[] {0, 2})));
    assertTrue(e.getMessage().startsWith("target:"), e.getMessage());
  }

  @Test
  void serializesAndRebuildsTheLoss() throws Exception {
    LosskitObjective obj =
        LosskitObjective.of("pseudo-huber", Map.of("delta", 0.25)).withHessianFloor(0.01);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(obj);
    }
    LosskitObjective back;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      back = (LosskitObjective) in.readObject();
    }
    assertEquals(0.01, back.hessianFloor());
    assertEquals(0.25, back.loss().params().real("delta"));
    float[] pred = {3f, -0.1f};
    float[] target = {0f, 0f};
    assertArrayEquals(
        obj.getGradient(column(pred), matrix(target)).get(0),
        back.getGradient(column(pred), matrix(target)).get(0));
    assertFalse(back.toString().isEmpty());
  }
}

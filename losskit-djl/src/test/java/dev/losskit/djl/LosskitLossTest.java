package dev.losskit.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.losskit.Catalog;
import dev.losskit.InputSpec;
import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.LossSpec;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The binding of DJL's lists to the declared inputs, every catalogue loss, and the errors. */
class LosskitLossTest {
  private static NDManager manager;

  @BeforeAll
  static void start() {
    manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
  }

  @AfterAll
  static void stop() {
    manager.close();
  }

  static List<LossSpec> differentiable() {
    List<LossSpec> out = new ArrayList<>();
    for (LossSpec s : Catalog.builtin().specs()) {
      if (!s.has(Trait.NOT_DIFFERENTIABLE)) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * Every differentiable catalogue loss, on the typical inputs its catalogue entry samples: the
   * default binding is complete, and the engine's autograd returns losskit's value and gradients.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("differentiable")
  void everyLossThroughAutograd(LossSpec spec) {
    LosskitLoss probe = LosskitLoss.of(spec.id());
    for (String name : probe.predictionNames()) {
      assertTrue(spec.inputs().get(spec.inputIndex(name)).differentiable(), name);
    }
    Tensor[] in = spec.sample(spec.defaults(), new SplittableRandom(11), 7);
    List<String> predictions = new ArrayList<>(probe.predictionNames());
    List<String> labels = new ArrayList<>(probe.labelNames());
    for (int k = 0; k < in.length; k++) {
      InputSpec s = spec.inputs().get(k);
      if (s.optional() && in[k] != null) {
        (s.differentiable() && !in[k].isIntegral() ? predictions : labels).add(s.name());
      }
    }
    if (in[spec.inputIndex(predictions.get(0))].isIntegral()) {
      return; // label counts (gini, entropy-impurity): data, not a model output
    }
    LosskitLoss loss =
        LosskitLoss.builder(spec.id())
            .predictions(predictions.toArray(String[]::new))
            .labels(labels.toArray(String[]::new))
            .build();
    LossResult expected = spec.create().evaluate(loss.reduction(), in);
    try (NDManager m = manager.newSubManager()) {
      NDList preds = arrays(m, spec, in, predictions);
      for (NDArray p : preds) {
        p.setRequiresGradient(true);
      }
      NDList labs = arrays(m, spec, in, labels);
      try (GradientCollector c = m.getEngine().newGradientCollector()) {
        NDArray out = loss.evaluate(labs, preds);
        assertEquals((float) expected.value(), out.getFloat(), spec.id() + " value");
        c.backward(out);
      }
      for (int i = 0; i < predictions.size(); i++) {
        float[] want = expected.grad(predictions.get(i)).data();
        float[] got = preds.get(i).getGradient().toFloatArray();
        assertEquals(want.length, got.length);
        for (int j = 0; j < want.length; j++) {
          assertEquals(want[j], got[j], spec.id() + " d/d" + predictions.get(i) + "[" + j + "]");
        }
      }
    }
  }

  @Test
  void defaultBindings() {
    assertBinding("huber", List.of("pred"), List.of("target"));
    assertBinding("gaussian-nll", List.of("pred", "var"), List.of("target"));
    assertBinding("kl-div", List.of("pred"), List.of("target"));
    assertBinding("mase", List.of("pred"), List.of("target", "insample"));
    assertBinding("contrastive", List.of("x1", "x2"), List.of("label"));
    assertBinding("triplet-margin", List.of("anchor", "positive", "negative"), List.of());
    assertBinding("vae", List.of("reconstruction", "mu", "logvar"), List.of("input"));
    assertBinding(
        "wasserstein-gaussian",
        List.of("pred-mean", "pred-cov"),
        List.of("target-mean", "target-cov"));
    assertBinding("entropy", List.of("pred"), List.of());
  }

  private static void assertBinding(String id, List<String> predictions, List<String> labels) {
    LosskitLoss loss = LosskitLoss.of(id);
    assertEquals(predictions, loss.predictionNames(), id + " predictions");
    assertEquals(labels, loss.labelNames(), id + " labels");
    assertEquals(id, loss.getName());
  }

  /** A fixed input (class weights) is used in every evaluation, as core uses it. */
  @Test
  void fixedClassWeights() {
    Tensor weight = Tensor.of(new float[] {0.2f, 1f, 3f});
    LosskitLoss loss = LosskitLoss.builder("cross-entropy").input("weight", weight).build();
    float[] logits = {0.1f, -1f, 2f, 0.5f, 0.3f, -0.2f, 1f, 1f, -3f, 0f, 0f, 0f};
    int[] target = {2, 0, 1, 1};
    LossResult expected =
        Catalog.builtin()
            .create("cross-entropy")
            .evaluate(Reduction.MEAN, Tensor.of(logits, 4, 3), Tensor.indices(target), weight);
    try (NDManager m = manager.newSubManager()) {
      NDArray p = m.create(logits, new Shape(4, 3));
      p.setRequiresGradient(true);
      NDArray y = m.create(new long[] {2, 0, 1, 1}, new Shape(4));
      try (GradientCollector c = m.getEngine().newGradientCollector()) {
        NDArray out = loss.evaluate(new NDList(y), new NDList(p));
        assertEquals((float) expected.value(), out.getFloat());
        c.backward(out);
      }
      assertArrayEquals(expected.grad("pred").data(), p.getGradient().toFloatArray());
    }
  }

  /** DJL's datasets hold float labels: whole values are class indices where only indices fit. */
  @Test
  void floatClassIndicesForIndexOnlyInputs() {
    LosskitLoss loss = LosskitLoss.of("multi-margin");
    try (NDManager m = manager.newSubManager()) {
      NDArray p = m.create(new float[] {0.1f, -1f, 2f, 0.5f, 0.3f, -0.2f}, new Shape(2, 3));
      float asInt =
          loss.evaluate(new NDList(m.create(new long[] {2, 0}, new Shape(2))), new NDList(p))
              .getFloat();
      float asFloat =
          loss.evaluate(new NDList(m.create(new float[] {2, 0}, new Shape(2))), new NDList(p))
              .getFloat();
      assertEquals(asInt, asFloat);
      NDList half = new NDList(m.create(new float[] {1.5f, 0}, new Shape(2)));
      assertMessage(() -> loss.evaluate(half, new NDList(p)), "target", "class indices");
    }
  }

  /** Losses without labels ignore the label array a DJL training loop always passes. */
  @Test
  void labelsIgnoredWhenNoneBound() {
    LosskitLoss loss = LosskitLoss.of("info-nce");
    try (NDManager m = manager.newSubManager()) {
      NDArray a = m.create(new float[] {1, 0, 0, 1, 1, 1}, new Shape(3, 2));
      NDArray b = m.create(new float[] {1, 0.1f, 0, 1, 1, 0.9f}, new Shape(3, 2));
      float none = loss.evaluate(new NDList(), new NDList(a, b)).getFloat();
      float dummy = loss.evaluate(new NDList(m.zeros(new Shape(3))), new NDList(a, b)).getFloat();
      assertEquals(none, dummy);
      double core =
          Catalog.builtin()
              .create("info-nce")
              .value(Tensor.of(a.toFloatArray(), 3, 2), Tensor.of(b.toFloatArray(), 3, 2));
      assertEquals((float) core, none);
    }
  }

  /** Loss extends DJL's Evaluator: the accumulators average the per-batch values. */
  @Test
  void accumulatorsAverageBatches() {
    LosskitLoss loss = LosskitLoss.of("mae");
    try (NDManager m = manager.newSubManager()) {
      NDList y = new NDList(m.create(new float[] {0, 0}));
      NDList p1 = new NDList(m.create(new float[] {1, 3}));
      NDList p2 = new NDList(m.create(new float[] {-4, 0}));
      loss.addAccumulator("train");
      loss.updateAccumulators(new String[] {"train"}, y, p1);
      loss.updateAccumulators(new String[] {"train"}, y, p2);
      assertEquals((2f + 2f) / 2, loss.getAccumulator("train"), 1e-6);
    }
  }

  /** Model outputs are often views (a column of a wider output): they are read in row order. */
  @Test
  void stridedPredictions() {
    LosskitLoss loss = LosskitLoss.of("huber");
    try (NDManager m = manager.newSubManager()) {
      NDArray wide = m.create(new float[] {1, 10, 2, 20, 3, 30}, new Shape(3, 2));
      NDArray y = m.create(new float[] {0, 0, 5}, new Shape(3, 1));
      NDArray column = wide.get(":, 1:2");
      NDArray copy = m.create(new float[] {10, 20, 30}, new Shape(3, 1));
      column.setRequiresGradient(true);
      copy.setRequiresGradient(true);
      float[][] grads = new float[2][];
      float[] values = new float[2];
      NDArray[] preds = {column, copy};
      for (int i = 0; i < 2; i++) {
        try (GradientCollector c = m.getEngine().newGradientCollector()) {
          NDArray out = loss.evaluate(new NDList(y), new NDList(preds[i]));
          values[i] = out.getFloat();
          c.backward(out);
        }
        grads[i] = preds[i].getGradient().toFloatArray();
      }
      assertEquals(values[1], values[0]);
      assertArrayEquals(grads[1], grads[0]);
      double core =
          Catalog.builtin()
              .create("huber")
              .value(Tensor.of(new float[] {10, 20, 30}), Tensor.of(new float[] {0, 0, 5}));
      assertEquals((float) core, values[0]);
    }
  }

  @Test
  void sumAndBatchmean() {
    try (NDManager m = manager.newSubManager()) {
      NDArray p = m.create(new float[] {-1f, -2f, -0.5f, -3f}, new Shape(2, 2));
      NDArray y = m.create(new float[] {0.2f, 0.3f, 0.1f, 0.4f}, new Shape(2, 2));
      Loss core = Catalog.builtin().create("kl-div");
      Tensor tp = Tensor.of(p.toFloatArray(), 2, 2);
      Tensor ty = Tensor.of(y.toFloatArray(), 2, 2);
      for (Reduction r : new Reduction[] {Reduction.SUM, Reduction.BATCHMEAN}) {
        LosskitLoss loss = LosskitLoss.builder("kl-div").reduction(r).build();
        assertEquals(r, loss.reduction());
        assertEquals(
            (float) core.value(r, tp, ty),
            loss.evaluate(new NDList(y), new NDList(p)).getFloat(),
            r.id());
      }
    }
  }

  @Test
  void builderErrorsNameTheProblem() {
    assertMessage(() -> LosskitLoss.of("zero-one"), "loss", "zero-one", "no gradient");
    assertMessage(() -> LosskitLoss.of("hubber"), "loss", "huber");
    assertMessage(() -> LosskitLoss.of("huber", Map.of("delta", -1)), "delta");
    assertMessage(() -> LosskitLoss.of("huber", Map.of("beta", 1)), "beta", "huber");
    assertMessage(
        () -> LosskitLoss.builder("huber").reduction(Reduction.NONE).build(),
        "reduction",
        "none",
        "sum");
    assertMessage(
        () -> LosskitLoss.builder("rmse").reduction(Reduction.SUM).build(),
        "reduction",
        "rmse expects one of mean, found sum");
    assertMessage(
        () -> LosskitLoss.builder("huber").predictions("prediction").build(),
        "predictions",
        "prediction",
        "[pred, target]");
    assertMessage(
        () -> LosskitLoss.builder("bce").predictions("pred", "weight").build(),
        "predictions",
        "weight",
        "differentiable");
    assertMessage(
        () -> LosskitLoss.builder("mase").labels("target").build(), "insample", "required by mase");
    assertMessage(() -> LosskitLoss.builder("huber").labels("pred").build(), "pred", "bound twice");
    assertMessage(
        () ->
            LosskitLoss.builder("cross-entropy")
                .input("weight", Tensor.of(new float[] {1, -1}))
                .build(),
        "weight",
        "non-negative",
        "-1");
    assertMessage(
        () -> LosskitLoss.builder("entropy").predictions().build(), "predictions", "none");
  }

  @Test
  void evaluateErrorsNameTheArray() {
    LosskitLoss huber = LosskitLoss.of("huber");
    try (NDManager m = manager.newSubManager()) {
      NDArray x = m.create(new float[] {1, 2, 3});
      NDList one = new NDList(x);
      assertMessage(
          () -> huber.evaluate(one, new NDList(x, x)), "predictions", "1 array", "[pred]", "2");
      assertMessage(() -> huber.evaluate(new NDList(), one), "labels", "[target]", "0");
      NDList doubles = new NDList(x.toType(DataType.FLOAT64, false));
      assertMessage(() -> huber.evaluate(one, doubles), "predictions[0] (pred)", "float32");
      NDList shorter = new NDList(m.create(new float[] {1, 2}));
      assertMessage(() -> huber.evaluate(shorter, one), "target", "(3)", "(2)");
      LosskitLoss bce = LosskitLoss.of("bce");
      NDList prob = new NDList(m.create(new float[] {0.5f, 1.5f, 0.2f}));
      assertMessage(() -> bce.evaluate(one, prob), "pred", "probabilities", "1.5");
    }
  }

  private static NDList arrays(NDManager m, LossSpec spec, Tensor[] in, List<String> names) {
    NDList out = new NDList();
    for (String name : names) {
      Tensor t = in[spec.inputIndex(name)];
      long[] shape = new long[t.rank()];
      for (int d = 0; d < shape.length; d++) {
        shape[d] = t.dim(d);
      }
      if (t.isIntegral()) {
        long[] x = new long[t.size()];
        for (int i = 0; i < x.length; i++) {
          x[i] = (long) t.data()[i];
        }
        out.add(m.create(x, new Shape(shape)));
      } else {
        out.add(m.create(t.data(), new Shape(shape)));
      }
    }
    return out;
  }

  private static void assertArrayEquals(float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], "[" + i + "]");
    }
  }

  private static void assertMessage(Executable call, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
    }
    assertFalse(e.getMessage().isBlank());
  }

  /** A call expected to throw. */
  @FunctionalInterface
  private interface Executable {
    void run();
  }
}

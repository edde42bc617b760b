package dev.losskit.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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
import dev.losskit.testing.References;
import dev.losskit.testing.References.Case;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every reference case of the core, run through DJL's PyTorch engine: the value the adapter returns
 * is losskit's, the gradient the engine's autograd returns for each prediction is losskit's
 * analytic gradient, and both agree with the peer that generated the case.
 *
 * <p>Cases with reduction {@code none} run with {@code sum} (a DJL loss is a scalar); their
 * gradient is the same by losskit's convention, their value the sum of the unreduced values. Left
 * out: {@code zero-one}, which has no gradient, and the cases whose model-output input holds
 * integer label counts ({@code gini}, {@code entropy-impurity} on tree nodes): counts are data, no
 * model emits them and the engine cannot differentiate integers.
 */
class ReferenceThroughDjlTest {
  private static NDManager manager;

  @BeforeAll
  static void start() {
    manager = NDManager.newBaseManager(Engine.getEngine("PyTorch").defaultDevice(), "PyTorch");
  }

  @AfterAll
  static void stop() {
    manager.close();
  }

  static List<Case> cases() {
    List<Case> out = new ArrayList<>();
    for (Case c : References.all()) {
      LossSpec spec = Catalog.builtin().get(c.id());
      if (!spec.has(Trait.NOT_DIFFERENTIABLE) && !integralModelOutput(spec, c)) {
        out.add(c);
      }
    }
    return out;
  }

  private static boolean integralModelOutput(LossSpec spec, Case c) {
    for (InputSpec s : spec.inputs()) {
      Tensor t = c.inputs().get(s.name());
      if (t != null && t.isIntegral() && s.differentiable() && !s.name().equals("target")) {
        return true;
      }
    }
    return false;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void djlAutogradGivesLosskitValueAndGradient(Case c) {
    LossSpec spec = Catalog.builtin().get(c.id());
    Reduction reduction = c.reduction() == Reduction.NONE ? Reduction.SUM : c.reduction();

    // The default binding, plus the optional inputs this case gives: model outputs among the
    // predictions, the rest among the labels.
    LosskitLoss probe = LosskitLoss.builder(spec.id()).params(c.params()).build();
    List<String> predictions = new ArrayList<>(probe.predictionNames());
    List<String> labels = new ArrayList<>(probe.labelNames());
    for (InputSpec s : spec.inputs()) {
      if (s.optional() && c.inputs().containsKey(s.name())) {
        (s.differentiable() ? predictions : labels).add(s.name());
      }
    }
    LosskitLoss adapter =
        LosskitLoss.builder(spec.id())
            .params(c.params())
            .reduction(reduction)
            .predictions(predictions.toArray(String[]::new))
            .labels(labels.toArray(String[]::new))
            .build();

    Tensor[] in = new Tensor[spec.inputs().size()];
    c.inputs().forEach((name, t) -> in[spec.inputIndex(name)] = t);
    Loss core = spec.create(c.params());
    LossResult expected = core.evaluate(reduction, in);

    try (NDManager m = manager.newSubManager()) {
      NDList preds = new NDList();
      for (String name : predictions) {
        NDArray p = toNd(m, c.inputs().get(name));
        p.setRequiresGradient(true);
        preds.add(p);
      }
      NDList labs = new NDList();
      for (String name : labels) {
        labs.add(toNd(m, c.inputs().get(name)));
      }
      float value;
      try (GradientCollector collector = m.getEngine().newGradientCollector()) {
        NDArray out = adapter.evaluate(labs, preds);
        assertEquals(new Shape(), out.getShape(), c + ": a scalar");
        value = out.getFloat();
        collector.backward(out);
      }

      assertEquals((float) expected.value(), value, c + ": value is losskit's");
      double[] peer = peerValue(c);
      if (!(Math.abs(peer[0] - value) <= 1e-4 * peer[1] + 1e-5)) {
        fail(c + ": value against " + c.peer() + ": expected " + peer[0] + ", found " + value);
      }
      for (int i = 0; i < predictions.size(); i++) {
        String name = predictions.get(i);
        float[] autograd = preds.get(i).getGradient().toFloatArray();
        Tensor ours = expected.grad(name);
        assertNotNull(ours, c + ": losskit gives no gradient for " + name);
        assertArrayClose(ours.data(), autograd, 0, c + ": autograd d/d" + name + " is losskit's");
        Tensor peerGrad = c.grads().get(name);
        if (peerGrad != null) {
          assertArrayClose(
              peerGrad.data(), autograd, 1e-4, c + ": autograd d/d" + name + " vs " + c.peer());
        }
      }
    }
  }

  private static NDArray toNd(NDManager m, Tensor t) {
    Shape shape = new Shape(longs(t.shape()));
    if (!t.isIntegral()) {
      return m.create(t.data(), shape);
    }
    // Class indices arrive as int64, as DJL's PyTorch datasets give them.
    long[] x = new long[t.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (long) t.data()[i];
    }
    return m.create(x, shape);
  }

  private static long[] longs(int[] s) {
    long[] out = new long[s.length];
    for (int i = 0; i < s.length; i++) {
      out[i] = s[i];
    }
    return out;
  }

  /** The peer's reduced value and its magnitude (for none: the sum of the absolute values). */
  private static double[] peerValue(Case c) {
    if (c.values() == null) {
      return new double[] {c.value(), Math.abs(c.value())};
    }
    double sum = 0;
    double abs = 0;
    for (float v : c.values().data()) {
      sum += v;
      abs += Math.abs(v);
    }
    return new double[] {sum, abs};
  }

  /** Relative tolerance {@code rel}, with an absolute floor of 1e-6 of the largest magnitude. */
  private static void assertArrayClose(float[] expected, float[] actual, double rel, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    double max = 0;
    for (float v : expected) {
      max = Math.max(max, Math.abs(v));
    }
    double floor = rel == 0 ? 0 : 1e-6 * Math.max(1, max);
    for (int i = 0; i < expected.length; i++) {
      if (!(Math.abs(expected[i] - actual[i]) <= rel * Math.abs(expected[i]) + floor)) {
        fail(what + "[" + i + "]: expected " + expected[i] + ", found " + actual[i]);
      }
    }
  }
}

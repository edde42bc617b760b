package dev.losskit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.losskit.testing.References;
import dev.losskit.testing.References.Case;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every case of every reference file: value and gradients equal the peer's to 1e-4 relative. */
class ReferenceTest {
  static List<Case> cases() {
    return References.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void agreesWithPeer(Case c) {
    LossSpec spec = Catalog.builtin().get(c.id());
    Loss loss = spec.create(c.params());
    Tensor[] in = new Tensor[spec.inputs().size()];
    for (Map.Entry<String, Tensor> e : c.inputs().entrySet()) {
      int k = spec.inputIndex(e.getKey());
      if (k < 0) {
        fail(c + ": reference input '" + e.getKey() + "' is not an input of " + spec.id());
      }
      in[k] = e.getValue();
    }
    LossResult r =
        spec.has(Trait.NOT_DIFFERENTIABLE) || c.grads().isEmpty()
            ? null
            : loss.evaluate(c.reduction(), in);
    double value = r != null ? r.value() : loss.value(c.reduction(), in);
    if (c.values() != null) {
      Tensor ours = loss.evaluate(c.reduction(), in).values();
      assertEquals(c.values().size(), ours.size(), c + ": unreduced size");
      close(c.values().data(), ours.data(), c + " unreduced values");
    } else {
      close(new float[] {(float) c.value()}, new float[] {(float) value}, c + " value");
    }
    for (Map.Entry<String, Tensor> g : c.grads().entrySet()) {
      assertNotNull(r, c + ": gradient expected");
      Tensor ours = r.grad(g.getKey());
      assertNotNull(ours, c + ": no gradient for " + g.getKey());
      close(g.getValue().data(), ours.data(), c + " d/d" + g.getKey());
    }
  }

  /** 1e-4 relative, with an absolute floor of 1e-4 of the largest magnitude (entries near zero). */
  private static void close(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    double max = 0;
    for (float v : expected) {
      max = Math.max(max, Math.abs(v));
    }
    for (int i = 0; i < expected.length; i++) {
      double tol = 1e-4 * Math.abs(expected[i]) + 1e-6 * Math.max(1, max);
      if (!(Math.abs(expected[i] - actual[i]) <= tol)) {
        fail(what + "[" + i + "]: peer " + expected[i] + ", losskit " + actual[i]);
      }
    }
  }
}

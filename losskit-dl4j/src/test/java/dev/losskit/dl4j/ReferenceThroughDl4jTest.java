package dev.losskit.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.LossSpec;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.testing.References;
import dev.losskit.testing.References.Case;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The core's reference cases, laid out as DL4J hands them to a loss function (2-D, rows of
 * outputs), through the adapter with an identity activation: its averaged score is the core's
 * {@code mean} of the original case and its gradient divided by the minibatch is the core's
 * gradient.
 */
class ReferenceThroughDl4jTest {
  /** Ids run here; checked against the supported ids at the end. */
  private static final Set<String> RUN = new TreeSet<>();

  /**
   * Supported ids none of whose reference cases has a 2-D DL4J layout: the adapter still evaluates
   * them (see {@link LosskitLossFunctionTest}), their cases only hold inputs DL4J cannot hand over.
   */
  private static final Set<String> NO_2D_CASE = Set.of();

  static List<Object[]> cases() {
    List<Object[]> out = new ArrayList<>();
    for (Case c : References.all()) {
      LossSpec spec = Catalog.builtin().get(c.id());
      if (LosskitLossFunction.unsupportedReason(spec).isEmpty()) {
        Dl4jCase d = Dl4jCase.of(spec, c);
        if (d != null) {
          out.add(new Object[] {c, d});
        }
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesCore(Case c, Dl4jCase d) {
    LossSpec spec = Catalog.builtin().get(c.id());
    Loss loss = spec.create(c.params());
    Tensor[] in = new Tensor[spec.inputs().size()];
    in[0] = c.inputs().get(spec.inputs().get(0).name());
    in[1] = c.inputs().get(spec.inputs().get(1).name());
    LossResult core = loss.evaluate(Reduction.MEAN, in);

    LosskitLossFunction f = LosskitLossFunction.of(c.id(), c.params());
    ActivationIdentity identity = new ActivationIdentity();
    double score = f.computeScore(d.labels(), d.output(), identity, null, true);
    assertEquals(core.value(), score, 1e-5 * Math.max(1, Math.abs(core.value())), c + " score");

    INDArray grad = f.computeGradient(d.labels(), d.output(), identity, null);
    float[] ours = d.toCoreLayout(grad.divi(d.output().size(0)));
    float[] expected = core.grad(0).data();
    double max = 0;
    for (float v : expected) {
      max = Math.max(max, Math.abs(v));
    }
    for (int i = 0; i < expected.length; i++) {
      double tol = 1e-4 * Math.abs(expected[i]) + 1e-6 * Math.max(1, max);
      if (!(Math.abs(expected[i] - ours[i]) <= tol)) {
        fail(c + " gradient[" + i + "]: core " + expected[i] + ", through DL4J " + ours[i]);
      }
    }
    synchronized (RUN) {
      RUN.add(c.id());
    }
  }

  @AfterAll
  static void everySupportedIdWithReferencesRan() {
    List<String> missing = new ArrayList<>();
    for (String id : LosskitLossFunction.supportedIds()) {
      if (References.exists(id) && !RUN.contains(id) && !NO_2D_CASE.contains(id)) {
        missing.add(id);
      }
    }
    assertTrue(missing.isEmpty(), "supported ids whose reference cases did not run: " + missing);
    assertTrue(RUN.size() > 40, "ids run: " + RUN);
  }
}

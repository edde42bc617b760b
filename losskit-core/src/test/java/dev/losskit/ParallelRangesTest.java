package dev.losskit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The split path: every splittable loss gives, on several threads, exactly what the same chunks
 * give on one thread, and what one unsplit call gives up to the rounding of the partial sums.
 */
class ParallelRangesTest {
  /** Three chunks and an odd tail above the threshold. */
  private static final int N = ParallelRanges.THRESHOLD + 2 * ParallelRanges.CHUNK + 17;

  static Stream<String> splittable() {
    return Catalog.builtin().specs().stream()
        .filter(s -> s.create() instanceof SplittableLoss)
        .map(LossSpec::id);
  }

  @Test
  void theHotElementwiseLossesAreSplittable() {
    for (String id :
        new String[] {
          "mse",
          "mae",
          "smooth-l1",
          "huber",
          "log-cosh",
          "quantile",
          "bce-with-logits",
          "bce",
          "sigmoid-focal",
          "poisson-nll",
          "kl-div"
        }) {
      assertTrue(Catalog.builtin().create(id) instanceof SplittableLoss, id);
    }
    Loss mse = Catalog.builtin().create("mse");
    assertFalse(ParallelRanges.splits(mse, new Tensor[2], ParallelRanges.THRESHOLD - 1));
    assertTrue(ParallelRanges.splits(mse, new Tensor[2], ParallelRanges.THRESHOLD));
  }

  @Test
  void rowsCountTheirClassesTowardTheThreshold() {
    // 1000 rows of 1000 classes are a million logits and split; 1000 rows of 10 classes do not.
    Loss nll = Catalog.builtin().create("nll");
    assertTrue(ParallelRanges.splits(nll, rows(1000, 1000), 1000));
    assertFalse(ParallelRanges.splits(nll, rows(1000, 10), 1000));
  }

  private static Tensor[] rows(int n, int classes) {
    return new Tensor[] {Tensor.of(new float[n * classes], n, classes), null, null};
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("splittable")
  void splitPathEqualsSingleThreadPath(String id) {
    LossSpec spec = Catalog.builtin().get(id);
    Loss loss = spec.create();
    Tensor[] in = spec.sample(spec.defaults(), new SplittableRandom(1), N);
    Tensor[] padded = java.util.Arrays.copyOf(in, spec.inputs().size());
    int units = Shapes.size(loss.check(padded));
    double scale = 1.0 / units;

    Outputs parallel = new Outputs(spec, padded, units);
    double p =
        ParallelRanges.compute(
            (SplittableLoss) loss, padded, parallel.values, parallel.grads, scale, units, true);
    Outputs serial = new Outputs(spec, padded, units);
    double s =
        ParallelRanges.compute(
            (SplittableLoss) loss, padded, serial.values, serial.grads, scale, units, false);
    Outputs whole = new Outputs(spec, padded, units);
    double w = loss.compute(padded, whole.values, whole.grads, scale);

    // Equal up to rounding only: interpreted and compiled Vector API code may differ in the last
    // bit of a transcendental or in the order of a lane reduction until the JIT has compiled it.
    assertEquals(s, p, 1e-6 * Math.abs(s), "the same chunks in the same order");
    assertEquals(w, p, 1e-6 * Math.abs(w), "unsplit and split sums differ by rounding only");
    assertClose(serial.values, parallel.values, "values, serial and parallel");
    assertClose(whole.values, parallel.values, "values, unsplit and split");
    for (int k = 0; k < padded.length; k++) {
      assertClose(serial.grads[k], parallel.grads[k], "gradients, serial and parallel");
      assertClose(whole.grads[k], parallel.grads[k], "gradients, unsplit and split");
    }
    // The public entry point takes the split path at this size.
    float[] values = new float[units];
    assertEquals(s, loss.evaluate(Reduction.NONE, padded, values, null), 1e-6 * Math.abs(s));
    assertClose(serial.values, values, "values through evaluate");
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    if (expected == null) {
      assertEquals(null, actual, what);
      return;
    }
    assertEquals(expected.length, actual.length, what);
    float largest = 0;
    for (float e : expected) {
      largest = Math.max(largest, Math.abs(e));
    }
    // Relative to each value and to the largest (values that cancel, as kl-div's t (log t - x)).
    for (int i = 0; i < expected.length; i++) {
      float tol = 1e-6f * (Math.abs(expected[i]) + largest);
      if (!(Math.abs(expected[i] - actual[i]) <= tol)) {
        assertEquals(expected[i], actual[i], tol, what + " at " + i);
      }
    }
  }

  /** Caller-owned outputs: unreduced values and a gradient for each differentiable input. */
  private static final class Outputs {
    final float[] values;
    final float[][] grads;

    Outputs(LossSpec spec, Tensor[] in, int units) {
      values = new float[units];
      grads = new float[in.length][];
      for (int k = 0; k < in.length; k++) {
        if (in[k] != null && spec.inputs().get(k).differentiable()) {
          grads[k] = new float[in[k].size()];
        }
      }
    }
  }
}

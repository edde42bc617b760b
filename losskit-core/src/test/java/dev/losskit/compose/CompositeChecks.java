package dev.losskit.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.losskit.InputSpec;
import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.function.Function;

/**
 * Checks a composite against its oracle on hand-made inputs that the contract cannot take (inputs
 * outside a declared domain of REAL, such as probabilities, which the contract scales by 1000; or
 * terms of different unreduced shapes, which the contract evaluates with reduction none): values of
 * mean and sum, and gradients of every differentiable input against central differences.
 */
final class CompositeChecks {
  private CompositeChecks() {}

  static void close(double expected, double actual, double rtol, double atol, String what) {
    if (!(Math.abs(expected - actual) <= atol + rtol * Math.abs(expected))) {
      fail(what + ": expected " + expected + ", found " + actual);
    }
  }

  /**
   * Values of mean and sum, and the gradients of every differentiable input present, agree with
   * {@code oracle} and central differences of it.
   */
  static void agree(Loss loss, Tensor[] in, Function<OracleInputs, Oracle> oracle, String what) {
    for (Reduction r : new Reduction[] {Reduction.MEAN, Reduction.SUM}) {
      OracleInputs oi = new OracleInputs(in);
      LossResult res = loss.evaluate(r, in);
      close(TermOracles.reduce(oracle.apply(oi), r), res.value(), 1e-5, 1e-7, what + " " + r.id());
      for (int k = 0; k < in.length; k++) {
        InputSpec s = loss.spec().inputs().get(k);
        if (in[k] == null || !s.differentiable()) {
          continue;
        }
        float[] g = res.grad(k).data();
        double[] x = oi.get(k);
        double norm = 0;
        double[] numeric = new double[x.length];
        for (int i = 0; i < x.length; i++) {
          double x0 = x[i];
          double h = 1e-6 * Math.max(1, Math.abs(x0));
          x[i] = x0 + h;
          double fp = TermOracles.reduce(oracle.apply(oi), r);
          x[i] = x0 - h;
          double fm = TermOracles.reduce(oracle.apply(oi), r);
          x[i] = x0;
          numeric[i] = (fp - fm) / (2 * h);
          norm = Math.max(norm, Math.abs(numeric[i]));
        }
        for (int i = 0; i < x.length; i++) {
          close(
              numeric[i],
              g[i],
              1e-4,
              1e-6 * (1 + norm),
              what + " " + r.id() + " d/d" + s.name() + "[" + i + "]");
        }
      }
    }
  }

  /** Every value and gradient element is finite, for mean and sum. */
  static void finite(Loss loss, Tensor[] in, String what) {
    for (Reduction r : new Reduction[] {Reduction.MEAN, Reduction.SUM}) {
      LossResult res = loss.evaluate(r, in);
      assertTrue(Double.isFinite(res.value()), what + " " + r.id() + " value " + res.value());
      for (int k = 0; k < in.length; k++) {
        if (res.grad(k) != null) {
          for (float g : res.grad(k).data()) {
            assertTrue(Float.isFinite(g), what + " " + r.id() + " gradient " + g);
          }
        }
      }
    }
  }

  /** a + c b, elementwise, compared with {@code actual} to float precision. */
  static void combination(float[] a, double c, float[] b, float[] actual, String what) {
    assertEquals(a.length, actual.length, what + " length");
    for (int i = 0; i < a.length; i++) {
      double expected = a[i] + c * b[i];
      close(expected, actual[i], 1e-6, 1e-7, what + "[" + i + "]");
    }
  }
}

package dev.losskit.classification;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.TwiceDifferentiable;
import dev.losskit.testing.OracleInputs;
import java.util.Arrays;
import java.util.Map;

/**
 * The contract's value, gradient and Hessian checks on hand-built inputs (optional inputs,
 * broadcast shapes, chosen points) that the samplers do not produce.
 */
final class BinaryLossChecks {
  private BinaryLossChecks() {}

  /** A naive double-precision formula: unreduced values from the inputs' values and shapes. */
  @FunctionalInterface
  interface Formula {
    /** {@code in[k]} and {@code shapes[k]} are null for an absent input. */
    double[] values(double[][] in, int[][] shapes, Params p);
  }

  /** The formula applied to the harness's oracle inputs. */
  static double[] values(Formula f, OracleInputs in, Params p) {
    double[][] x = new double[in.count()][];
    int[][] shapes = new int[in.count()][];
    for (int k = 0; k < x.length; k++) {
      if (in.present(k)) {
        x[k] = in.get(k);
        shapes[k] = in.shape(k);
      }
    }
    return f.values(x, shapes, p);
  }

  /**
   * The index into a weight of shape {@code w} of element {@code i} of a prediction of shape {@code
   * p}, by unravelling i into coordinates and aligning the trailing dimensions (size 1: index 0).
   */
  static int broadcastIndex(int[] p, int[] w, int i) {
    int[] coord = new int[p.length];
    for (int d = p.length - 1; d >= 0; d--) {
      coord[d] = i % p[d];
      i /= p[d];
    }
    int idx = 0;
    for (int d = 0; d < w.length; d++) {
      int c = w[d] == 1 ? 0 : coord[p.length - w.length + d];
      idx = idx * w[d] + c;
    }
    return idx;
  }

  /** The value of an optional broadcast input at element i, or 1 when absent. */
  static double weightAt(double[][] in, int[][] shapes, int k, int i) {
    return in[k] == null ? 1 : in[k][broadcastIndex(shapes[0], shapes[k], i)];
  }

  /**
   * Checks values (every reduction, unreduced values), the gradient with respect to pred against
   * central differences of the formula, the Hessian against its second differences where the loss
   * has one, and that caller-owned outputs are fully overwritten.
   */
  static void check(String id, Map<String, ?> given, Tensor[] inputs, Formula f) {
    LossSpec spec = Catalog.builtin().get(id);
    Params p = spec.params(given);
    Loss loss = spec.create(given);
    Tensor[] in = Arrays.copyOf(inputs, spec.inputs().size());
    double[][] x = new double[in.length][];
    int[][] shapes = new int[in.length][];
    for (int k = 0; k < in.length; k++) {
      if (in[k] != null) {
        x[k] = new double[in[k].size()];
        for (int i = 0; i < x[k].length; i++) {
          x[k][i] = in[k].data()[i];
        }
        shapes[k] = in[k].shape();
      }
    }
    double[] expected = f.values(x, shapes, p);
    double sum = 0;
    for (double v : expected) {
      sum += v;
    }
    String what = id + " " + given + " " + Arrays.toString(in);
    close(sum / expected.length, loss.value(Reduction.MEAN, in), 1e-5, 1e-7, what + " mean");
    close(sum, loss.value(Reduction.SUM, in), 1e-5, 1e-7, what + " sum");
    LossResult none = loss.evaluate(Reduction.NONE, in);
    for (int i = 0; i < expected.length; i++) {
      close(expected[i], none.values().data()[i], 1e-5, 1e-7, what + " value[" + i + "]");
    }
    // Gradient of the mean against central differences of the formula.
    float[] g = loss.evaluate(Reduction.MEAN, in).grad(0).data();
    double[] numeric = new double[g.length];
    double norm = 0;
    for (int i = 0; i < g.length; i++) {
      double x0 = x[0][i];
      double h = 1e-6 * Math.max(1, Math.abs(x0));
      x[0][i] = x0 + h;
      double fp = mean(f.values(x, shapes, p));
      x[0][i] = x0 - h;
      double fm = mean(f.values(x, shapes, p));
      x[0][i] = x0;
      numeric[i] = (fp - fm) / (2 * h);
      norm = Math.max(norm, Math.abs(numeric[i]));
    }
    for (int i = 0; i < g.length; i++) {
      close(numeric[i], g[i], 1e-4, 1e-6 * (1 + norm), what + " d/dpred[" + i + "]");
    }
    if (loss instanceof TwiceDifferentiable td) {
      float[] hess = td.hessian(in).data();
      for (int i = 0; i < hess.length; i++) {
        double x0 = x[0][i];
        double h = 1e-4 * Math.max(1, Math.abs(x0));
        double f0 = f.values(x, shapes, p)[i];
        x[0][i] = x0 + h;
        double fp = f.values(x, shapes, p)[i];
        x[0][i] = x0 - h;
        double fm = f.values(x, shapes, p)[i];
        x[0][i] = x0;
        close((fp - 2 * f0 + fm) / (h * h), hess[i], 2e-3, 2e-4, what + " d2/dpred2[" + i + "]");
      }
    }
    // Caller-owned arrays: every element overwritten.
    for (Reduction r : new Reduction[] {Reduction.MEAN, Reduction.NONE}) {
      LossResult fresh = loss.evaluate(r, in);
      float[][] grads = new float[in.length][];
      grads[0] = new float[in[0].size()];
      Arrays.fill(grads[0], Float.NaN);
      float[] values = r == Reduction.NONE ? new float[expected.length] : null;
      if (values != null) {
        Arrays.fill(values, Float.NaN);
      }
      assertEquals(fresh.value(), loss.evaluate(r, in, values, grads), 0.0, what);
      assertArrayEquals(fresh.grad(0).data(), grads[0], 0f, what + " gradient overwritten");
      if (values != null) {
        assertArrayEquals(fresh.values().data(), values, 0f, what + " values overwritten");
      }
    }
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  static void close(double expected, double actual, double rtol, double atol, String what) {
    double tol = atol + rtol * Math.abs(expected);
    if (!(Math.abs(expected - actual) <= tol)) {
      fail(what + ": expected " + expected + ", found " + actual + " (tolerance " + tol + ")");
    }
  }

  /**
   * A floating tensor of the given shape (a scalar for no shape) with values drawn by {@code gen}.
   */
  static Tensor tensor(java.util.function.DoubleSupplier gen, int... shape) {
    float[] v = new float[dev.losskit.Shapes.size(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) gen.getAsDouble();
    }
    return shape.length == 0 ? Tensor.scalar(v[0]) : Tensor.of(v, shape);
  }
}

package dev.losskit.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.testing.Oracle;
import java.util.Map;

/** Checks of explicit inputs against a naive oracle, for tests beyond the contract's samples. */
final class SegChecks {
  private SegChecks() {}

  /** An oracle over raw inputs. */
  interface RawOracle {
    Oracle at(SegOracle.Raw in, Params p);
  }

  static double reduce(Oracle o, Reduction r) {
    if (r == Reduction.MEAN) {
      return o.meanDenominator() > 0 ? o.sum() / o.meanDenominator() : 0;
    }
    return o.sum();
  }

  static void close(double expected, double actual, double rtol, double atol, String what) {
    if (!(Math.abs(expected - actual) <= atol + rtol * Math.abs(expected))) {
      fail(what + ": expected " + expected + ", found " + actual);
    }
  }

  /**
   * Values for every reduction, the unreduced values, and the gradient with respect to pred against
   * central differences of the oracle.
   */
  static void agree(
      LossSpec spec, Map<String, ?> given, Tensor[] in, RawOracle oracle, String what) {
    Params p = spec.params(given);
    Loss loss = spec.create(given);
    SegOracle.Raw raw = SegOracle.Raw.of(in);
    Oracle o = oracle.at(raw, p);
    for (Reduction r : spec.reductions()) {
      close(reduce(o, r), loss.value(r, in), 1e-5, 1e-6, what + " " + r.id());
      LossResult res = loss.evaluate(r, in);
      if (r == Reduction.NONE) {
        float[] v = res.values().data();
        assertEquals(o.values().length, v.length, what + " unreduced size");
        for (int i = 0; i < v.length; i++) {
          close(o.values()[i], v[i], 1e-5, 1e-6, what + " unreduced[" + i + "]");
        }
      }
      double[] x = raw.get(0);
      double[] numeric = new double[x.length];
      double norm = 0;
      for (int i = 0; i < x.length; i++) {
        double x0 = x[i];
        double h = 1e-6 * Math.max(1, Math.abs(x0));
        x[i] = x0 + h;
        double fp = reduce(oracle.at(raw, p), r);
        x[i] = x0 - h;
        double fm = reduce(oracle.at(raw, p), r);
        x[i] = x0;
        numeric[i] = (fp - fm) / (2 * h);
        norm = Math.max(norm, Math.abs(numeric[i]));
      }
      float[] g = res.grad(0).data();
      for (int i = 0; i < x.length; i++) {
        assertTrue(Float.isFinite(g[i]), what + " finite gradient");
        close(numeric[i], g[i], 1e-4, 1e-6 * (1 + norm), what + " d/dpred[" + i + "] " + r.id());
      }
    }
  }

  /** The gradient with respect to pred of the reduced value. */
  static float[] grad(LossSpec spec, Map<String, ?> given, Reduction r, Tensor... in) {
    return spec.create(given).evaluate(r, in).grad(0).data();
  }

  static double value(LossSpec spec, Map<String, ?> given, Reduction r, Tensor... in) {
    return spec.create(given).value(r, in);
  }
}

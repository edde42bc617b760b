package dev.losskit.classification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.testing.Oracle;

/**
 * Checks a loss against a naive oracle on hand-made inputs (value for every reduction, unreduced
 * values, gradient of pred against central differences of the oracle), for the combinations of
 * inputs that the contract's sampler reaches only at random.
 */
final class SoftmaxOracleCheck {
  /** The oracle over double copies of the inputs, in declared order (null where absent). */
  interface Naive {
    Oracle eval(double[][] inputs);
  }

  private SoftmaxOracleCheck() {}

  static double[][] copies(Tensor[] in) {
    double[][] out = new double[in.length][];
    for (int k = 0; k < in.length; k++) {
      if (in[k] != null) {
        float[] f = in[k].data();
        out[k] = new double[f.length];
        for (int i = 0; i < f.length; i++) {
          out[k][i] = f[i];
        }
      }
    }
    return out;
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

  /** Values, unreduced values and the pred gradient of every reduction agree with the oracle. */
  static void check(Loss loss, Tensor[] in, Naive naive, String what) {
    double[][] x = copies(in);
    Oracle o = naive.eval(x);
    for (Reduction r : new Reduction[] {Reduction.MEAN, Reduction.SUM, Reduction.NONE}) {
      LossResult res = loss.evaluate(r, in);
      close(reduce(o, r), res.value(), 1e-5, 1e-7, what + " " + r.id() + " value");
      if (r == Reduction.NONE) {
        assertEquals(o.values().length, res.values().size(), what + " unreduced size");
        for (int i = 0; i < o.values().length; i++) {
          close(o.values()[i], res.values().data()[i], 1e-5, 1e-7, what + " unreduced[" + i + "]");
        }
      }
      float[] g = res.grad(0).data();
      double[] p = x[0];
      double[] numeric = new double[p.length];
      double norm = 0;
      for (int i = 0; i < p.length; i++) {
        double p0 = p[i];
        double h = 1e-6 * Math.max(1, Math.abs(p0));
        p[i] = p0 + h;
        double fp = reduce(naive.eval(x), r);
        p[i] = p0 - h;
        double fm = reduce(naive.eval(x), r);
        p[i] = p0;
        numeric[i] = (fp - fm) / (2 * h);
        norm = Math.max(norm, Math.abs(numeric[i]));
      }
      for (int i = 0; i < p.length; i++) {
        close(
            numeric[i], g[i], 1e-4, 1e-6 * (1 + norm), what + " " + r.id() + " d/dpred[" + i + "]");
      }
    }
  }
}

package dev.losskit.compose;

import dev.losskit.InputSpec;
import dev.losskit.Loss;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.List;

/**
 * Naive double-precision formulas of the catalogue losses the composite tests combine, and the
 * composites' own formulas on top of them: per-term reduction, then the weighted (or
 * uncertainty-weighted) sum.
 */
final class TermOracles {
  private TermOracles() {}

  /** One term's inputs: values (null where absent), shapes and integrality, in its order. */
  record In(double[][] x, int[][] shapes, boolean[] integral) {}

  /** The inputs of {@code term} within a composite's inputs: first, second, then by name. */
  static In inputsOf(Loss term, LossSpec composite, OracleInputs in) {
    List<InputSpec> ts = term.spec().inputs();
    double[][] x = new double[ts.size()][];
    int[][] shapes = new int[ts.size()][];
    boolean[] integral = new boolean[ts.size()];
    for (int j = 0; j < ts.size(); j++) {
      int k = j < 2 ? j : composite.inputIndex(ts.get(j).name());
      if (k < 0
          || k >= in.count()
          || composite.inputs().get(k).name().equals("log-var")
          || !in.present(k)) {
        continue;
      }
      x[j] = in.get(k);
      shapes[j] = in.shape(k);
      integral[j] = in.integral(k);
    }
    return new In(x, shapes, integral);
  }

  /** The unreduced values and mean denominator of one term. */
  static Oracle term(Loss term, In in) {
    Params p = term.params();
    double[][] x = in.x();
    switch (term.spec().id()) {
      case "mse":
        return elementwise(x, (a, b, i) -> (a - b) * (a - b));
      case "mae":
        return elementwise(x, (a, b, i) -> Math.abs(a - b));
      case "huber":
        {
          double d = p.real("delta");
          return elementwise(
              x,
              (a, b, i) -> {
                double r = Math.abs(a - b);
                return r <= d ? r * r / 2 : d * (r - d / 2);
              });
        }
      case "bce":
        return elementwise(
            x,
            (a, b, i) ->
                -at(x[2], i)
                    * (b * Math.max(Math.log(a), -100)
                        + (1 - b) * Math.max(Math.log(1 - a), -100)));
      case "focal":
        {
          double alpha = p.real("alpha");
          double gamma = p.real("gamma");
          double eps = p.real("eps");
          return elementwise(
              x,
              (a, b, i) -> {
                double c = Math.min(Math.max(a, eps), 1 - eps);
                double pt = b == 1 ? c : 1 - c;
                double at = b == 1 ? alpha : 1 - alpha;
                return -at * Math.pow(1 - pt, gamma) * Math.log(pt);
              });
        }
      case "bce-with-logits":
        {
          int last = in.shapes()[0].length == 0 ? 1 : in.shapes()[0][in.shapes()[0].length - 1];
          return elementwise(
              x,
              (a, b, i) -> {
                double q = x[3] == null ? 1 : x[3].length == 1 ? x[3][0] : x[3][i % last];
                return at(x[2], i) * (q * b * softplus(-a) + (1 - b) * softplus(a));
              });
        }
      case "sigmoid-focal":
        {
          double alpha = p.real("alpha");
          double gamma = p.real("gamma");
          return elementwise(
              x,
              (a, b, i) -> {
                double s = 1 / (1 + Math.exp(-a));
                double ce = b * softplus(-a) + (1 - b) * softplus(a);
                double pt = s * b + (1 - s) * (1 - b);
                double l = ce * Math.pow(1 - pt, gamma);
                return alpha >= 0 ? (alpha * b + (1 - alpha) * (1 - b)) * l : l;
              });
        }
      case "gaussian-nll":
        {
          double eps = p.real("eps");
          boolean full = p.bool("full");
          int n = x[0].length;
          int per = n / x[2].length;
          return elementwise(
              x,
              (a, b, i) -> {
                double v = Math.max(x[2][i / per], eps);
                double r = a - b;
                return 0.5 * (Math.log(v) + r * r / v) + (full ? 0.5 * Math.log(2 * Math.PI) : 0);
              });
        }
      case "cross-entropy":
        return crossEntropy(in, p.integer("ignore-index"), p.real("label-smoothing"));
      default:
        throw new AssertionError("no oracle for term " + term.spec().id());
    }
  }

  private interface Elem {
    double at(double pred, double target, int i);
  }

  private static Oracle elementwise(double[][] x, Elem f) {
    double[] l = new double[x[0].length];
    for (int i = 0; i < l.length; i++) {
      l[i] = f.at(x[0][i], x[1][i], i);
    }
    return Oracle.of(l);
  }

  /** A weight of pred's shape, a scalar, or absent (1). */
  private static double at(double[] w, int i) {
    return w == null ? 1 : w.length == 1 ? w[0] : w[i];
  }

  static double softplus(double x) {
    return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  }

  /** Softmax cross-entropy over dimension 1 (dimension 0 of unbatched (C) logits). */
  private static Oracle crossEntropy(In in, long ignore, double s) {
    double[] x = in.x()[0];
    double[] t = in.x()[1];
    double[] w = in.x()[2];
    int[] shape = in.shapes()[0];
    int outer = shape.length == 1 ? 1 : shape[0];
    int classes = shape.length == 1 ? shape[0] : shape[1];
    int inner = 1;
    for (int d = 2; d < shape.length; d++) {
      inner *= shape[d];
    }
    boolean indices = in.integral()[1];
    double[] l = new double[outer * inner];
    double den = 0;
    for (int n = 0; n < outer; n++) {
      for (int j = 0; j < inner; j++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
          max = Math.max(max, x[(n * classes + c) * inner + j]);
        }
        double z = 0;
        for (int c = 0; c < classes; c++) {
          z += Math.exp(x[(n * classes + c) * inner + j] - max);
        }
        double lse = max + Math.log(z);
        int row = n * inner + j;
        double v = 0;
        if (indices) {
          int y = (int) t[row];
          if (y == ignore) {
            continue;
          }
          double wy = w == null ? 1 : w[y];
          v = (1 - s) * wy * (lse - x[(n * classes + y) * inner + j]);
          for (int c = 0; c < classes; c++) {
            double wc = w == null ? 1 : w[c];
            v += s / classes * wc * (lse - x[(n * classes + c) * inner + j]);
          }
          den += wy;
        } else {
          for (int c = 0; c < classes; c++) {
            int e = (n * classes + c) * inner + j;
            double wc = w == null ? 1 : w[c];
            v += wc * ((1 - s) * t[e] + s / classes) * (lse - x[e]);
          }
          den += 1;
        }
        l[row] = v;
      }
    }
    return new Oracle(l, den);
  }

  /**
   * A composite's oracle: {@code total = sum_i coef[i] R_i + offset} for the sum and the mean
   * reduction, where R_i is term i's sum or mean. The contract reduces an oracle as one sum over
   * one denominator, which cannot express a sum of means with different denominators; so the
   * unreduced values are the weighted elementwise sums where the terms share a shape (else the one
   * sum-reduced total) and the denominator is the ratio of the sum-reduced to the mean-reduced
   * total at these very inputs, which turns the sum into the exact mean-reduced total at every
   * point the contract evaluates, also under finite differences.
   */
  static Oracle composite(
      LossSpec composite, List<Loss> terms, double[] coef, double offset, OracleInputs in) {
    double sumTotal = offset;
    double meanTotal = offset;
    double[] values = null;
    boolean sameShape = true;
    for (int i = 0; i < terms.size(); i++) {
      Oracle o = term(terms.get(i), inputsOf(terms.get(i), composite, in));
      double s = o.sum();
      sumTotal += coef[i] * s;
      meanTotal += coef[i] * (o.meanDenominator() > 0 ? s / o.meanDenominator() : 0);
      if (values == null) {
        values = new double[o.values().length];
      } else if (values.length != o.values().length) {
        sameShape = false;
      }
      if (sameShape) {
        for (int e = 0; e < values.length; e++) {
          values[e] += coef[i] * o.values()[e];
        }
      }
    }
    if (!sameShape || offset != 0) {
      values = new double[] {sumTotal};
    }
    return new Oracle(values, sumTotal / meanTotal);
  }

  /** The reduced value of a composite oracle for mean or sum, as the contract reduces it. */
  static double reduce(Oracle o, Reduction r) {
    if (r == Reduction.MEAN) {
      return o.meanDenominator() > 0 ? o.sum() / o.meanDenominator() : 0;
    }
    return o.sum();
  }
}

package dev.losskit.segmentation;

import dev.losskit.Params;
import dev.losskit.Tensor;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;

/**
 * Naive double-precision references for the segmentation tests, written from the catalogue's
 * definitions and independent of the library's kernels: the layout rule, the activations, and the
 * per-class sums computed term by term (FP and FN summed directly, not derived from I).
 */
final class SegOracle {
  /** Inputs as double arrays with shapes: from the contract's OracleInputs or from tensors. */
  record Raw(double[][] values, int[][] shapes, boolean[] integral) {
    static Raw of(OracleInputs in) {
      double[][] v = new double[in.count()][];
      int[][] s = new int[in.count()][];
      boolean[] g = new boolean[in.count()];
      for (int k = 0; k < v.length; k++) {
        if (in.present(k)) {
          v[k] = in.get(k);
          s[k] = in.shape(k);
          g[k] = in.integral(k);
        }
      }
      return new Raw(v, s, g);
    }

    static Raw of(Tensor... in) {
      double[][] v = new double[in.length][];
      int[][] s = new int[in.length][];
      boolean[] g = new boolean[in.length];
      for (int k = 0; k < in.length; k++) {
        if (in[k] != null) {
          float[] f = in[k].data();
          v[k] = new double[f.length];
          for (int i = 0; i < f.length; i++) {
            v[k][i] = f[i];
          }
          s[k] = in[k].shape();
          g[k] = in[k].isIntegral();
        }
      }
      return new Raw(v, s, g);
    }

    double[] get(int k) {
      return k < values.length ? values[k] : null;
    }

    boolean present(int k) {
      return get(k) != null;
    }

    int[] shape(int k) {
      return shapes[k];
    }
  }

  /** The loss of one class from its sums. */
  interface PerClass {
    double loss(double i, double p, double t, double fp, double fn, double q, double r);
  }

  final int batch;
  final int classes;
  final int spatial;

  /** Probabilities (after sigmoid or softmax), in pred's layout. */
  final double[] p;

  /** Targets in pred's layout (one-hot of class indices). */
  final double[] t;

  /** Whether each pixel (n * spatial + s) is used (not at ignore-index). */
  final boolean[] valid;

  private SegOracle(int batch, int classes, int spatial) {
    this.batch = batch;
    this.classes = classes;
    this.spatial = spatial;
    this.p = new double[batch * classes * spatial];
    this.t = new double[p.length];
    this.valid = new boolean[batch * spatial];
  }

  int at(int n, int c, int s) {
    return (n * classes + c) * spatial + s;
  }

  /** Decodes pred (input 0) and target (input 1) by the documented layout rule. */
  static SegOracle of(Raw in, boolean fromLogits, long ignore, boolean binaryOnly) {
    int[] shape = in.shape(0);
    double[] x = in.get(0);
    double[] y = in.get(1);
    boolean indices = in.integral()[1] && !binaryOnly;
    boolean dim1 = !binaryOnly && (indices || shape.length >= 4);
    int n = shape[0];
    int c = dim1 ? shape[1] : 1;
    int s = 1;
    for (int d = dim1 ? 2 : 1; d < shape.length; d++) {
      s *= shape[d];
    }
    SegOracle o = new SegOracle(n, c, s);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < s; j++) {
        o.valid[i * s + j] = !indices || y[i * s + j] != ignore;
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < c; k++) {
          max = Math.max(max, x[o.at(i, k, j)]);
        }
        double z = 0;
        for (int k = 0; k < c; k++) {
          z += Math.exp(x[o.at(i, k, j)] - max);
        }
        for (int k = 0; k < c; k++) {
          int e = o.at(i, k, j);
          double v = x[e];
          if (fromLogits) {
            v = c == 1 ? 1 / (1 + Math.exp(-v)) : Math.exp(v - max) / z;
          }
          o.p[e] = v;
          o.t[e] = indices ? (y[i * s + j] == k ? 1 : 0) : y[e];
        }
      }
    }
    return o;
  }

  /** The region-loss reference: per group and class sums, class-weighted mean over classes. */
  static Oracle region(Raw in, Params params, PerClass f) {
    boolean perImage = params.bool("per-image");
    SegOracle o = of(in, params.bool("from-logits"), params.integer("ignore-index"), false);
    double[] w = in.present(2) ? in.get(2) : null;
    int groups = perImage ? o.batch : 1;
    double[] values = new double[groups];
    for (int g = 0; g < groups; g++) {
      double num = 0;
      double den = 0;
      for (int c = 0; c < o.classes; c++) {
        double i = 0;
        double p = 0;
        double t = 0;
        double fp = 0;
        double fn = 0;
        double q = 0;
        double r = 0;
        for (int n = perImage ? g : 0; n < (perImage ? g + 1 : o.batch); n++) {
          for (int s = 0; s < o.spatial; s++) {
            if (!o.valid[n * o.spatial + s]) {
              continue;
            }
            double pv = o.p[o.at(n, c, s)];
            double tv = o.t[o.at(n, c, s)];
            i += pv * tv;
            p += pv;
            t += tv;
            fp += pv * (1 - tv);
            fn += (1 - pv) * tv;
            q += pv * pv;
            r += tv * tv;
          }
        }
        double wc = w == null ? 1 : w[c];
        num += wc * f.loss(i, p, t, fp, fn, q, r);
        den += wc;
      }
      values[g] = num / den;
    }
    return Oracle.of(values);
  }

  /** 1 - num / den, or 0 when den is 0 (empty union with smooth = 0). */
  static double ratioLoss(double num, double den) {
    return den == 0 ? 0 : 1 - num / den;
  }

  /** The Dice loss of one class. */
  static double dice(double s, double i, double p, double t) {
    return ratioLoss(2 * i + s, p + t + s);
  }

  /** The Tversky loss of one class. */
  static double tversky(double a, double b, double s, double i, double fp, double fn) {
    return ratioLoss(i + s, i + a * fp + b * fn + s);
  }

  /** Berman et al.'s lovasz_grad of labels sorted by decreasing error. */
  static double[] lovaszGrad(double[] gtSorted) {
    int m = gtSorted.length;
    double gts = 0;
    for (double v : gtSorted) {
      gts += v;
    }
    double[] jac = new double[m];
    double cumFg = 0;
    double cumBg = 0;
    for (int k = 0; k < m; k++) {
      cumFg += gtSorted[k];
      cumBg += 1 - gtSorted[k];
      jac[k] = 1 - (gts - cumFg) / (gts + cumBg);
    }
    for (int k = m - 1; k >= 1; k--) {
      jac[k] -= jac[k - 1];
    }
    return jac;
  }

  /**
   * Berman et al.'s dot product: errors sorted decreasingly (ties in index order), the lovasz_grad
   * of the labels in that order, and the sorted errors (through relu for the hinge).
   */
  static double lovasz(double[] errors, double[] gt, boolean relu) {
    Integer[] order = new Integer[errors.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Double.compare(errors[b], errors[a]));
    double[] gs = new double[gt.length];
    for (int k = 0; k < order.length; k++) {
      gs[k] = gt[order[k]];
    }
    double[] g = lovaszGrad(gs);
    double loss = 0;
    for (int k = 0; k < order.length; k++) {
      double e = errors[order[k]];
      loss += (relu ? Math.max(e, 0) : e) * g[k];
    }
    return loss;
  }
}

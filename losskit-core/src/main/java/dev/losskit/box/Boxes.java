package dev.losskit.box;

import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.Shapes;
import dev.losskit.Tensor;
import dev.losskit.internal.Samples;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What every box loss of this package shares: the box formats and their conversions (with the chain
 * rule back to each format's own coordinates), the shape and validity checks, typical sampled
 * boxes, and the geometry of the IoU family (intersection, union, enclosing box, centre distance,
 * aspect term) with exact derivatives.
 *
 * <p>Derivatives of {@code max} and {@code min} at a tie are split evenly between the two
 * arguments, as PyTorch's {@code torch.max(a, b)} and {@code torch.min(a, b)} do; the intersection
 * counts only when its width and height are both strictly positive, as torchvision's does.
 */
final class Boxes {
  private Boxes() {}

  /** The layouts of one box. */
  enum Format {
    /** Corners: x1, y1, x2, y2 (torchvision's layout). */
    XYXY("xyxy", 4),
    /** Centre and size: cx, cy, w, h. */
    CXCYWH("cxcywh", 4),
    /** Top-left corner and size: x, y, w, h. */
    XYWH("xywh", 4),
    /** Centre, size and angle in radians: cx, cy, w, h, a (rotated boxes). */
    XYWHA("xywha", 5);

    final String id;
    final int width;

    Format(String id, int width) {
      this.id = id;
      this.width = width;
    }

    static Format parse(String s) {
      for (Format f : values()) {
        if (f.id.equals(s)) {
          return f;
        }
      }
      throw new IllegalArgumentException("parameter box-format: unknown format '" + s + "'");
    }
  }

  /** The {@code box-format} parameter; {@code xywha} only where rotated boxes are supported. */
  static ParamSpec formatParam(boolean rotated) {
    return ParamSpec.choice(
        "box-format",
        "xyxy",
        rotated ? List.of("xyxy", "cxcywh", "xywh", "xywha") : List.of("xyxy", "cxcywh", "xywh"),
        rotated
            ? "layout of each box: corners, centre and size, corner and size, or centre, size and"
                + " angle (radians)"
            : "layout of each box: corners (x1, y1, x2, y2), centre and size, or corner and size");
  }

  /** The {@code eps} parameter of the IoU family. */
  static ParamSpec epsParam() {
    return ParamSpec.real(
        "eps", 1e-7, Range.POSITIVE, "added to the denominators of ratios of areas and distances");
  }

  /**
   * The start of an entry for a loss of {@code pred} and {@code target} boxes of one format, one
   * value per box, mean over boxes, with typical overlapping and apart pairs as samples.
   */
  static LossSpec.Builder pairSpec(String id, boolean rotated) {
    String shape = rotated ? "(N, 4) or (4); (N, 5) or (5) for xywha" : "(N, 4) or (4)";
    return LossSpec.builder(id, Family.BOX)
        .input("pred", shape, InputDomain.REAL, true, "predicted boxes")
        .input("target", shape + ", as pred", InputDomain.REAL, false, "target boxes")
        .param(formatParam(rotated))
        .sampler((p, r, n) -> sample(Format.parse(p.text("box-format")), r, n));
  }

  /** The format chosen by the parameters. */
  static Format format(Params p) {
    return Format.parse(p.text("box-format"));
  }

  // ---------------------------------------------------------------- checks

  /**
   * Checks that {@code pred} and {@code target} hold boxes of the format, of the same shape, each
   * valid; returns the unreduced shape: {@code (N)}, or {@code ()} for a single box.
   */
  static int[] checkPair(Tensor pred, Tensor target, Format f) {
    checkShape("pred", pred, f);
    Shapes.requireSame("target", target, "pred", pred);
    checkValid("pred", pred, f);
    checkValid("target", target, f);
    return pred.rank() == 1 ? new int[0] : new int[] {pred.dim(0)};
  }

  private static void checkShape(String name, Tensor t, Format f) {
    int k = f.width;
    boolean ok = (t.rank() == 2 && t.dim(1) == k) || (t.rank() == 1 && t.dim(0) == k);
    if (!ok) {
      throw new IllegalArgumentException(
          name
              + ": expected shape (N, "
              + k
              + ") or ("
              + k
              + ") of boxes in box-format "
              + f.id
              + ", found "
              + Shapes.toString(t.shape()));
    }
  }

  /** Throws, naming the input and the box, at the first box with a negative width or height. */
  private static void checkValid(String name, Tensor t, Format f) {
    float[] b = t.data();
    int k = f.width;
    for (int i = 0; i < b.length / k; i++) {
      int o = i * k;
      if (f == Format.XYXY) {
        if (b[o + 2] < b[o] || b[o + 3] < b[o + 1]) {
          throw new IllegalArgumentException(
              name
                  + ": expected x2 >= x1 and y2 >= y1 (box-format xyxy), found (x1, y1, x2, y2) = ("
                  + b[o]
                  + ", "
                  + b[o + 1]
                  + ", "
                  + b[o + 2]
                  + ", "
                  + b[o + 3]
                  + ") at box "
                  + i);
        }
      } else if (b[o + 2] < 0 || b[o + 3] < 0) {
        throw new IllegalArgumentException(
            name
                + ": expected a non-negative width and height (box-format "
                + f.id
                + "), found (w, h) = ("
                + b[o + 2]
                + ", "
                + b[o + 3]
                + ") at box "
                + i);
      }
    }
  }

  // ---------------------------------------------------------------- conversions

  /** Reads box {@code i} as corners {@code (x1, y1, x2, y2)}; not for {@code xywha}. */
  static void corners(Format f, float[] b, int i, double[] out) {
    int o = i * f.width;
    double u = b[o];
    double v = b[o + 1];
    double w = b[o + 2];
    double h = b[o + 3];
    switch (f) {
      case XYXY:
        out[0] = u;
        out[1] = v;
        out[2] = w;
        out[3] = h;
        break;
      case CXCYWH:
        out[0] = u - 0.5 * w;
        out[1] = v - 0.5 * h;
        out[2] = u + 0.5 * w;
        out[3] = v + 0.5 * h;
        break;
      case XYWH:
        out[0] = u;
        out[1] = v;
        out[2] = u + w;
        out[3] = v + h;
        break;
      default:
        throw new IllegalStateException("corners of rotated boxes");
    }
  }

  /**
   * Writes {@code scale} times the gradient with respect to box {@code i}'s own coordinates, given
   * the gradient {@code d} with respect to its corners.
   */
  static void writeCornerGrad(Format f, double[] d, float[] g, int i, double scale) {
    int o = i * f.width;
    switch (f) {
      case XYXY:
        g[o] = (float) (d[0] * scale);
        g[o + 1] = (float) (d[1] * scale);
        g[o + 2] = (float) (d[2] * scale);
        g[o + 3] = (float) (d[3] * scale);
        break;
      case CXCYWH:
        g[o] = (float) ((d[0] + d[2]) * scale);
        g[o + 1] = (float) ((d[1] + d[3]) * scale);
        g[o + 2] = (float) (0.5 * (d[2] - d[0]) * scale);
        g[o + 3] = (float) (0.5 * (d[3] - d[1]) * scale);
        break;
      case XYWH:
        g[o] = (float) ((d[0] + d[2]) * scale);
        g[o + 1] = (float) ((d[1] + d[3]) * scale);
        g[o + 2] = (float) (d[2] * scale);
        g[o + 3] = (float) (d[3] * scale);
        break;
      default:
        throw new IllegalStateException("corners of rotated boxes");
    }
  }

  /**
   * Reads box {@code i} as centre, size and angle {@code (cx, cy, w, h, a)}; a = 0 if unrotated.
   */
  static void centred(Format f, float[] b, int i, double[] out) {
    int o = i * f.width;
    double u = b[o];
    double v = b[o + 1];
    double w = b[o + 2];
    double h = b[o + 3];
    switch (f) {
      case XYXY:
        out[0] = 0.5 * (u + w);
        out[1] = 0.5 * (v + h);
        out[2] = w - u;
        out[3] = h - v;
        out[4] = 0;
        break;
      case XYWH:
        out[0] = u + 0.5 * w;
        out[1] = v + 0.5 * h;
        out[2] = w;
        out[3] = h;
        out[4] = 0;
        break;
      default:
        out[0] = u;
        out[1] = v;
        out[2] = w;
        out[3] = h;
        out[4] = f == Format.XYWHA ? b[o + 4] : 0;
    }
  }

  /**
   * Writes {@code scale} times the gradient with respect to box {@code i}'s own coordinates, given
   * the gradient {@code d} with respect to {@code (cx, cy, w, h, a)}.
   */
  static void writeCentredGrad(Format f, double[] d, float[] g, int i, double scale) {
    int o = i * f.width;
    switch (f) {
      case XYXY:
        g[o] = (float) ((0.5 * d[0] - d[2]) * scale);
        g[o + 1] = (float) ((0.5 * d[1] - d[3]) * scale);
        g[o + 2] = (float) ((0.5 * d[0] + d[2]) * scale);
        g[o + 3] = (float) ((0.5 * d[1] + d[3]) * scale);
        break;
      case XYWH:
        g[o] = (float) (d[0] * scale);
        g[o + 1] = (float) (d[1] * scale);
        g[o + 2] = (float) ((0.5 * d[0] + d[2]) * scale);
        g[o + 3] = (float) ((0.5 * d[1] + d[3]) * scale);
        break;
      default:
        g[o] = (float) (d[0] * scale);
        g[o + 1] = (float) (d[1] * scale);
        g[o + 2] = (float) (d[2] * scale);
        g[o + 3] = (float) (d[3] * scale);
        if (f == Format.XYWHA) {
          g[o + 4] = (float) (d[4] * scale);
        }
    }
  }

  // ---------------------------------------------------------------- samples

  /**
   * {@code n} pairs of valid boxes of the format: sizes in [1, 4], pred a jittered copy of target
   * for three pairs in four and clear of it for every fourth, so that both overlapping and apart
   * pairs occur and no coordinate of pred ties with one of target.
   */
  static Tensor[] sample(Format f, SplittableRandom r, int n) {
    int k = f.width;
    float[] p = new float[n * k];
    float[] t = new float[n * k];
    for (int i = 0; i < n; i++) {
      double tcx = 10 * r.nextDouble();
      double tcy = 10 * r.nextDouble();
      double tw = 1 + 3 * r.nextDouble();
      double th = 1 + 3 * r.nextDouble();
      double ta = f == Format.XYWHA ? Math.PI * (r.nextDouble() - 0.5) : 0;
      double pw = tw * Math.exp(0.3 * Samples.gaussian(r));
      double ph = th * Math.exp(0.3 * Samples.gaussian(r));
      double pa = ta + 0.3 * Samples.gaussian(r);
      double pcx;
      double pcy;
      if (i % 4 == 3) {
        double side = r.nextBoolean() ? 1 : -1;
        pcx = tcx + side * (0.5 * (tw + pw) + 0.5 + 3 * r.nextDouble());
        pcy = tcy + 2 * Samples.gaussian(r);
      } else {
        pcx = tcx + 0.3 * tw * Samples.gaussian(r);
        pcy = tcy + 0.3 * th * Samples.gaussian(r);
      }
      put(f, t, i, tcx, tcy, tw, th, ta);
      put(f, p, i, pcx, pcy, pw, ph, pa);
    }
    int[] shape = {n, k};
    return new Tensor[] {Tensor.of(p, shape), Tensor.of(t, shape)};
  }

  private static void put(
      Format f, float[] b, int i, double cx, double cy, double w, double h, double a) {
    int o = i * f.width;
    switch (f) {
      case XYXY:
        b[o] = (float) (cx - 0.5 * w);
        b[o + 1] = (float) (cy - 0.5 * h);
        b[o + 2] = (float) (cx + 0.5 * w);
        b[o + 3] = (float) (cy + 0.5 * h);
        break;
      case XYWH:
        b[o] = (float) (cx - 0.5 * w);
        b[o + 1] = (float) (cy - 0.5 * h);
        b[o + 2] = (float) w;
        b[o + 3] = (float) h;
        break;
      default:
        b[o] = (float) cx;
        b[o + 1] = (float) cy;
        b[o + 2] = (float) w;
        b[o + 3] = (float) h;
        if (f == Format.XYWHA) {
          b[o + 4] = (float) a;
        }
    }
  }

  // ---------------------------------------------------------------- IoU geometry

  /** d max(a, b) / da, a tie split evenly. */
  private static double dMax(double a, double b) {
    return a > b ? 1 : a == b ? 0.5 : 0;
  }

  /** d min(a, b) / da, a tie split evenly. */
  private static double dMin(double a, double b) {
    return a < b ? 1 : a == b ? 0.5 : 0;
  }

  /**
   * The geometry of one pair of axis-aligned boxes in corner form and its derivatives with respect
   * to the pred corners {@code (x1, y1, x2, y2)}. A workspace: one per kernel call, reloaded for
   * every pair with {@link #load}; each term method returns the term and, when gradients are on,
   * leaves its gradient in the matching array.
   */
  static final class Pair {
    /** Pred corners. */
    final double[] p = new double[4];

    /** Target corners. */
    final double[] t = new double[4];

    private final boolean grads;
    private double union;
    private final double[] dUnion = new double[4];
    private double iou;

    /** Width and height of the smallest box enclosing both. */
    double cw;

    double ch;
    private final double[] dCw = new double[4];
    private final double[] dCh = new double[4];

    /** Gradient of the last {@link #iou} term. */
    final double[] dIou = new double[4];

    /** Gradient of the last {@link #enclosure} term. */
    final double[] dEnclosure = new double[4];

    /** Gradient of the last {@link #distance} term. */
    final double[] dDistance = new double[4];

    /** Gradient of the last {@link #aspect} term. */
    final double[] dAspect = new double[4];

    /** Gradient of the last {@link #size} term. */
    final double[] dSize = new double[4];

    /** A workspace that computes gradients only when {@code grads}. */
    Pair(boolean grads) {
      this.grads = grads;
    }

    /** Index of the loaded pair. */
    int index;

    /** Loads pair {@code i} and its enclosing box. */
    void load(Format f, float[] pred, float[] target, int i) {
      index = i;
      corners(f, pred, i, p);
      corners(f, target, i, t);
      cw = Math.max(p[2], t[2]) - Math.min(p[0], t[0]);
      ch = Math.max(p[3], t[3]) - Math.min(p[1], t[1]);
      if (grads) {
        dCw[0] = -dMin(p[0], t[0]);
        dCw[2] = dMax(p[2], t[2]);
        dCh[1] = -dMin(p[1], t[1]);
        dCh[3] = dMax(p[3], t[3]);
      }
    }

    /**
     * IoU = inter / (union + eps); the intersection is 0 unless its width and height are both
     * positive. Also sets the union used by {@link #enclosure}.
     */
    double iou(double eps) {
      double iw = Math.min(p[2], t[2]) - Math.max(p[0], t[0]);
      double ih = Math.min(p[3], t[3]) - Math.max(p[1], t[1]);
      boolean overlap = iw > 0 && ih > 0;
      double inter = overlap ? iw * ih : 0;
      double pw = p[2] - p[0];
      double ph = p[3] - p[1];
      union = pw * ph + (t[2] - t[0]) * (t[3] - t[1]) - inter;
      double den = union + eps;
      iou = inter / den;
      if (grads) {
        double i0 = overlap ? -ih * dMax(p[0], t[0]) : 0;
        double i1 = overlap ? -iw * dMax(p[1], t[1]) : 0;
        double i2 = overlap ? ih * dMin(p[2], t[2]) : 0;
        double i3 = overlap ? iw * dMin(p[3], t[3]) : 0;
        dUnion[0] = -ph - i0;
        dUnion[1] = -pw - i1;
        dUnion[2] = ph - i2;
        dUnion[3] = pw - i3;
        double q = iou / den;
        dIou[0] = i0 / den - q * dUnion[0];
        dIou[1] = i1 / den - q * dUnion[1];
        dIou[2] = i2 / den - q * dUnion[2];
        dIou[3] = i3 / den - q * dUnion[3];
      }
      return iou;
    }

    /** The IoU of the last {@link #iou} call. */
    double lastIou() {
      return iou;
    }

    /**
     * GIoU's penalty (area(C) - union) / (area(C) + eps), C the enclosing box; after {@link #iou}.
     */
    double enclosure(double eps) {
      double area = cw * ch;
      double den = area + eps;
      double e = (area - union) / den;
      if (grads) {
        for (int k = 0; k < 4; k++) {
          double dA = dCw[k] * ch + cw * dCh[k];
          dEnclosure[k] = (dA - dUnion[k]) / den - e * dA / den;
        }
      }
      return e;
    }

    /** DIoU's penalty rho^2 / (c^2 + eps): squared centre distance over squared diagonal of C. */
    double distance(double eps) {
      double dx = 0.5 * ((p[0] + p[2]) - (t[0] + t[2]));
      double dy = 0.5 * ((p[1] + p[3]) - (t[1] + t[3]));
      double rho2 = dx * dx + dy * dy;
      double c2 = cw * cw + ch * ch + eps;
      double d = rho2 / c2;
      if (grads) {
        for (int k = 0; k < 4; k++) {
          double dRho2 = (k % 2 == 0) ? dx : dy;
          double dC2 = 2 * (cw * dCw[k] + ch * dCh[k]);
          dDistance[k] = (dRho2 - d * dC2) / c2;
        }
      }
      return d;
    }

    /**
     * CIoU's aspect term v = 4 / pi^2 (atan(w_t / h_t) - atan(w_p / h_p))^2, with atan(w / h) read
     * as atan2(w, h): pi/2 for a zero height, 0 for a box of zero width and height.
     */
    double aspect() {
      double pw = p[2] - p[0];
      double ph = p[3] - p[1];
      double diff = Math.atan2(t[2] - t[0], t[3] - t[1]) - Math.atan2(pw, ph);
      double k4 = 4 / (Math.PI * Math.PI);
      double v = k4 * diff * diff;
      if (grads) {
        double r2 = pw * pw + ph * ph;
        // d atan2(w, h) = (h dw - w dh) / (w^2 + h^2); v depends on pred through -atan2(pw, ph).
        double dw = r2 > 0 ? -2 * k4 * diff * ph / r2 : 0;
        double dh = r2 > 0 ? 2 * k4 * diff * pw / r2 : 0;
        dAspect[0] = -dw;
        dAspect[1] = -dh;
        dAspect[2] = dw;
        dAspect[3] = dh;
      }
      return v;
    }

    /** EIoU's size penalty (w_p - w_t)^2 / (C_w^2 + eps) + (h_p - h_t)^2 / (C_h^2 + eps). */
    double size(double eps) {
      double rw = (p[2] - p[0]) - (t[2] - t[0]);
      double rh = (p[3] - p[1]) - (t[3] - t[1]);
      double cw2 = cw * cw + eps;
      double ch2 = ch * ch + eps;
      double sw = rw * rw / cw2;
      double sh = rh * rh / ch2;
      if (grads) {
        for (int k = 0; k < 4; k++) {
          double dw = k == 0 ? -1 : k == 2 ? 1 : 0;
          double dh = k == 1 ? -1 : k == 3 ? 1 : 0;
          dSize[k] =
              (2 * rw * dw - sw * 2 * cw * dCw[k]) / cw2
                  + (2 * rh * dh - sh * 2 * ch * dCh[k]) / ch2;
        }
      }
      return sw + sh;
    }
  }
}

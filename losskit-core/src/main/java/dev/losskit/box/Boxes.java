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
 * rule back to each format's own coordinates), the shape and validity checks and typical sampled
 * boxes. The geometry of the IoU family is in {@link IouKernel}.
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
}

package dev.losskit.box;

/**
 * The IoU family's kernel one pair at a time, in double: every term and its gradient with respect
 * to the pred corners in one pass, no allocation. Derivatives of max and min at a tie are split
 * evenly, as PyTorch does; the intersection counts only when its width and height are both
 * positive, as torchvision's does.
 */
final class ScalarIouKernel implements IouKernel {
  static final ScalarIouKernel INSTANCE = new ScalarIouKernel();

  /** 4 / pi^2, the scale of CIoU's aspect term. */
  static final double K4 = 4 / (Math.PI * Math.PI);

  private ScalarIouKernel() {}

  @Override
  public double compute(
      Terms terms,
      Boxes.Format format,
      double eps,
      double alphaEps,
      float[] pred,
      float[] target,
      double[] frozenAlpha,
      float[] values,
      float[] grad,
      double scale,
      int from,
      int to) {
    boolean enclosure = terms == Terms.GIOU;
    boolean distance = terms.distance();
    boolean aspect = terms == Terms.CIOU;
    boolean size = terms == Terms.EIOU;
    boolean xyxy = format == Boxes.Format.XYXY;
    boolean centred = format == Boxes.Format.CXCYWH;
    double sum = 0;
    for (int i = from; i < to; i++) {
      int o = 4 * i;
      double p0;
      double p1;
      double p2;
      double p3;
      double t0;
      double t1;
      double t2;
      double t3;
      if (xyxy) {
        p0 = pred[o];
        p1 = pred[o + 1];
        p2 = pred[o + 2];
        p3 = pred[o + 3];
        t0 = target[o];
        t1 = target[o + 1];
        t2 = target[o + 2];
        t3 = target[o + 3];
      } else {
        // Corners as Boxes.corners computes them, for the same rounding.
        double u = pred[o];
        double v = pred[o + 1];
        double w = pred[o + 2];
        double h = pred[o + 3];
        p0 = centred ? u - 0.5 * w : u;
        p1 = centred ? v - 0.5 * h : v;
        p2 = centred ? u + 0.5 * w : u + w;
        p3 = centred ? v + 0.5 * h : v + h;
        u = target[o];
        v = target[o + 1];
        w = target[o + 2];
        h = target[o + 3];
        t0 = centred ? u - 0.5 * w : u;
        t1 = centred ? v - 0.5 * h : v;
        t2 = centred ? u + 0.5 * w : u + w;
        t3 = centred ? v + 0.5 * h : v + h;
      }
      double pw = p2 - p0;
      double ph = p3 - p1;
      double tw = t2 - t0;
      double th = t3 - t1;
      double iw = Math.min(p2, t2) - Math.max(p0, t0);
      double ih = Math.min(p3, t3) - Math.max(p1, t1);
      boolean overlap = iw > 0 && ih > 0;
      double inter = overlap ? iw * ih : 0;
      double union = pw * ph + tw * th - inter;
      double rden = 1 / (union + eps);
      double iou = inter * rden;
      double loss = 1 - iou;
      // Share of each pred corner in the intersection's max/min (a*) and in the enclosure's
      // min/max (1 - a*).
      double a0 = dMax(p0, t0);
      double a1 = dMax(p1, t1);
      double a2 = dMin(p2, t2);
      double a3 = dMin(p3, t3);
      double i0 = overlap ? -ih * a0 : 0;
      double i1 = overlap ? -iw * a1 : 0;
      double i2 = overlap ? ih * a2 : 0;
      double i3 = overlap ? iw * a3 : 0;
      // d(1 - IoU) = -(dI / den - IoU / den dU), with dU = d(pred area) - dI; written as 0 - (...)
      // so that pairs apart get +0, not -0.
      double q = iou * rden;
      double g0 = 0 - (i0 * rden - q * (-ph - i0));
      double g1 = 0 - (i1 * rden - q * (-pw - i1));
      double g2 = 0 - (i2 * rden - q * (ph - i2));
      double g3 = 0 - (i3 * rden - q * (pw - i3));
      double cw = 0;
      double ch = 0;
      if (enclosure || distance) {
        cw = Math.max(p2, t2) - Math.min(p0, t0);
        ch = Math.max(p3, t3) - Math.min(p1, t1);
      }
      if (enclosure) {
        double area = cw * ch;
        double reden = 1 / (area + eps);
        double e = (area - union) * reden;
        loss += e;
        // (dA - dU) / (A + eps) - e dA / (A + eps), dA the derivative of the enclosing area.
        double f = 1 - e;
        g0 += (f * -(1 - a0) * ch - (-ph - i0)) * reden;
        g1 += (f * -(1 - a1) * cw - (-pw - i1)) * reden;
        g2 += (f * (1 - a2) * ch - (ph - i2)) * reden;
        g3 += (f * (1 - a3) * cw - (pw - i3)) * reden;
      }
      if (distance) {
        double dx = 0.5 * ((p0 + p2) - (t0 + t2));
        double dy = 0.5 * ((p1 + p3) - (t1 + t3));
        double rc2 = 1 / (cw * cw + ch * ch + eps);
        double d = (dx * dx + dy * dy) * rc2;
        loss += d;
        // (drho^2 - d dc^2) / c^2, dc^2 = 2 cw dcw + 2 ch dch.
        double dcw = 2 * d * cw;
        double dch = 2 * d * ch;
        g0 += (dx + dcw * (1 - a0)) * rc2;
        g1 += (dy + dch * (1 - a1)) * rc2;
        g2 += (dx - dcw * (1 - a2)) * rc2;
        g3 += (dy - dch * (1 - a3)) * rc2;
      }
      if (aspect) {
        double diff = angleBetween(tw, th, pw, ph);
        double v = K4 * diff * diff;
        double alpha = frozenAlpha != null ? frozenAlpha[i] : v / (1 - iou + v + alphaEps);
        loss += alpha * v;
        // d atan2(w, h) = (h dw - w dh) / (w^2 + h^2); v depends on pred through -atan2(pw, ph),
        // so dv/dpw = -2 K4 diff ph / r2 and dv/dph = 2 K4 diff pw / r2.
        double r2 = pw * pw + ph * ph;
        double s = r2 > 0 ? alpha * 2 * K4 * diff / r2 : 0;
        g0 += s * ph;
        g1 -= s * pw;
        g2 -= s * ph;
        g3 += s * pw;
      }
      if (size) {
        double rw = pw - tw;
        double rh = ph - th;
        double rcw2 = 1 / (cw * cw + eps);
        double rch2 = 1 / (ch * ch + eps);
        double sw = rw * rw * rcw2;
        double sh = rh * rh * rch2;
        loss += sw + sh;
        g0 += (-2 * rw + 2 * sw * cw * (1 - a0)) * rcw2;
        g1 += (-2 * rh + 2 * sh * ch * (1 - a1)) * rch2;
        g2 += (2 * rw - 2 * sw * cw * (1 - a2)) * rcw2;
        g3 += (2 * rh - 2 * sh * ch * (1 - a3)) * rch2;
      }
      sum += loss;
      if (values != null) {
        values[i] = (float) loss;
      }
      if (grad != null) {
        writeGrad(format, g0, g1, g2, g3, grad, o, scale);
      }
    }
    return sum;
  }

  /**
   * Writes {@code scale} times the gradient with respect to the box's own coordinates at {@code
   * grad[o..o+3]}, given the gradient {@code (g0, g1, g2, g3)} with respect to its corners.
   */
  static void writeGrad(
      Boxes.Format format,
      double g0,
      double g1,
      double g2,
      double g3,
      float[] grad,
      int o,
      double scale) {
    if (format == Boxes.Format.XYXY) {
      grad[o] = (float) (g0 * scale);
      grad[o + 1] = (float) (g1 * scale);
      grad[o + 2] = (float) (g2 * scale);
      grad[o + 3] = (float) (g3 * scale);
    } else {
      grad[o] = (float) ((g0 + g2) * scale);
      grad[o + 1] = (float) ((g1 + g3) * scale);
      boolean centred = format == Boxes.Format.CXCYWH;
      grad[o + 2] = (float) ((centred ? 0.5 * (g2 - g0) : g2) * scale);
      grad[o + 3] = (float) ((centred ? 0.5 * (g3 - g1) : g3) * scale);
    }
  }

  /** d max(a, b) / da, a tie split evenly; d min(a, b) / da is 1 minus it. */
  private static double dMax(double a, double b) {
    return a > b ? 1 : a == b ? 0.5 : 0;
  }

  /** d min(a, b) / da, a tie split evenly. */
  private static double dMin(double a, double b) {
    return a < b ? 1 : a == b ? 0.5 : 0;
  }

  /**
   * CIoU's alpha {@code v / (1 - IoU + v + alphaEps)} of one pair of corner boxes, IoU with {@code
   * eps}: what {@link #compute} uses when alpha is not frozen.
   */
  static double ciouAlpha(double[] p, double[] t, double eps, double alphaEps) {
    double pw = p[2] - p[0];
    double ph = p[3] - p[1];
    double tw = t[2] - t[0];
    double th = t[3] - t[1];
    double iw = Math.min(p[2], t[2]) - Math.max(p[0], t[0]);
    double ih = Math.min(p[3], t[3]) - Math.max(p[1], t[1]);
    double inter = iw > 0 && ih > 0 ? iw * ih : 0;
    double iou = inter * (1 / (pw * ph + tw * th - inter + eps));
    double diff = angleBetween(tw, th, pw, ph);
    double v = K4 * diff * diff;
    return v / (1 - iou + v + alphaEps);
  }

  /** Cephes' atan: atan(x) = x + x^3 P(x^2) / Q(x^2) on [0, 0.66], relative error 2e-18. */
  static final double P0 = -8.750608600031904122785E-1;

  static final double P1 = -1.615753718733365076637E1;
  static final double P2 = -7.500855792314704667340E1;
  static final double P3 = -1.228866684490136173410E2;
  static final double P4 = -6.485021904942025371773E1;
  static final double Q0 = 2.485846490142306297962E1;
  static final double Q1 = 1.650270098316988542046E2;
  static final double Q2 = 4.328810604912902668951E2;
  static final double Q3 = 4.853903996359136964868E2;
  static final double Q4 = 1.945506571482613964425E2;

  /** tan(3 pi / 8). */
  static final double T3P8 = 2.41421356237309504880;

  /** pi/2 and pi/4 split in two, for the last bits of the reduced argument's offset. */
  static final double PIO2 = 1.5707963267948966;

  static final double PIO4 = 0.7853981633974483;
  static final double MOREBITS = 6.123233995736765886130E-17;

  /**
   * {@code atan2(tw, th) - atan2(pw, ph)} for non-negative sides, the angle between the diagonals
   * of the two boxes, from one atan: that of the second diagonal in the frame of the first. A box
   * of zero width and height has angle 0, as atan2(0, 0) gives; so has the diagonal (0, 1) that
   * stands in for it.
   */
  static double angleBetween(double tw, double th, double pw, double ph) {
    if (tw == 0 && th == 0) {
      th = 1;
    }
    if (pw == 0 && ph == 0) {
      ph = 1;
    }
    // |t| |p| sin and |t| |p| cos of the difference; the cosine is not negative.
    double y = tw * ph - pw * th;
    double x = tw * pw + th * ph;
    return Math.copySign(angle(Math.abs(y), x), y);
  }

  /**
   * atan2(w, h) for {@code w, h >= 0}: the angle of the box's diagonal, pi/2 for a zero height and
   * 0 for a box of zero width and height, as {@link Math#atan2}; within a few ulps of it, and much
   * faster on this JDK. Cephes' reduction, by ratios of w and h: atan(w / h) = pi/2 + atan(-h / w)
   * above tan(3 pi / 8), pi/4 + atan((w - h) / (w + h)) above 0.66, else atan(w / h).
   */
  static double angle(double w, double h) {
    double num;
    double den;
    double base;
    double more;
    if (w > T3P8 * h) {
      num = -h;
      den = w;
      base = PIO2;
      more = MOREBITS;
    } else if (w > 0.66 * h) {
      num = w - h;
      den = w + h;
      base = PIO4;
      more = 0.5 * MOREBITS;
    } else {
      num = w;
      den = h;
      base = 0;
      more = 0;
    }
    // Only w = h = 0 reaches here with den = 0; its angle is 0, as atan2(0, 0).
    double x = den == 0 ? 0 : num / den;
    double z = x * x;
    double pz = (((P0 * z + P1) * z + P2) * z + P3) * z + P4;
    double qz = ((((z + Q0) * z + Q1) * z + Q2) * z + Q3) * z + Q4;
    return base + (x * (z * pz / qz) + x + more);
  }
}

package dev.losskit.box;

import static dev.losskit.box.ScalarIouKernel.K4;
import static dev.losskit.box.ScalarIouKernel.MOREBITS;
import static dev.losskit.box.ScalarIouKernel.P0;
import static dev.losskit.box.ScalarIouKernel.P1;
import static dev.losskit.box.ScalarIouKernel.P2;
import static dev.losskit.box.ScalarIouKernel.P3;
import static dev.losskit.box.ScalarIouKernel.P4;
import static dev.losskit.box.ScalarIouKernel.PIO2;
import static dev.losskit.box.ScalarIouKernel.PIO4;
import static dev.losskit.box.ScalarIouKernel.Q0;
import static dev.losskit.box.ScalarIouKernel.Q1;
import static dev.losskit.box.ScalarIouKernel.Q2;
import static dev.losskit.box.ScalarIouKernel.Q3;
import static dev.losskit.box.ScalarIouKernel.Q4;
import static dev.losskit.box.ScalarIouKernel.T3P8;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The IoU family's kernel over pairs in double lanes (the Vector API), loaded by {@link IouKernel}
 * only when the {@code jdk.incubator.vector} module is present. Double, as the scalar kernel, so
 * that boxes at 1e30 or of size 1e-30 keep finite areas. The pairs go through in blocks: a scalar
 * loop de-interleaves a block's boxes into corner columns (converting the format), the lanes
 * compute every term and its gradient, and a scalar loop interleaves the gradient back through the
 * chain rule of the format. The last pairs that do not fill the lanes go to {@link
 * ScalarIouKernel}.
 *
 * <p>The Vector API of JDK 17 inlines about 40 vector operations per compiled method before the
 * compiler's node budget (NodeCountInliningCutoff) runs out; vectors that then cross a call are
 * boxed. {@link #pairs} fits when one loss of the family runs in the JVM (the branches of the
 * others are never taken and not compiled); with several, it allocates about 24 bytes per pair and
 * is still faster than the scalar kernel. CIoU's aspect term runs in passes of its own for that
 * reason.
 */
final class VectorIouKernel implements IouKernel {
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

  /** Pairs per block: the block's 15 columns (30 KB) stay in the first-level cache. */
  private static final int BLOCK = 256;

  /** Columns: pred corners 0-3, target corners 4-7, gradient 8-11, loss 12, IoU 13, angle 14. */
  private static final int COLUMNS = 15;

  private static final int G = 8 * BLOCK;
  private static final int LOSS = 12 * BLOCK;
  private static final int IOU = 13 * BLOCK;
  private static final int ANGLE = 14 * BLOCK;

  private static final ThreadLocal<double[]> SCRATCH =
      ThreadLocal.withInitial(() -> new double[COLUMNS * BLOCK]);

  VectorIouKernel() {
    if (D.length() < 2) {
      throw new UnsupportedOperationException("vectors of fewer than two doubles");
    }
  }

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
    int lanes = D.length();
    int full = from + (to - from) / lanes * lanes;
    if (frozenAlpha != null || full == from) {
      return ScalarIouKernel.INSTANCE.compute(
          terms, format, eps, alphaEps, pred, target, frozenAlpha, values, grad, scale, from, to);
    }
    double[] s = SCRATCH.get();
    double sum = 0;
    for (int start = from; start < full; start += BLOCK) {
      int m = Math.min(BLOCK, full - start);
      load(format, pred, s, 0, start, m);
      load(format, target, s, 4 * BLOCK, start, m);
      for (int b = 0; b < m; b += lanes) {
        pairs(terms, eps, alphaEps, s, b);
      }
      // CIoU's aspect term in passes of its own: with it, one method would exceed what the
      // compiler inlines (NodeCountInliningCutoff), and vectors that cross a call it does not
      // inline are boxed.
      if (terms == Terms.CIOU) {
        for (int b = 0; b < m; b += lanes) {
          aspectAngle(s, b);
        }
        for (int b = 0; b < m; b += lanes) {
          aspectTerm(alphaEps, s, b);
        }
      }
      for (int b = 0; b < m; b++) {
        double l = s[12 * BLOCK + b];
        sum += l;
        if (values != null) {
          values[start + b] = (float) l;
        }
      }
      if (grad != null) {
        for (int b = 0; b < m; b++) {
          ScalarIouKernel.writeGrad(
              format,
              s[8 * BLOCK + b],
              s[9 * BLOCK + b],
              s[10 * BLOCK + b],
              s[11 * BLOCK + b],
              grad,
              4 * (start + b),
              scale);
        }
      }
    }
    if (full < to) {
      sum +=
          ScalarIouKernel.INSTANCE.compute(
              terms, format, eps, alphaEps, pred, target, null, values, grad, scale, full, to);
    }
    return sum;
  }

  /** Corners of boxes {@code [start, start + m)} into columns {@code at .. at + 3} of the block. */
  private static void load(
      Boxes.Format format, float[] boxes, double[] s, int at, int start, int m) {
    boolean xyxy = format == Boxes.Format.XYXY;
    boolean centred = format == Boxes.Format.CXCYWH;
    for (int b = 0; b < m; b++) {
      int o = 4 * (start + b);
      double u = boxes[o];
      double v = boxes[o + 1];
      double w = boxes[o + 2];
      double h = boxes[o + 3];
      // As ScalarIouKernel and Boxes.corners, for the same rounding.
      s[at + b] = xyxy ? u : centred ? u - 0.5 * w : u;
      s[at + BLOCK + b] = xyxy ? v : centred ? v - 0.5 * h : v;
      s[at + 2 * BLOCK + b] = xyxy ? w : centred ? u + 0.5 * w : u + w;
      s[at + 3 * BLOCK + b] = xyxy ? h : centred ? v + 0.5 * h : v + h;
    }
  }

  /** d max(a, b) / da in lanes, a tie split evenly; d min(a, b) / da is 1 minus it. */
  private static DoubleVector dMax(DoubleVector a, DoubleVector b, DoubleVector zero) {
    return zero.blend(0.5, a.eq(b)).blend(1, a.compare(VectorOperators.GT, b));
  }

  /** d min(a, b) / da in lanes, a tie split evenly. */
  private static DoubleVector dMin(DoubleVector a, DoubleVector b, DoubleVector zero) {
    return zero.blend(0.5, a.eq(b)).blend(1, a.compare(VectorOperators.LT, b));
  }

  /** One vector of pairs at block offset {@code b}: the terms of ScalarIouKernel, in lanes. */
  private static void pairs(Terms terms, double eps, double alphaEps, double[] s, int b) {
    DoubleVector zero = DoubleVector.zero(D);
    DoubleVector p0 = DoubleVector.fromArray(D, s, b);
    DoubleVector p1 = DoubleVector.fromArray(D, s, BLOCK + b);
    DoubleVector p2 = DoubleVector.fromArray(D, s, 2 * BLOCK + b);
    DoubleVector p3 = DoubleVector.fromArray(D, s, 3 * BLOCK + b);
    DoubleVector t0 = DoubleVector.fromArray(D, s, 4 * BLOCK + b);
    DoubleVector t1 = DoubleVector.fromArray(D, s, 5 * BLOCK + b);
    DoubleVector t2 = DoubleVector.fromArray(D, s, 6 * BLOCK + b);
    DoubleVector t3 = DoubleVector.fromArray(D, s, 7 * BLOCK + b);
    DoubleVector pw = p2.sub(p0);
    DoubleVector ph = p3.sub(p1);
    DoubleVector tw = t2.sub(t0);
    DoubleVector th = t3.sub(t1);
    DoubleVector iw = p2.min(t2).sub(p0.max(t0));
    DoubleVector ih = p3.min(t3).sub(p1.max(t1));
    VectorMask<Double> overlap =
        iw.compare(VectorOperators.GT, 0).and(ih.compare(VectorOperators.GT, 0));
    DoubleVector inter = zero.blend(iw.mul(ih), overlap);
    DoubleVector union = pw.mul(ph).add(tw.mul(th)).sub(inter);
    DoubleVector one = DoubleVector.broadcast(D, 1);
    DoubleVector rden = one.div(union.add(eps));
    DoubleVector iou = inter.mul(rden);
    DoubleVector loss = one.sub(iou);
    DoubleVector a0 = dMax(p0, t0, zero);
    DoubleVector a1 = dMax(p1, t1, zero);
    DoubleVector a2 = dMin(p2, t2, zero);
    DoubleVector a3 = dMin(p3, t3, zero);
    DoubleVector i0 = zero.blend(ih.neg().mul(a0), overlap);
    DoubleVector i1 = zero.blend(iw.neg().mul(a1), overlap);
    DoubleVector i2 = zero.blend(ih.mul(a2), overlap);
    DoubleVector i3 = zero.blend(iw.mul(a3), overlap);
    // dU, the derivative of the union: d(pred area) - dI.
    DoubleVector u0 = ph.neg().sub(i0);
    DoubleVector u1 = pw.neg().sub(i1);
    DoubleVector u2 = ph.sub(i2);
    DoubleVector u3 = pw.sub(i3);
    DoubleVector q = iou.mul(rden);
    // As ScalarIouKernel: 0 - (dI / den - q dU), +0 for pairs apart.
    DoubleVector g0 = zero.sub(i0.mul(rden).sub(q.mul(u0)));
    DoubleVector g1 = zero.sub(i1.mul(rden).sub(q.mul(u1)));
    DoubleVector g2 = zero.sub(i2.mul(rden).sub(q.mul(u2)));
    DoubleVector g3 = zero.sub(i3.mul(rden).sub(q.mul(u3)));
    DoubleVector e0 = one.sub(a0);
    DoubleVector e1 = one.sub(a1);
    DoubleVector e2 = one.sub(a2);
    DoubleVector e3 = one.sub(a3);
    DoubleVector cw = zero;
    DoubleVector ch = zero;
    if (terms != Terms.IOU) {
      cw = p2.max(t2).sub(p0.min(t0));
      ch = p3.max(t3).sub(p1.min(t1));
    }
    if (terms == Terms.GIOU) {
      DoubleVector area = cw.mul(ch);
      DoubleVector reden = one.div(area.add(eps));
      DoubleVector e = area.sub(union).mul(reden);
      loss = loss.add(e);
      DoubleVector f = one.sub(e);
      DoubleVector fch = f.mul(ch);
      DoubleVector fcw = f.mul(cw);
      g0 = g0.add(fch.neg().mul(e0).sub(u0).mul(reden));
      g1 = g1.add(fcw.neg().mul(e1).sub(u1).mul(reden));
      g2 = g2.add(fch.mul(e2).sub(u2).mul(reden));
      g3 = g3.add(fcw.mul(e3).sub(u3).mul(reden));
    }
    if (terms.distance()) {
      DoubleVector dx = p0.add(p2).sub(t0.add(t2)).mul(0.5);
      DoubleVector dy = p1.add(p3).sub(t1.add(t3)).mul(0.5);
      DoubleVector rc2 = one.div(cw.mul(cw).add(ch.mul(ch)).add(eps));
      DoubleVector d = dx.mul(dx).add(dy.mul(dy)).mul(rc2);
      loss = loss.add(d);
      DoubleVector dcw = d.mul(cw).mul(2);
      DoubleVector dch = d.mul(ch).mul(2);
      g0 = g0.add(dx.add(dcw.mul(e0)).mul(rc2));
      g1 = g1.add(dy.add(dch.mul(e1)).mul(rc2));
      g2 = g2.add(dx.sub(dcw.mul(e2)).mul(rc2));
      g3 = g3.add(dy.sub(dch.mul(e3)).mul(rc2));
    }
    if (terms == Terms.EIOU) {
      DoubleVector rw = pw.sub(tw);
      DoubleVector rh = ph.sub(th);
      DoubleVector rcw2 = one.div(cw.mul(cw).add(eps));
      DoubleVector rch2 = one.div(ch.mul(ch).add(eps));
      DoubleVector sw = rw.mul(rw).mul(rcw2);
      DoubleVector sh = rh.mul(rh).mul(rch2);
      loss = loss.add(sw).add(sh);
      DoubleVector rw2 = rw.mul(2);
      DoubleVector rh2 = rh.mul(2);
      DoubleVector swc = sw.mul(cw).mul(2);
      DoubleVector shc = sh.mul(ch).mul(2);
      g0 = g0.add(swc.mul(e0).sub(rw2).mul(rcw2));
      g1 = g1.add(shc.mul(e1).sub(rh2).mul(rch2));
      g2 = g2.add(rw2.sub(swc.mul(e2)).mul(rcw2));
      g3 = g3.add(rh2.sub(shc.mul(e3)).mul(rch2));
    }
    g0.intoArray(s, 8 * BLOCK + b);
    g1.intoArray(s, 9 * BLOCK + b);
    g2.intoArray(s, 10 * BLOCK + b);
    g3.intoArray(s, 11 * BLOCK + b);
    loss.intoArray(s, 12 * BLOCK + b);
    if (terms == Terms.CIOU) {
      iou.intoArray(s, IOU + b);
    }
  }

  /**
   * CIoU's angle between the diagonals, ScalarIouKernel's angleBetween and angle written out in
   * lanes, into the angle column.
   */
  private static void aspectAngle(double[] s, int b) {
    DoubleVector zero = DoubleVector.zero(D);
    DoubleVector pw = col(s, 2, b).sub(col(s, 0, b));
    DoubleVector ph = col(s, 3, b).sub(col(s, 1, b));
    DoubleVector tw = col(s, 6, b).sub(col(s, 4, b));
    DoubleVector th = col(s, 7, b).sub(col(s, 5, b));
    // A box of zero width and height has angle 0: the diagonal (0, 1) stands in for it.
    DoubleVector th1 = th.blend(1, tw.add(th).compare(VectorOperators.EQ, 0));
    DoubleVector ph1 = ph.blend(1, pw.add(ph).compare(VectorOperators.EQ, 0));
    DoubleVector sin = tw.mul(ph1).sub(pw.mul(th1));
    DoubleVector w = sin.abs();
    DoubleVector h = tw.mul(pw).add(th1.mul(ph1));
    VectorMask<Double> big = w.compare(VectorOperators.GT, h.mul(T3P8));
    VectorMask<Double> mid = w.compare(VectorOperators.GT, h.mul(0.66)).and(big.not());
    DoubleVector num = w.blend(w.sub(h), mid).blend(h.neg(), big);
    // Only sin = cos = 0 would give den = 0, which the stand-in diagonals rule out; kept finite.
    DoubleVector den = h.blend(w.add(h), mid).blend(w, big);
    den = den.blend(1, den.compare(VectorOperators.EQ, 0));
    DoubleVector x = num.div(den);
    DoubleVector z = x.mul(x);
    DoubleVector pz = z.mul(P0).add(P1).mul(z).add(P2).mul(z).add(P3).mul(z).add(P4);
    DoubleVector qz = z.add(Q0).mul(z).add(Q1).mul(z).add(Q2).mul(z).add(Q3).mul(z).add(Q4);
    DoubleVector base = zero.blend(PIO4 + 0.5 * MOREBITS, mid).blend(PIO2 + MOREBITS, big);
    DoubleVector atan = base.add(x.mul(z.mul(pz).div(qz)).add(x));
    atan.blend(atan.neg(), sin.compare(VectorOperators.LT, 0)).intoArray(s, ANGLE + b);
  }

  /** CIoU's alpha v and its gradient with alpha held, from the angle and IoU columns. */
  private static void aspectTerm(double alphaEps, double[] s, int b) {
    DoubleVector zero = DoubleVector.zero(D);
    DoubleVector pw = col(s, 2, b).sub(col(s, 0, b));
    DoubleVector ph = col(s, 3, b).sub(col(s, 1, b));
    DoubleVector diff = DoubleVector.fromArray(D, s, ANGLE + b);
    DoubleVector v = diff.mul(diff).mul(K4);
    DoubleVector iou = DoubleVector.fromArray(D, s, IOU + b);
    DoubleVector alpha = v.div(v.sub(iou).add(1 + alphaEps));
    DoubleVector.fromArray(D, s, LOSS + b).add(alpha.mul(v)).intoArray(s, LOSS + b);
    // dv/dpw = -2 K4 diff ph / r2, dv/dph = 2 K4 diff pw / r2; 0 for a pred of zero size.
    DoubleVector r2 = pw.mul(pw).add(ph.mul(ph));
    DoubleVector sv =
        zero.blend(alpha.mul(diff).mul(2 * K4).div(r2), r2.compare(VectorOperators.GT, 0));
    DoubleVector sph = sv.mul(ph);
    DoubleVector spw = sv.mul(pw);
    DoubleVector.fromArray(D, s, G + b).add(sph).intoArray(s, G + b);
    DoubleVector.fromArray(D, s, G + BLOCK + b).sub(spw).intoArray(s, G + BLOCK + b);
    DoubleVector.fromArray(D, s, G + 2 * BLOCK + b).sub(sph).intoArray(s, G + 2 * BLOCK + b);
    DoubleVector.fromArray(D, s, G + 3 * BLOCK + b).add(spw).intoArray(s, G + 3 * BLOCK + b);
  }

  private static DoubleVector col(double[] s, int column, int b) {
    return DoubleVector.fromArray(D, s, column * BLOCK + b);
  }
}

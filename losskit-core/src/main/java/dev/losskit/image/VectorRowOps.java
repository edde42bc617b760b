package dev.losskit.image;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RowOps} on the Vector API: fused multiply-adds in double lanes of the widest species. The
 * filtering stays in double (as the scalar path), so both paths agree to rounding. Loaded only by
 * {@link RowOps#vector}, reflectively, when the JVM has the module.
 */
final class VectorRowOps implements RowOps {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  VectorRowOps() {
    if (L < 2) {
      throw new UnsupportedOperationException("vectors of " + S.vectorBitSize() + " bits");
    }
  }

  @Override
  public void filter(double[] g, double[] x, int xo, int stride, double[] y, int yo, int n) {
    int taps = g.length;
    int i = 0;
    // Four vectors of outputs at a time: four independent chains of fused multiply-adds hide
    // their latency, where one chain of `taps` dependent adds would stall on each.
    for (int end = n - 4 * L; i <= end; i += 4 * L) {
      DoubleVector a0 = DoubleVector.zero(S);
      DoubleVector a1 = a0;
      DoubleVector a2 = a0;
      DoubleVector a3 = a0;
      for (int k = 0, o = xo + i; k < taps; k++, o += stride) {
        DoubleVector gk = DoubleVector.broadcast(S, g[k]);
        a0 = DoubleVector.fromArray(S, x, o).fma(gk, a0);
        a1 = DoubleVector.fromArray(S, x, o + L).fma(gk, a1);
        a2 = DoubleVector.fromArray(S, x, o + 2 * L).fma(gk, a2);
        a3 = DoubleVector.fromArray(S, x, o + 3 * L).fma(gk, a3);
      }
      a0.intoArray(y, yo + i);
      a1.intoArray(y, yo + i + L);
      a2.intoArray(y, yo + i + 2 * L);
      a3.intoArray(y, yo + i + 3 * L);
    }
    for (int end = n - L; i <= end; i += L) {
      DoubleVector a0 = DoubleVector.zero(S);
      for (int k = 0, o = xo + i; k < taps; k++, o += stride) {
        a0 = DoubleVector.fromArray(S, x, o).fma(DoubleVector.broadcast(S, g[k]), a0);
      }
      a0.intoArray(y, yo + i);
    }
    for (; i < n; i++) {
      double s = 0;
      for (int k = 0, o = xo + i; k < taps; k++, o += stride) {
        s += g[k] * x[o];
      }
      y[yo + i] = s;
    }
  }

  @Override
  public void moments(double[] g, double[] xs, double[] ys, int xo, double[][] m, int mo, int n) {
    int taps = g.length;
    double[] m0 = m[0];
    double[] m1 = m[1];
    double[] m2 = m[2];
    double[] m3 = m[3];
    double[] m4 = m[4];
    int i = 0;
    for (int end = n - L; i <= end; i += L) {
      DoubleVector s0 = DoubleVector.zero(S);
      DoubleVector s1 = s0;
      DoubleVector s2 = s0;
      DoubleVector s3 = s0;
      DoubleVector s4 = s0;
      for (int k = 0; k < taps; k++) {
        DoubleVector gk = DoubleVector.broadcast(S, g[k]);
        DoubleVector a = DoubleVector.fromArray(S, xs, xo + k + i);
        DoubleVector c = DoubleVector.fromArray(S, ys, xo + k + i);
        DoubleVector ga = a.mul(gk);
        DoubleVector gc = c.mul(gk);
        s0 = s0.add(ga);
        s1 = s1.add(gc);
        s2 = a.fma(ga, s2);
        s3 = c.fma(gc, s3);
        s4 = c.fma(ga, s4);
      }
      s0.intoArray(m0, mo + i);
      s1.intoArray(m1, mo + i);
      s2.intoArray(m2, mo + i);
      s3.intoArray(m3, mo + i);
      s4.intoArray(m4, mo + i);
    }
    for (; i < n; i++) {
      double s0 = 0;
      double s1 = 0;
      double s2 = 0;
      double s3 = 0;
      double s4 = 0;
      for (int k = 0; k < taps; k++) {
        double gk = g[k];
        double a = xs[xo + k + i];
        double c = ys[xo + k + i];
        s0 += gk * a;
        s1 += gk * c;
        s2 += gk * a * a;
        s3 += gk * c * c;
        s4 += gk * a * c;
      }
      m0[mo + i] = s0;
      m1[mo + i] = s1;
      m2[mo + i] = s2;
      m3[mo + i] = s3;
      m4[mo + i] = s4;
    }
  }

  @Override
  public double map(
      double[][] m,
      int n,
      double mx,
      double my,
      double c1,
      double c2,
      boolean luminance,
      double[][] abg,
      int o) {
    double[] m0 = m[0];
    double[] m1 = m[1];
    double[] m2 = m[2];
    double[] m3 = m[3];
    double[] m4 = m[4];
    DoubleVector zero = DoubleVector.zero(S);
    DoubleVector sum = zero;
    int i = 0;
    for (int end = S.loopBound(n); i < end; i += L) {
      DoubleVector s0 = DoubleVector.fromArray(S, m0, i);
      DoubleVector s1 = DoubleVector.fromArray(S, m1, i);
      DoubleVector vx = DoubleVector.fromArray(S, m2, i).sub(s0.mul(s0)).max(zero);
      DoubleVector vy = DoubleVector.fromArray(S, m3, i).sub(s1.mul(s1)).max(zero);
      DoubleVector vxy = DoubleVector.fromArray(S, m4, i).sub(s0.mul(s1));
      DoubleVector a2 = vxy.mul(2).add(c2);
      DoubleVector b2 = vx.add(vy).add(c2);
      DoubleVector t;
      DoubleVector dmu;
      DoubleVector dxy;
      if (luminance) {
        DoubleVector ux = s0.add(mx);
        DoubleVector uy = s1.add(my);
        DoubleVector a1 = ux.mul(uy).mul(2).add(c1);
        DoubleVector b1 = ux.mul(ux).add(uy.mul(uy)).add(c1);
        DoubleVector d = b1.mul(b2);
        t = a1.mul(a2).div(d);
        dmu = uy.mul(2).mul(a2).div(d).sub(t.mul(2).mul(ux).div(b1));
        dxy = a1.mul(2).div(d);
      } else {
        t = a2.div(b2);
        dmu = zero;
        dxy = DoubleVector.broadcast(S, 2).div(b2);
      }
      sum = sum.add(t);
      if (abg != null) {
        DoubleVector dv = t.neg().div(b2);
        dmu.sub(s0.mul(2).mul(dv)).sub(s1.mul(dxy)).intoArray(abg[0], o + i);
        dv.intoArray(abg[1], o + i);
        dxy.intoArray(abg[2], o + i);
      }
    }
    double tail = RowOps.mapScalar(m, i, n, mx, my, c1, c2, luminance, abg, o);
    return sum.reduceLanes(VectorOperators.ADD) + tail;
  }

  @Override
  public String toString() {
    return "VectorRowOps[" + S + "]";
  }
}

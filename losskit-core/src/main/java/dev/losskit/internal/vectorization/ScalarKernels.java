package dev.losskit.internal.vectorization;

import dev.losskit.internal.Numerics;

/**
 * The scalar kernels: one plain double-precision loop per loss, the reference path and the fallback
 * of every JVM started without the Vector API module. The vector kernels also use them for loop
 * tails and to recompute, in double, any block whose float sum overflowed.
 */
public final class ScalarKernels implements Kernels {
  static final ScalarKernels INSTANCE = new ScalarKernels();

  private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

  /** The smallest normal float: the floor of a probability under a logarithm in kl-div. */
  private static final double KL_LOG_FLOOR = Float.MIN_NORMAL;

  private ScalarKernels() {}

  @Override
  public double mse(
      float[] p, float[] t, float[] values, float[] g, double scale, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      double r = (double) p[i] - t[i];
      double l = r * r;
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        g[i] = (float) (2 * r * scale);
      }
    }
    return sum;
  }

  @Override
  public double mae(
      float[] p, float[] t, float[] values, float[] g, double scale, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      double r = (double) p[i] - t[i];
      double l = Math.abs(r);
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        g[i] = (float) (Math.signum(r) * scale);
      }
    }
    return sum;
  }

  @Override
  public double smoothL1(
      float[] p,
      float[] t,
      double beta,
      float[] values,
      float[] g,
      double scale,
      int from,
      int to) {
    double halfBeta = 0.5 * beta;
    double gradScale = beta > 0 ? scale / beta : 0;
    double sum = 0;
    for (int i = from; i < to; i++) {
      double r = (double) p[i] - t[i];
      double a = Math.abs(r);
      boolean quadratic = a < beta;
      double l = quadratic ? 0.5 * r * r / beta : a - halfBeta;
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        g[i] = (float) (quadratic ? r * gradScale : Math.signum(r) * scale);
      }
    }
    return sum;
  }

  @Override
  public double huber(
      float[] p,
      float[] t,
      double delta,
      float[] values,
      float[] g,
      double scale,
      int from,
      int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      double r = (double) p[i] - t[i];
      double a = Math.abs(r);
      double l = a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        g[i] = (float) (Math.max(-delta, Math.min(delta, r)) * scale);
      }
    }
    return sum;
  }

  @Override
  public double logCosh(
      float[] p, float[] t, float[] values, float[] g, double scale, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      double r = (double) p[i] - t[i];
      double l = Numerics.logCosh(r);
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        g[i] = (float) (Math.tanh(r) * scale);
      }
    }
    return sum;
  }

  @Override
  public double quantile(
      float[] p, float[] t, double q, float[] values, float[] g, double scale, int from, int to) {
    double below = -q * scale;
    double above = (1 - q) * scale;
    double sum = 0;
    for (int i = from; i < to; i++) {
      double d = (double) t[i] - p[i];
      double l = d >= 0 ? q * d : (q - 1) * d;
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        g[i] = (float) (d > 0 ? below : d < 0 ? above : 0);
      }
    }
    return sum;
  }

  @Override
  public double bceWithLogits(
      float[] x,
      float[] t,
      boolean signLabels,
      float[] values,
      float[] g,
      double scale,
      int from,
      int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      double xi = x[i];
      double ti = signLabels ? 0.5 + 0.5 * t[i] : t[i];
      double l = ti * Numerics.softplus(-xi) + (1 - ti) * Numerics.softplus(xi);
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        double d = (1 - ti) * Numerics.sigmoid(xi) - ti * Numerics.sigmoid(-xi);
        g[i] = (float) (scale * d);
      }
    }
    return sum;
  }

  @Override
  public double bce(
      float[] p,
      float[] t,
      double logFloor,
      double eps,
      float[] values,
      float[] g,
      double scale,
      int from,
      int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      double pi = p[i];
      double ti = t[i];
      double l =
          -(ti * Math.max(Math.log(pi), logFloor) + (1 - ti) * Math.max(Math.log1p(-pi), logFloor));
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        g[i] = (float) (scale * (pi - ti) / Math.max((1 - pi) * pi, eps));
      }
    }
    return sum;
  }

  @Override
  public double sigmoidFocal(
      float[] x,
      float[] t,
      double alpha,
      double gamma,
      float[] values,
      float[] g,
      double scale,
      int from,
      int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      double xi = x[i];
      double ti = t[i];
      double s = Numerics.sigmoid(xi);
      double u = Numerics.sigmoid(-xi);
      double ce = (1 - ti) * Numerics.softplus(xi) + ti * Numerics.softplus(-xi);
      double m = (1 - ti) * s + ti * u;
      double a = alpha < 0 ? 1 : alpha * ti + (1 - alpha) * (1 - ti);
      double amg = a * Math.pow(m, gamma);
      double l = amg * ce;
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        double r = focalRatio(ti, s, u, m);
        double sMinusT = (1 - ti) * s - ti * u;
        g[i] = (float) (scale * amg * (gamma * r * ce + sMinusT));
      }
    }
    return sum;
  }

  /**
   * m'/m, the logarithmic derivative of the focal modulating base m = 1 - p_t: -s for t = 1, u for
   * t = 0, and (1 - 2t) s u / m for soft labels, where m >= min(t, 1 - t) > 0.
   */
  public static double focalRatio(double t, double s, double u, double m) {
    if (t == 1) {
      return -s;
    }
    if (t == 0) {
      return u;
    }
    return (1 - 2 * t) * s * u / m;
  }

  @Override
  public double poissonNll(
      float[] p,
      float[] t,
      boolean logInput,
      boolean full,
      double eps,
      float[] values,
      float[] g,
      double scale,
      int from,
      int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      double x = p[i];
      double y = t[i];
      double l;
      double d;
      if (logInput) {
        l = Numerics.expTangentAbove(x, Numerics.LOG_FLOAT_MAX) - y * x;
        d = Math.exp(Math.min(x, Numerics.LOG_FLOAT_MAX)) - y;
      } else {
        double rate = x + eps;
        l = x - y * Math.log(rate);
        d = 1 - y / rate;
      }
      if (full && y > 1) {
        l += y * Math.log(y) - y + HALF_LOG_2PI + 0.5 * Math.log(y);
      }
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        g[i] = (float) (d * scale);
      }
    }
    return sum;
  }

  @Override
  public double klDiv(
      float[] x,
      float[] t,
      boolean logTarget,
      float[] values,
      float[] gx,
      float[] gt,
      double scale,
      int from,
      int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      double xi = x[i];
      double ti = t[i];
      double l;
      if (logTarget) {
        double e = Math.exp(ti);
        l = e * (ti - xi);
        if (gx != null) {
          gx[i] = (float) (-scale * e);
        }
        if (gt != null) {
          gt[i] = (float) (scale * e * (ti - xi + 1));
        }
      } else {
        l = ti == 0 ? 0 : ti * (Math.log(ti) - xi);
        if (gx != null) {
          gx[i] = (float) (-scale * ti);
        }
        if (gt != null) {
          gt[i] = (float) (scale * (Math.log(Math.max(ti, KL_LOG_FLOOR)) + 1 - xi));
        }
      }
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
    }
    return sum;
  }

  @Override
  public double hinge(
      float[] p, float[] t, float[] values, float[] g, double scale, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      double y = t[i] > 0 ? 1 : -1;
      double z = 1 - y * p[i];
      double l = z > 0 ? z : 0;
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        g[i] = z > 0 ? (float) (-y * scale) : 0f;
      }
    }
    return sum;
  }

  @Override
  public double squaredHinge(
      float[] p, float[] t, float[] values, float[] g, double scale, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      double y = t[i] > 0 ? 1 : -1;
      double z = Math.max(0, 1 - y * p[i]);
      double l = z * z;
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        g[i] = (float) (-2 * y * z * scale);
      }
    }
    return sum;
  }

  @Override
  public boolean allWithin(float[] x, float lo, float hi, boolean abs) {
    // Non-short-circuit and no early exit: a loop without data-dependent branches.
    boolean inside = true;
    if (abs) {
      for (float v : x) {
        float a = Math.abs(v);
        inside &= a >= lo & a <= hi; // false for NaN
      }
    } else {
      for (float v : x) {
        inside &= v >= lo & v <= hi;
      }
    }
    return inside;
  }

  @Override
  public double marginRanking(
      float[] x1,
      float[] x2,
      float[] y,
      double margin,
      float[] values,
      float[] g1,
      float[] g2,
      double scale,
      int from,
      int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      double z = y[i] * ((double) x2[i] - x1[i]) + margin;
      double l = Math.max(z, 0);
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      float d = z >= 0 ? (float) (y[i] * scale) : 0f;
      if (g1 != null) {
        g1[i] = -d;
      }
      if (g2 != null) {
        g2[i] = d;
      }
    }
    return sum;
  }

  @Override
  public double multiMargin(
      float[] p,
      float[] y,
      float[] w,
      int classes,
      double margin,
      boolean squared,
      float[] values,
      float[] g,
      double scale,
      int from,
      int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      int base = i * classes;
      int label = (int) y[i];
      double factor = (w == null ? 1.0 : w[label]) / classes;
      double f = factor * scale;
      // z_c = margin - pred_y + pred_c, with margin - pred_y taken once per row; the classes
      // before and after the label as two branch-free loops.
      double shift = margin - p[base + label];
      double acc = 0;
      double gy = 0;
      for (int part = 0; part < 2; part++) {
        int end = base + (part == 0 ? label : classes);
        for (int c = base + (part == 0 ? 0 : label + 1); c < end; c++) {
          double v = Math.max(shift + p[c], 0);
          double d;
          if (squared) {
            acc += v * v;
            d = f * (2 * v);
          } else {
            acc += v;
            d = v > 0 ? f : 0;
          }
          if (g != null) {
            g[c] = (float) d;
          }
          gy += d;
        }
      }
      if (g != null) {
        g[base + label] = (float) -gy;
      }
      double l = factor * acc;
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
    }
    return sum;
  }

  @Override
  public double gaussianNll(
      float[] p,
      float[] t,
      float[] var,
      int group,
      double eps,
      double constant,
      float[] values,
      float[] gp,
      float[] gv,
      double scale,
      int from,
      int to) {
    double sum = 0;
    for (int j = from / group; from < to && j <= (to - 1) / group; j++) {
      int start = j * group;
      boolean owns = start >= from;
      int end = owns ? Math.min(start + group, p.length) : Math.min(start + group, to);
      double v = Math.max(var[j], eps);
      double logV = Math.log(v);
      double inv = 1 / v;
      double dv = 0;
      for (int i = Math.max(start, from); i < end; i++) {
        double r = (double) p[i] - t[i];
        double q = r * inv;
        dv += 0.5 * (inv - q * q);
        if (i < to) {
          double l = 0.5 * (logV + r * q) + constant;
          sum += l;
          if (values != null) {
            values[i] = (float) l;
          }
          if (gp != null) {
            gp[i] = (float) (q * scale);
          }
        }
      }
      if (gv != null && owns) {
        gv[j] = (float) (dv * scale);
      }
    }
    return sum;
  }
}

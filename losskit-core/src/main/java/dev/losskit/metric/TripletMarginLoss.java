package dev.losskit.metric;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;

/**
 * Triplet margin loss: an anchor must be closer to its positive than to its negative by a margin;
 * for learning embeddings from (anchor, positive, negative) triplets.
 *
 * <pre>{@code
 * d(x, y) = |x - y + eps|_p                      (per row; eps added to every component)
 * dneg    = d(a, n), or min(d(a, n), d(p, n)) with swap
 * l       = max(0, margin + d(a, p) - dneg)
 * dd(x, y)/dx = sign(v) |v|^(p-1) / d^(p-1),  v = x - y + eps   (0 where d = 0);  dd/dy = -dd/dx
 * dl/da = dd(a, p)/da - dd(a, n)/da,  dl/dp = -dd(a, p)/da,  dl/dn = dd(a, n)/da   (hinge active)
 * }</pre>
 *
 * <p>Inputs: {@code anchor}, {@code positive} and {@code negative}, embeddings {@code (N, D)} of
 * equal shape, finite. Gradients for all three. The unreduced loss has shape {@code (N)}; {@code
 * mean} divides by N. With {@code swap}, the negative is also compared with the positive (the
 * distance swap of Balntas et al.) and the smaller distance is used.
 *
 * <p>Numerics: {@code eps} is added to the difference before the norm, as {@code
 * torch.pairwise_distance} does, so the distance is never exactly 0 for typical inputs. Norms with
 * {@code p != 1, 2} are computed scaled by the largest component, so they do not overflow. At the
 * kink ({@code margin + d(a, p) - dneg = 0}) the gradient is that of the active side, as {@code
 * clamp_min} gives it. Only {@code p >= 1} (true norms) is accepted.
 *
 * <p>Equals {@code torch.nn.functional.triplet_margin_loss(anchor, positive, negative,
 * margin=margin, p=p, eps=eps, swap=swap)}.
 *
 * @see <a href="https://arxiv.org/abs/1503.03832">Schroff, Kalenichenko and Philbin (2015)</a>
 */
public final class TripletMarginLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("triplet-margin", Family.METRIC)
          .name("Triplet margin")
          .summary(
              "Hinge on the anchor-positive distance minus the anchor-negative distance plus a"
                  + " margin.")
          .formula(
              "l = max(0, margin + d(a, p) - d(a, n)), d(x, y) = |x - y + eps|_p;"
                  + " with swap, d(a, n) becomes min(d(a, n), d(p, n))")
          .gradient(
              "dd(x, y)/dx = sign(v) |v|^(p-1) / d^(p-1), v = x - y + eps; dl/da = dd(a,p)/da -"
                  + " dd(a,n)/da, dl/dp = -dd(a,p)/da, dl/dn = dd(a,n)/da where the hinge is active")
          .input("anchor", "(N, D)", InputDomain.REAL, true, "anchor embeddings")
          .input("positive", "(N, D), as anchor", InputDomain.REAL, true, "same-class embeddings")
          .input("negative", "(N, D), as anchor", InputDomain.REAL, true, "other-class embeddings")
          .param(
              ParamSpec.real(
                  "margin",
                  1.0,
                  Range.ANY,
                  "how much closer the positive must be than the negative"))
          .param(ParamSpec.real("p", 2.0, Range.atLeast(1), "order of the Minkowski distance"))
          .param(
              ParamSpec.real(
                  "eps", 1e-6, Range.NONNEGATIVE, "added to each difference before the norm"))
          .param(
              ParamSpec.bool(
                  "swap", false, "also measure the negative from the positive; use the nearer"))
          .traits(Trait.NONNEGATIVE)
          .equivalent(
              "torch.nn.functional.triplet_margin_loss(anchor, positive, negative, margin=margin,"
                  + " p=p, eps=eps, swap=swap)",
              "pytorch")
          .whenToUse(
              "Metric learning and face or person re-identification from triplets; most random"
                  + " triplets are already satisfied and give no gradient, so it depends on triplet"
                  + " mining (see batch-hard-triplet) and on a margin suited to the embedding scale.")
          .reference(
              "Schroff, Kalenichenko and Philbin (2015), FaceNet: a unified embedding for face"
                  + " recognition and clustering",
              "https://arxiv.org/abs/1503.03832")
          .reference(
              "Balntas, Riba, Ponsa and Mikolajczyk (2016), Learning local feature descriptors with"
                  + " triplets and shallow convolutional neural networks (distance swap)",
              "https://doi.org/10.5244/C.30.119")
          .sampler(
              (p, r, n) ->
                  new Tensor[] {
                    Embeddings.sample(r, n), Embeddings.sample(r, n), Embeddings.sample(r, n)
                  })
          .tasks(Task.TRACKING, Task.REPRESENTATION)
          .build(TripletMarginLoss::new);

  private final double margin;
  private final double p;
  private final double eps;
  private final boolean swap;

  private TripletMarginLoss(Params params) {
    super(SPEC, params);
    this.margin = params.real("margin");
    this.p = params.real("p");
    this.eps = params.real("eps");
    this.swap = params.bool("swap");
  }

  @Override
  public int[] check(Tensor[] in) {
    Embeddings.requireMatrix("anchor", in[0]);
    Embeddings.requireSame("positive", in[1], "anchor", in[0]);
    Embeddings.requireSame("negative", in[2], "anchor", in[0]);
    return new int[] {in[0].dim(0)};
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] a = in[0].data();
    float[] pos = in[1].data();
    float[] neg = in[2].data();
    int n = in[0].dim(0);
    int dim = in[0].dim(1);
    float[] ga = grads == null ? null : grads[0];
    float[] gp = grads == null ? null : grads[1];
    float[] gn = grads == null ? null : grads[2];
    boolean withGrad = ga != null || gp != null || gn != null;
    if (p == 2 && !swap) {
      return euclidean(a, pos, neg, n, dim, values, ga, gp, gn, scale);
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      int o = i * dim;
      double dap = distance(a, pos, o, dim);
      double dneg = distance(a, neg, o, dim);
      boolean swapped = false;
      if (swap) {
        double dpn = distance(pos, neg, o, dim);
        if (dpn < dneg) {
          dneg = dpn;
          swapped = true;
        }
      }
      double z = margin + dap - dneg;
      double l = Math.max(z, 0);
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (!withGrad) {
        continue;
      }
      boolean active = z >= 0;
      float[] from = swapped ? pos : a;
      for (int k = o; k < o + dim; k++) {
        double gap = 0;
        double gneg = 0;
        if (active) {
          gap = scale * derivative((double) a[k] - pos[k] + eps, dap);
          gneg = scale * derivative((double) from[k] - neg[k] + eps, dneg);
        }
        if (ga != null) {
          ga[k] = (float) (swapped ? gap : gap - gneg);
        }
        if (gp != null) {
          gp[k] = (float) (swapped ? -gap - gneg : -gap);
        }
        if (gn != null) {
          gn[k] = (float) gneg;
        }
      }
    }
    return sum;
  }

  /**
   * The common case, p = 2 without swap: each distance a sum of squares in four independent double
   * accumulators (a reduction the JIT cannot reorder on its own), and the gradient rows as plain
   * float loops, which the JIT vectorizes: dL/da = c_p (a - p + eps) - c_n (a - n + eps), dL/dp =
   * -c_p (a - p + eps), dL/dn = c_n (a - n + eps), with c = scale / distance (0 at distance 0), for
   * active triplets; zeros otherwise.
   */
  private double euclidean(
      float[] a,
      float[] pos,
      float[] neg,
      int n,
      int dim,
      float[] values,
      float[] ga,
      float[] gp,
      float[] gn,
      double scale) {
    float e = (float) eps;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      int o = i * dim;
      double dap = euclidean(a, pos, o, dim);
      double dneg = euclidean(a, neg, o, dim);
      double z = margin + dap - dneg;
      double l = Math.max(z, 0);
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      boolean active = z >= 0;
      float cp = active && dap > 0 ? (float) (scale / dap) : 0f;
      float cn = active && dneg > 0 ? (float) (scale / dneg) : 0f;
      if (ga != null) {
        for (int k = o; k < o + dim; k++) {
          ga[k] = cp * (a[k] - pos[k] + e) - cn * (a[k] - neg[k] + e);
        }
      }
      if (gp != null) {
        for (int k = o; k < o + dim; k++) {
          gp[k] = -cp * (a[k] - pos[k] + e);
        }
      }
      if (gn != null) {
        for (int k = o; k < o + dim; k++) {
          gn[k] = cn * (a[k] - neg[k] + e);
        }
      }
    }
    return sum;
  }

  /** |x_o.. - y_o.. + eps|_2 of one row, in four interleaved partial sums. */
  private double euclidean(float[] x, float[] y, int o, int dim) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int k = o;
    int end = o + dim;
    for (; k + 3 < end; k += 4) {
      double v0 = (double) x[k] - y[k] + eps;
      double v1 = (double) x[k + 1] - y[k + 1] + eps;
      double v2 = (double) x[k + 2] - y[k + 2] + eps;
      double v3 = (double) x[k + 3] - y[k + 3] + eps;
      s0 += v0 * v0;
      s1 += v1 * v1;
      s2 += v2 * v2;
      s3 += v3 * v3;
    }
    for (; k < end; k++) {
      double v = (double) x[k] - y[k] + eps;
      s0 += v * v;
    }
    return Math.sqrt((s0 + s1) + (s2 + s3));
  }

  /** |x_o.. - y_o.. + eps|_p of one row. */
  private double distance(float[] x, float[] y, int o, int dim) {
    if (p == 2) {
      double s = 0;
      for (int k = o; k < o + dim; k++) {
        double v = (double) x[k] - y[k] + eps;
        s += v * v;
      }
      return Math.sqrt(s);
    }
    if (p == 1) {
      double s = 0;
      for (int k = o; k < o + dim; k++) {
        s += Math.abs((double) x[k] - y[k] + eps);
      }
      return s;
    }
    double max = 0;
    for (int k = o; k < o + dim; k++) {
      max = Math.max(max, Math.abs((double) x[k] - y[k] + eps));
    }
    if (max == 0) {
      return 0;
    }
    double s = 0;
    for (int k = o; k < o + dim; k++) {
      s += Math.pow(Math.abs((double) x[k] - y[k] + eps) / max, p);
    }
    return max * Math.pow(s, 1 / p);
  }

  /** d|v|_p / dv_k for one component {@code v} of a vector of norm {@code norm}. */
  private double derivative(double v, double norm) {
    if (norm == 0) {
      return 0;
    }
    if (p == 2) {
      return v / norm;
    }
    if (p == 1) {
      return Math.signum(v);
    }
    return Math.signum(v) * Math.pow(Math.abs(v) / norm, p - 1);
  }
}

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
import dev.losskit.internal.Numerics;
import dev.losskit.internal.Samples;
import java.util.Arrays;

/**
 * Batch-hard triplet loss: for every anchor of a labelled batch, the triplet of its farthest
 * positive and its nearest negative; the standard loss of person re-identification and other
 * identity embeddings trained on P identities times K samples.
 *
 * <pre>{@code
 * d_ij = |e_i - e_j|                                       (Euclidean)
 * dp_i = max_{j != i, y_j = y_i} d_ij,  dn_i = min_{y_j != y_i} d_ij
 * l_i  = max(0, margin + dp_i - dn_i)        (soft: log(1 + exp(dp_i - dn_i)), no margin)
 * dl_i/de_i = w (e_i - e_p)/dp_i - w (e_i - e_n)/dn_i,  dl_i/de_p = -w (e_i - e_p)/dp_i,
 * dl_i/de_n = w (e_i - e_n)/dn_i,   w = [margin + dp_i - dn_i >= 0] (soft: sigmoid(dp_i - dn_i))
 * }</pre>
 *
 * <p>Inputs: {@code embeddings} {@code (N, D)}, finite, and {@code label} {@code (N)}, integral
 * identity labels (any whole numbers; only equality matters). Gradient for {@code embeddings}. The
 * unreduced loss has shape {@code (N)}. An anchor without a positive (the only sample of its label)
 * or without a negative (every sample shares its label) has no triplet: its value is 0, it gets no
 * gradient, and it is left out of the {@code mean}, which divides by the number of anchors that
 * have both. A batch of a single label therefore has loss 0 and zero gradient.
 *
 * <p>Numerics: distances are computed from the differences (no cancellation for nearby points);
 * where a chosen distance is 0 (duplicated embeddings) its gradient is taken as 0. Ties between
 * equally far positives (or equally near negatives) go to the lowest index. The soft variant uses
 * the overflow-free softplus. No N by N matrix is stored: each anchor scans the batch.
 *
 * <p>Equals Hermans et al.'s batch-hard loss ("BH" with a margin, or "soft margin" with {@code
 * soft=true}); there is no PyTorch loss of that name.
 *
 * @see <a href="https://arxiv.org/abs/1703.07737">Hermans, Beyer and Leibe (2017)</a>
 */
public final class BatchHardTripletLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("batch-hard-triplet", Family.METRIC)
          .name("Batch-hard triplet")
          .summary(
              "Triplet loss of each anchor with its hardest positive and hardest negative in the"
                  + " batch, mined by Euclidean distance.")
          .formula(
              "l_i = max(0, margin + max_{y_j = y_i, j != i} d_ij - min_{y_j != y_i} d_ij)"
                  + " (soft: softplus(dp - dn)); anchors without a positive or negative give 0")
          .gradient(
              "w (e_i - e_p)/dp - w (e_i - e_n)/dn for the anchor, -w (e_i - e_p)/dp for the"
                  + " hardest positive, w (e_i - e_n)/dn for the hardest negative; w = 1 where the"
                  + " hinge is active (soft: sigmoid(dp - dn))")
          .input("embeddings", "(N, D)", InputDomain.REAL, true, "embeddings of the batch")
          .input(
              "label",
              "(N)",
              InputDomain.CLASS_INDEX,
              false,
              "identity of each embedding (integers; equal labels are positives)")
          .param(
              ParamSpec.real(
                  "margin",
                  0.3,
                  Range.NONNEGATIVE,
                  "how much nearer the hardest positive must be than the hardest negative"))
          .param(
              ParamSpec.bool(
                  "soft",
                  false,
                  "use the soft margin log(1 + exp(dp - dn)) instead of the hinge (margin unused)"))
          .traits(Trait.NONNEGATIVE)
          .whenToUse(
              "Person and vehicle re-identification, face and other identity embeddings, with"
                  + " batches of P identities times K samples; hardest-example mining makes it"
                  + " sensitive to label noise and outliers, and batches need at least two samples"
                  + " per identity.")
          .aliases("reid")
          .reference(
              "Hermans, Beyer and Leibe (2017), In defense of the triplet loss for person"
                  + " re-identification",
              "https://arxiv.org/abs/1703.07737")
          .sampler(
              (p, r, n) ->
                  new Tensor[] {
                    Embeddings.sample(r, n), Samples.classes(r, Math.max(2, (n + 2) / 3), n)
                  })
          .tasks(Task.TRACKING, Task.REPRESENTATION)
          .build(BatchHardTripletLoss::new);

  private final double margin;
  private final boolean soft;

  private BatchHardTripletLoss(Params p) {
    super(SPEC, p);
    this.margin = p.real("margin");
    this.soft = p.bool("soft");
  }

  @Override
  public int[] check(Tensor[] in) {
    Embeddings.requireMatrix("embeddings", in[0]);
    Embeddings.requirePerRow("label", in[1], in[0].dim(0), "embeddings");
    return new int[] {in[0].dim(0)};
  }

  /** The number of anchors with at least one positive and one negative. */
  @Override
  public double meanDenominator(Tensor[] in, int unreducedSize) {
    float[] sorted = in[1].data().clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    int valid = 0;
    for (int i = 0; i < n; ) {
      int j = i;
      while (j < n && sorted[j] == sorted[i]) {
        j++;
      }
      int count = j - i;
      if (count >= 2 && count < n) {
        valid += count;
      }
      i = j;
    }
    return valid;
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] e = in[0].data();
    float[] y = in[1].data();
    int n = in[0].dim(0);
    int dim = in[0].dim(1);
    float[] g = grads == null ? null : grads[0];
    double[] acc = g == null ? null : new double[n * dim];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      int oi = i * dim;
      int hardPos = -1;
      int hardNeg = -1;
      double dp2 = -1;
      double dn2 = Double.POSITIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        if (j == i) {
          continue;
        }
        double d2 = 0;
        for (int k = 0, oj = j * dim; k < dim; k++) {
          double v = (double) e[oi + k] - e[oj + k];
          d2 += v * v;
        }
        if (y[j] == y[i]) {
          if (d2 > dp2) {
            dp2 = d2;
            hardPos = j;
          }
        } else if (d2 < dn2) {
          dn2 = d2;
          hardNeg = j;
        }
      }
      double l = 0;
      if (hardPos >= 0 && hardNeg >= 0) {
        double dp = Math.sqrt(dp2);
        double dn = Math.sqrt(dn2);
        double w;
        if (soft) {
          l = Numerics.softplus(dp - dn);
          w = Numerics.sigmoid(dp - dn);
        } else {
          double z = margin + dp - dn;
          l = Math.max(z, 0);
          w = z >= 0 ? 1 : 0;
        }
        if (acc != null && w != 0) {
          w *= scale;
          int op = hardPos * dim;
          int on = hardNeg * dim;
          double cp = dp > 0 ? w / dp : 0;
          double cn = dn > 0 ? w / dn : 0;
          for (int k = 0; k < dim; k++) {
            double vp = cp * ((double) e[oi + k] - e[op + k]);
            double vn = cn * ((double) e[oi + k] - e[on + k]);
            acc[oi + k] += vp - vn;
            acc[op + k] -= vp;
            acc[on + k] += vn;
          }
        }
      }
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
    }
    if (g != null) {
      for (int k = 0; k < g.length; k++) {
        g[k] = (float) acc[k];
      }
    }
    return sum;
  }
}

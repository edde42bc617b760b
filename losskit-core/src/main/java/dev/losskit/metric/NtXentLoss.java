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
 * NT-Xent, the normalized temperature-scaled cross-entropy of SimCLR: each of the 2N views must
 * pick out its partner view among the other 2N - 1; the standard loss of contrastive
 * self-supervised learning from two augmentations of each example.
 *
 * <pre>{@code
 * z    = (a_0 .. a_{N-1}, b_0 .. b_{N-1})                     (2N views)
 * s_kj = <z_k, z_j> / (max(|z_k|, eps) max(|z_j|, eps)),  eps = 1e-12
 * l_k  = log sum_{j != k} exp(s_kj / tau) - s_{k, k+N mod 2N} / tau     (one value per view)
 * dl_k/ds_kj = (softmax_{j != k}(s_k. / tau) - [j = k+N mod 2N]) / tau,  j != k
 * dL/dz_k    = (u_k - zh_k <zh_k, u_k>) / |z_k|     (u_k / eps where |z_k| < eps),
 *              u_k = sum_j (dL/ds_kj + dL/ds_jk) z_j / max(|z_j|, eps)
 * }</pre>
 *
 * <p>Inputs: {@code a} and {@code b}, embeddings {@code (N, D)} of equal shape, finite; rows {@code
 * a_i} and {@code b_i} are the two views of example {@code i}. Gradients for both. The unreduced
 * loss has shape {@code (2N)}: the N rows of {@code a}, then the N rows of {@code b}; {@code mean}
 * divides by 2N, as SimCLR averages over all 2N views.
 *
 * <p>Numerics: self-similarities are left out of every softmax; log-sum-exp is shifted by the row
 * maximum; rows are normalized as {@code torch.nn.functional.normalize(x, dim=1)}, so zero-norm
 * rows give finite values and gradients. The 2N by 2N similarity matrix (float, computed block by
 * block in double, the a-a and b-b blocks by symmetry) is the one quadratic scratch array of a
 * call, next to double copies of the normalized rows; with gradients it is overwritten by the
 * coefficients {@code dL/ds + (dL/ds)^T}.
 *
 * <p>Equals, with {@code z = torch.cat([a, b])} and {@code s = F.normalize(z) @ F.normalize(z).T},
 * {@code F.cross_entropy((s / tau).fill_diagonal_(-inf), (arange(2N) + N) % 2N)}.
 *
 * @see <a href="https://arxiv.org/abs/2002.05709">Chen, Kornblith, Norouzi and Hinton (2020)</a>
 */
public final class NtXentLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("nt-xent", Family.METRIC)
          .name("NT-Xent (SimCLR)")
          .summary(
              "Normalized temperature-scaled cross-entropy: each of the 2N views of a batch must"
                  + " pick out its partner among the other 2N - 1 by cosine similarity.")
          .formula(
              "l_k = log sum_{j != k} exp(cos(z_k, z_j) / tau) - cos(z_k, z_{k+N mod 2N}) / tau,"
                  + " z = (a; b), k = 0 .. 2N-1")
          .gradient(
              "dl_k/dcos(z_k, z_j) = (softmax_{j != k} - [j = partner of k]) / tau; each pair"
                  + " collects the coefficients of both its rows and is carried through the"
                  + " normalization: (u - zh <zh, u>) / |z|")
          .input("a", "(N, D)", InputDomain.REAL, true, "embeddings of the first views")
          .input(
              "b",
              "(N, D), as a",
              InputDomain.REAL,
              true,
              "embeddings of the second views; row i is the partner of row i of a")
          .param(
              ParamSpec.real(
                  "temperature",
                  0.5,
                  Range.POSITIVE,
                  "divides the cosine similarities; smaller values weight hard negatives more"))
          .traits(Trait.NONNEGATIVE, Trait.BOUNDED)
          .equivalent(
              "F.cross_entropy((s / temperature).fill_diagonal_(-inf), (arange(2N) + N) % 2N),"
                  + " s = F.normalize(z) @ F.normalize(z).T, z = torch.cat([a, b])",
              "")
          .whenToUse(
              "Contrastive self-supervised pre-training from two augmentations of each example"
                  + " (SimCLR); it draws negatives from the batch only, so it wants large batches,"
                  + " and near-duplicate examples in a batch act as false negatives.")
          .reference(
              "Chen, Kornblith, Norouzi and Hinton (2020), A simple framework for contrastive"
                  + " learning of visual representations",
              "https://arxiv.org/abs/2002.05709")
          .sampler((p, r, n) -> new Tensor[] {Embeddings.sample(r, n), Embeddings.sample(r, n)})
          .tasks(Task.REPRESENTATION)
          .build(NtXentLoss::new);

  private final double temperature;

  private NtXentLoss(Params p) {
    super(SPEC, p);
    this.temperature = p.real("temperature");
  }

  @Override
  public int[] check(Tensor[] in) {
    Embeddings.requireMatrix("a", in[0]);
    Embeddings.requireSame("b", in[1], "a", in[0]);
    return new int[] {2 * in[0].dim(0)};
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] a = in[0].data();
    float[] b = in[1].data();
    int n = in[0].dim(0);
    int dim = in[0].dim(1);
    int m = 2 * n;
    float[] ga = grads == null ? null : grads[0];
    float[] gb = grads == null ? null : grads[1];
    boolean withGrad = ga != null || gb != null;
    double[] na = new double[n];
    double[] ah = CosineMatrix.normalize(a, n, dim, na);
    double[] nb = new double[n];
    double[] bh = CosineMatrix.normalize(b, n, dim, nb);
    float[] s = new float[m * m];
    CosineMatrix.selfSimilarities(ah, n, dim, s, m, 0);
    CosineMatrix.selfSimilarities(bh, n, dim, s, m, n);
    CosineMatrix.similarities(ah, n, bh, n, dim, s, m, 0, n);
    CosineMatrix.mirror(s, m, 0, n, n);
    double inv = 1 / temperature;
    double sum = 0;
    for (int k = 0; k < m; k++) {
      int row = k * m;
      int pos = k < n ? k + n : k - n;
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < m; j++) {
        if (j != k) {
          max = Math.max(max, s[row + j] * inv);
        }
      }
      double e = 0;
      for (int j = 0; j < m; j++) {
        if (j != k) {
          e += Math.exp(s[row + j] * inv - max);
        }
      }
      double lse = max + Math.log(e);
      double l = lse - s[row + pos] * inv;
      sum += l;
      if (values != null) {
        values[k] = (float) l;
      }
      if (withGrad) {
        double c = scale * inv;
        for (int j = 0; j < m; j++) {
          double q = j == k ? 0 : Math.exp(s[row + j] * inv - lse);
          s[row + j] = (float) (c * (j == pos ? q - 1 : q));
        }
      }
    }
    if (withGrad) {
      CosineMatrix.symmetrize(s, m);
      if (ga != null) {
        CosineMatrix.backward(s, m, 0, ah, na, n, dim, ah, n, 0, bh, n, n, ga);
      }
      if (gb != null) {
        CosineMatrix.backward(s, m, n, bh, nb, n, dim, ah, n, 0, bh, n, n, gb);
      }
    }
    return sum;
  }
}

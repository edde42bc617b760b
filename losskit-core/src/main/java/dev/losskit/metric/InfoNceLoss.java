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
import dev.losskit.internal.BulkExp;

/**
 * InfoNCE: for each row of view {@code a}, the cross-entropy of picking its own row of view {@code
 * b} among all rows of {@code b} by cosine similarity; the basic loss for learning representations
 * from paired views, with the other rows of the batch as negatives.
 *
 * <pre>{@code
 * s_ij = <a_i, b_j> / (max(|a_i|, eps) max(|b_j|, eps)),  eps = 1e-12
 * l_i  = log sum_j exp(s_ij / tau) - s_ii / tau                      (one value per row)
 * dl/ds_ij = (softmax_j(s_i. / tau) - [i = j]) / tau
 * dL/da_i  = (u_i - ah_i <ah_i, u_i>) / |a_i|,  u_i = sum_j dL/ds_ij b_j / max(|b_j|, eps),
 *            ah_i = a_i / |a_i|   (u_i / eps where |a_i| < eps); dL/db_j likewise over i
 * }</pre>
 *
 * <p>Inputs: {@code a} and {@code b}, embeddings {@code (N, D)} of equal shape, finite; row {@code
 * i} of {@code a} and row {@code i} of {@code b} form the positive pair. Gradients for both. The
 * unreduced loss has shape {@code (N)}; {@code mean} divides by N.
 *
 * <p>Numerics: the log-sum-exp is shifted by the row maximum; each row is normalized as {@code
 * torch.nn.functional.normalize(x, dim=1)} does, so that zero-norm rows give finite values and
 * gradients. The N by N similarity matrix is one float matrix product of the normalized rows
 * ({@link FloatGemm}, vectorized and cache-blocked): the quadratic scratch array of a call; it is
 * overwritten with the gradient coefficients, and the two backward passes are matrix products with
 * it and its transpose.
 *
 * <p>Equals {@code F.cross_entropy(F.normalize(a) @ F.normalize(b).T / tau, arange(N))}; there is
 * no PyTorch loss of that name.
 *
 * @see <a href="https://arxiv.org/abs/1807.03748">van den Oord, Li and Vinyals (2018)</a>
 */
public final class InfoNceLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("info-nce", Family.METRIC)
          .name("InfoNCE")
          .summary(
              "Cross-entropy of matching each row of one view to its own row of the other view by"
                  + " cosine similarity, the rest of the batch serving as negatives.")
          .formula(
              "l_i = log sum_j exp(cos(a_i, b_j) / tau) - cos(a_i, b_i) / tau;"
                  + " cos(x, y) = <x, y> / (max(|x|, 1e-12) max(|y|, 1e-12))")
          .gradient(
              "dl/dcos(a_i, b_j) = (softmax_j(cos(a_i, b.) / tau) - [i = j]) / tau, carried to a_i"
                  + " and b_j through the normalization: (u - ah <ah, u>) / |a| for u = dL/dah")
          .input("a", "(N, D)", InputDomain.REAL, true, "embeddings of the first view")
          .input(
              "b",
              "(N, D), as a",
              InputDomain.REAL,
              true,
              "embeddings of the second view; row i pairs with row i of a")
          .param(
              ParamSpec.real(
                  "temperature",
                  0.1,
                  Range.POSITIVE,
                  "divides the cosine similarities; smaller values sharpen the softmax"))
          .traits(Trait.NONNEGATIVE, Trait.BOUNDED)
          .equivalent(
              "torch.nn.functional.cross_entropy(F.normalize(a) @ F.normalize(b).T / temperature,"
                  + " torch.arange(N))",
              "")
          .whenToUse(
              "Self-supervised or paired-view representation learning with in-batch negatives (CPC,"
                  + " MoCo-style objectives); it needs large batches for enough negatives, and"
                  + " duplicated rows in a batch count as false negatives.")
          .reference(
              "van den Oord, Li and Vinyals (2018), Representation learning with contrastive"
                  + " predictive coding",
              "https://arxiv.org/abs/1807.03748")
          .sampler((p, r, n) -> new Tensor[] {Embeddings.sample(r, n), Embeddings.sample(r, n)})
          .tasks(Task.ACTION_RECOGNITION, Task.REPRESENTATION)
          .build(InfoNceLoss::new);

  private final double temperature;

  private InfoNceLoss(Params p) {
    super(SPEC, p);
    this.temperature = p.real("temperature");
  }

  @Override
  public int[] check(Tensor[] in) {
    Embeddings.requireMatrix("a", in[0]);
    Embeddings.requireSame("b", in[1], "a", in[0]);
    return new int[] {in[0].dim(0)};
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] a = in[0].data();
    float[] b = in[1].data();
    int n = in[0].dim(0);
    int dim = in[0].dim(1);
    float[] ga = grads == null ? null : grads[0];
    float[] gb = grads == null ? null : grads[1];
    double[] na = new double[n];
    float[] ah = normalized(a, n, dim, na);
    double[] nb = new double[n];
    float[] bh = normalized(b, n, dim, nb);
    // The similarity matrix is one float matrix product; it is then overwritten in place with the
    // coefficients dL/ds, and the two backward products read it (and its transpose).
    float[] s = new float[n * n];
    float[] bt = new float[n * dim]; // b^T for the forward product, then reused below
    FloatGemm.multiplyTransposed(ah, n, bh, n, dim, bt, s);
    double inv = 1 / temperature;
    double c = scale * inv;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      int row = i * n;
      float max = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        max = Math.max(max, s[row + j]);
      }
      float sii = s[row + i];
      float finv = (float) inv;
      for (int j = 0; j < n; j++) {
        s[row + j] = (s[row + j] - max) * finv;
      }
      BulkExp.expInPlace(s, row, row + n); // kept for the gradient
      double e = 0;
      for (int j = 0; j < n; j++) {
        e += s[row + j];
      }
      double l = Math.log(e) - (sii - max) * inv;
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (ga != null || gb != null) {
        double k = c / e;
        for (int j = 0; j < n; j++) {
          s[row + j] = (float) (k * s[row + j]);
        }
        s[row + i] -= (float) c;
      }
    }
    float[] u = bt;
    if (ga != null) {
      FloatGemm.kernel().multiply(s, n, n, bh, dim, u);
      project(u, ah, na, n, dim, ga);
    }
    if (gb != null) {
      CosineMatrix.transpose(s, n);
      FloatGemm.kernel().multiply(s, n, n, ah, dim, u);
      project(u, bh, nb, n, dim, gb);
    }
    return sum;
  }

  /**
   * The rows of {@code x} divided by {@code max(|x_i|, EPS)} as floats (norms accumulated in
   * double, unclamped norms into {@code norms}).
   */
  private static float[] normalized(float[] x, int rows, int dim, double[] norms) {
    float[] out = new float[rows * dim];
    for (int i = 0; i < rows; i++) {
      int o = i * dim;
      double q = 0;
      for (int k = o; k < o + dim; k++) {
        q += (double) x[k] * x[k];
      }
      double nrm = Math.sqrt(q);
      norms[i] = nrm;
      double inv = 1 / Math.max(nrm, CosineMatrix.EPS);
      for (int k = o; k < o + dim; k++) {
        out[k] = (float) (x[k] * inv);
      }
    }
    return out;
  }

  /**
   * Carries {@code u_i = dL/dxh_i} through the normalization: {@code (u_i - xh_i <xh_i, u_i>) /
   * |x_i|}, or {@code u_i / EPS} where the clamp is active.
   */
  private static void project(float[] u, float[] xh, double[] nx, int rows, int dim, float[] g) {
    for (int i = 0; i < rows; i++) {
      int o = i * dim;
      double nrm = nx[i];
      if (nrm >= CosineMatrix.EPS) {
        double proj = 0;
        for (int d = o; d < o + dim; d++) {
          proj += (double) xh[d] * u[d];
        }
        for (int d = o; d < o + dim; d++) {
          g[d] = (float) ((u[d] - xh[d] * proj) / nrm);
        }
      } else {
        for (int d = o; d < o + dim; d++) {
          g[d] = (float) (u[d] / CosineMatrix.EPS);
        }
      }
    }
  }
}

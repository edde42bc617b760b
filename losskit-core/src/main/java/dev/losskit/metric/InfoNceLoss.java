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
 * gradients. The N by N similarity matrix (float, computed block by block in double) is the one
 * quadratic scratch array of a call, next to double copies of the normalized rows; it is
 * overwritten with the gradient coefficients when gradients are asked for.
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
    boolean withGrad = ga != null || gb != null;
    double[] na = new double[n];
    double[] ah = CosineMatrix.normalize(a, n, dim, na);
    double[] nb = new double[n];
    double[] bh = CosineMatrix.normalize(b, n, dim, nb);
    float[] s = new float[n * n];
    CosineMatrix.similarities(ah, n, bh, n, dim, s, n, 0, 0);
    double inv = 1 / temperature;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      int row = i * n;
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        max = Math.max(max, s[row + j] * inv);
      }
      double e = 0;
      for (int j = 0; j < n; j++) {
        e += Math.exp(s[row + j] * inv - max);
      }
      double lse = max + Math.log(e);
      double l = lse - s[row + i] * inv;
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (withGrad) {
        double c = scale * inv;
        for (int j = 0; j < n; j++) {
          double q = Math.exp(s[row + j] * inv - lse);
          s[row + j] = (float) (c * (j == i ? q - 1 : q));
        }
      }
    }
    if (ga != null) {
      CosineMatrix.backward(s, n, 0, ah, na, n, dim, bh, n, 0, null, 0, 0, ga);
    }
    if (gb != null) {
      CosineMatrix.transpose(s, n);
      CosineMatrix.backward(s, n, 0, bh, nb, n, dim, ah, n, 0, null, 0, 0, gb);
    }
    return sum;
  }
}

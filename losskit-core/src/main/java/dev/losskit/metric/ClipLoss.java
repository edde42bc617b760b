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
 * CLIP's symmetric contrastive loss: the mean of the cross-entropy of matching each image to its
 * text and each text to its image by cosine similarity; for aligning two modalities from paired
 * examples.
 *
 * <pre>{@code
 * s_ij  = <x_i, y_j> / (max(|x_i|, eps) max(|y_j|, eps)),  eps = 1e-12,  x = image, y = text
 * row_i = log sum_j exp(s_ij / tau) - s_ii / tau       (image i against every text)
 * col_i = log sum_j exp(s_ji / tau) - s_ii / tau       (text i against every image)
 * l_i   = (row_i + col_i) / 2                            (one value per pair)
 * dL/ds_ij = (softmax_j(s_i. / tau) + softmax_i(s_.j / tau) - 2 [i = j]) / (2 tau)
 * dL/dx_i  = (u_i - xh_i <xh_i, u_i>) / |x_i|,  u_i = sum_j dL/ds_ij y_j / max(|y_j|, eps)
 *            (u_i / eps where |x_i| < eps); dL/dy_j likewise over i
 * }</pre>
 *
 * <p>Inputs: {@code image} and {@code text}, embeddings {@code (N, D)} of equal shape, finite; row
 * {@code i} of each forms a matching pair. Gradients for both. The unreduced loss has shape {@code
 * (N)}; {@code mean} divides by N and so equals (CE over rows + CE over columns) / 2.
 *
 * <p>Numerics: log-sum-exp is shifted by the row (column) maximum; rows are normalized as {@code
 * torch.nn.functional.normalize(x, dim=1)}, so zero-norm rows give finite values and gradients. The
 * temperature is a fixed parameter here (CLIP learns it as {@code logit_scale = 1 / tau}). The N by
 * N similarity matrix (float, computed block by block in double) is the one quadratic scratch array
 * of a call, next to double copies of the normalized rows.
 *
 * <p>Equals {@code (F.cross_entropy(s / tau, arange(N)) + F.cross_entropy(s.T / tau, arange(N))) /
 * 2} with {@code s = F.normalize(image) @ F.normalize(text).T}.
 *
 * @see <a href="https://arxiv.org/abs/2103.00020">Radford et al. (2021)</a>
 */
public final class ClipLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("clip", Family.METRIC)
          .name("CLIP contrastive")
          .summary(
              "Symmetric cross-entropy over the cosine-similarity matrix of paired image and text"
                  + " embeddings: each image must find its text and each text its image.")
          .formula(
              "l_i = (CE_j(cos(image_i, text_j) / tau, i) + CE_j(cos(image_j, text_i) / tau, i)) / 2")
          .gradient(
              "dL/dcos_ij = (softmax over row i + softmax over column j - 2 [i = j]) / (2 tau),"
                  + " carried to image_i and text_j through the normalization: (u - xh <xh, u>) / |x|")
          .input("image", "(N, D)", InputDomain.REAL, true, "image (or first-modality) embeddings")
          .input(
              "text",
              "(N, D), as image",
              InputDomain.REAL,
              true,
              "text (or second-modality) embeddings; row i pairs with image row i")
          .param(
              ParamSpec.real(
                  "temperature",
                  0.07,
                  Range.POSITIVE,
                  "divides the cosine similarities (CLIP's initial 1 / logit_scale)"))
          .traits(Trait.NONNEGATIVE, Trait.BOUNDED)
          .equivalent(
              "(F.cross_entropy(s / temperature, arange(N)) + F.cross_entropy(s.T / temperature,"
                  + " arange(N))) / 2, s = F.normalize(image) @ F.normalize(text).T",
              "")
          .whenToUse(
              "Aligning two modalities from paired data (image-text, audio-image): both directions"
                  + " of retrieval are trained at once; like every in-batch contrastive loss it needs"
                  + " large batches and treats other pairs, even near-duplicates, as negatives.")
          .aliases("audio-visual-consistency")
          .reference(
              "Radford et al. (2021), Learning transferable visual models from natural language"
                  + " supervision",
              "https://arxiv.org/abs/2103.00020")
          .sampler((p, r, n) -> new Tensor[] {Embeddings.sample(r, n), Embeddings.sample(r, n)})
          .tasks(Task.TEXT_TO_IMAGE, Task.AUDIO_TO_IMAGE, Task.REPRESENTATION)
          .build(ClipLoss::new);

  private final double temperature;

  private ClipLoss(Params p) {
    super(SPEC, p);
    this.temperature = p.real("temperature");
  }

  @Override
  public int[] check(Tensor[] in) {
    Embeddings.requireMatrix("image", in[0]);
    Embeddings.requireSame("text", in[1], "image", in[0]);
    return new int[] {in[0].dim(0)};
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] x = in[0].data();
    float[] y = in[1].data();
    int n = in[0].dim(0);
    int dim = in[0].dim(1);
    float[] gx = grads == null ? null : grads[0];
    float[] gy = grads == null ? null : grads[1];
    double[] nx = new double[n];
    double[] xh = CosineMatrix.normalize(x, n, dim, nx);
    double[] ny = new double[n];
    double[] yh = CosineMatrix.normalize(y, n, dim, ny);
    float[] s = new float[n * n];
    CosineMatrix.similarities(xh, n, yh, n, dim, s, n, 0, 0);
    double inv = 1 / temperature;
    // Row and column log-sum-exps, both in row-major passes over the matrix.
    double[] rowLse = new double[n];
    double[] colLse = new double[n];
    java.util.Arrays.fill(colLse, Double.NEGATIVE_INFINITY);
    for (int i = 0; i < n; i++) {
      int row = i * n;
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        double z = s[row + j] * inv;
        max = Math.max(max, z);
        colLse[j] = Math.max(colLse[j], z);
      }
      rowLse[i] = max;
    }
    double[] colSum = new double[n];
    for (int i = 0; i < n; i++) {
      int row = i * n;
      double e = 0;
      for (int j = 0; j < n; j++) {
        double z = s[row + j] * inv;
        e += Math.exp(z - rowLse[i]);
        colSum[j] += Math.exp(z - colLse[j]);
      }
      rowLse[i] += Math.log(e);
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      colLse[i] += Math.log(colSum[i]);
      double l = 0.5 * (rowLse[i] + colLse[i]) - s[i * n + i] * inv;
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
    }
    if (gx != null || gy != null) {
      double c = 0.5 * scale * inv;
      for (int i = 0; i < n; i++) {
        int row = i * n;
        for (int j = 0; j < n; j++) {
          double z = s[row + j] * inv;
          double q = Math.exp(z - rowLse[i]) + Math.exp(z - colLse[j]);
          s[row + j] = (float) (c * (j == i ? q - 2 : q));
        }
      }
      if (gx != null) {
        CosineMatrix.backward(s, n, 0, xh, nx, n, dim, yh, n, 0, null, 0, 0, gx);
      }
      if (gy != null) {
        CosineMatrix.transpose(s, n);
        CosineMatrix.backward(s, n, 0, yh, ny, n, dim, xh, n, 0, null, 0, 0, gy);
      }
    }
    return sum;
  }
}

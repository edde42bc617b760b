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
 * Bidirectional hinge ranking loss of visual-semantic embeddings: every matching image-text pair
 * must be more similar, by a margin, than each mismatched pair that shares its image or its text;
 * for image-text retrieval and matching-aware training.
 *
 * <pre>{@code
 * s_ij = <x_i, y_j> / (max(|x_i|, eps) max(|y_j|, eps)),  eps = 1e-12,  x = image, y = text
 * l_i  = sum_{j != i} max(0, m + s_ij - s_ii)      (image i, negative text j)
 *      + sum_{j != i} max(0, m + s_ji - s_ii)      (text i, negative image j)
 * mean = sum_i l_i / (B (B - 1))
 * dL/ds_ij = [m + s_ij - s_ii >= 0] + [m + s_ij - s_jj >= 0]   (i != j)
 * dL/ds_ii = -(number of active hinges in l_i)
 * dL/dx_i  = (u_i - xh_i <xh_i, u_i>) / |x_i|,  u_i = sum_j dL/ds_ij y_j / max(|y_j|, eps)
 *            (u_i / eps where |x_i| < eps); dL/dy_j likewise over i
 * }</pre>
 *
 * <p>Inputs: {@code image} and {@code text}, embeddings {@code (B, D)} of equal shape, finite; row
 * {@code i} of each forms a matching pair. Gradients for both. The unreduced loss has shape {@code
 * (B)}: value {@code i} collects the 2 (B - 1) hinges anchored at pair {@code i} (its row and its
 * column of the similarity matrix); {@code mean} divides their sum by the number of off-diagonal
 * entries, B (B - 1), so that it equals the mean over all hinges of both directions summed. A batch
 * of one has no negatives: its loss is 0.
 *
 * <p>Numerics: at a hinge's kink ({@code m + s_ij - s_ii = 0}) the gradient is that of the active
 * side, as {@code torch.clamp(min=0)} gives it. Rows are normalized as {@code
 * torch.nn.functional.normalize(x, dim=1)}, so zero-norm rows give finite values and gradients. The
 * B by B similarity matrix (float, computed block by block in double) is the one quadratic scratch
 * array of a call, next to double copies of the normalized rows.
 *
 * <p>Equals the review's code (the VSE sum-of-hinges loss): with {@code s = F.normalize(image) @
 * F.normalize(text).T} and {@code d = s.diag()}, {@code ((m + s - d[:, None]).clamp(min=0) + (m + s
 * - d[None, :]).clamp(min=0))} with the diagonal masked, summed and divided by B (B - 1).
 *
 * @see <a href="https://arxiv.org/abs/1411.2539">Kiros, Salakhutdinov and Zemel (2014)</a>
 */
public final class TextImageMatchingLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("text-image-matching", Family.METRIC)
          .name("Text-image matching (bidirectional hinge)")
          .summary(
              "Bidirectional hinge over every off-diagonal negative of the image-text cosine"
                  + " matrix: each matching pair must beat each mismatched pair by a margin.")
          .formula(
              "l_i = sum_{j != i} max(0, m + s_ij - s_ii) + max(0, m + s_ji - s_ii),"
                  + " s_ij = cos(image_i, text_j); mean = sum_i l_i / (B (B - 1))")
          .gradient(
              "dL/ds_ij = [m + s_ij - s_ii >= 0] + [m + s_ij - s_jj >= 0] for i != j,"
                  + " dL/ds_ii = -(active hinges of pair i); carried through the normalization")
          .input("image", "(B, D)", InputDomain.REAL, true, "image embeddings")
          .input(
              "text",
              "(B, D), as image",
              InputDomain.REAL,
              true,
              "text embeddings; row i matches image row i")
          .param(
              ParamSpec.real(
                  "margin",
                  0.2,
                  Range.NONNEGATIVE,
                  "how much more similar a matching pair must be than a mismatched one"))
          .traits(Trait.NONNEGATIVE, Trait.BOUNDED)
          .equivalent(
              "((margin + s - s.diag()[:, None]).clamp(min=0) + (margin + s - s.diag()[None,"
                  + " :]).clamp(min=0)) off the diagonal, summed / (B (B - 1)),"
                  + " s = F.normalize(image) @ F.normalize(text).T",
              "")
          .whenToUse(
              "Image-text retrieval and matching-aware training (e.g. of text-to-image"
                  + " discriminators) with in-batch negatives; summing over all negatives is stable"
                  + " but weak once most hinges are satisfied, where hardest-negative variants"
                  + " (VSE++) train faster.")
          .aliases("matching-aware")
          .reference(
              "Kiros, Salakhutdinov and Zemel (2014), Unifying visual-semantic embeddings with"
                  + " multimodal neural language models",
              "https://arxiv.org/abs/1411.2539")
          .reference(
              "Faghri, Fleet, Kiros and Fidler (2018), VSE++: improving visual-semantic embeddings"
                  + " with hard negatives",
              "https://arxiv.org/abs/1707.05612")
          .sampler((p, r, n) -> new Tensor[] {Embeddings.sample(r, n), Embeddings.sample(r, n)})
          .tasks(Task.TEXT_TO_IMAGE, Task.REPRESENTATION)
          .build(TextImageMatchingLoss::new);

  private final double margin;

  private TextImageMatchingLoss(Params p) {
    super(SPEC, p);
    this.margin = p.real("margin");
  }

  @Override
  public int[] check(Tensor[] in) {
    Embeddings.requireMatrix("image", in[0]);
    Embeddings.requireSame("text", in[1], "image", in[0]);
    return new int[] {in[0].dim(0)};
  }

  /** B (B - 1): the number of off-diagonal entries, i.e. of hinges in each direction. */
  @Override
  public double meanDenominator(Tensor[] in, int unreducedSize) {
    return (double) unreducedSize * (unreducedSize - 1);
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] x = in[0].data();
    float[] y = in[1].data();
    int n = in[0].dim(0);
    int dim = in[0].dim(1);
    float[] gx = grads == null ? null : grads[0];
    float[] gy = grads == null ? null : grads[1];
    boolean withGrad = gx != null || gy != null;
    double[] nx = new double[n];
    double[] xh = CosineMatrix.normalize(x, n, dim, nx);
    double[] ny = new double[n];
    double[] yh = CosineMatrix.normalize(y, n, dim, ny);
    float[] s = new float[n * n];
    CosineMatrix.similarities(xh, n, yh, n, dim, s, n, 0, 0);
    double[] diag = new double[n];
    for (int i = 0; i < n; i++) {
      diag[i] = s[i * n + i];
    }
    // l[i]: the hinges anchored at pair i; active[i]: how many of them pass gradient.
    double[] l = new double[n];
    double[] active = withGrad ? new double[n] : null;
    for (int i = 0; i < n; i++) {
      int row = i * n;
      for (int j = 0; j < n; j++) {
        if (j == i) {
          continue;
        }
        double sij = s[row + j];
        double h1 = margin + sij - diag[i];
        double h2 = margin + sij - diag[j];
        if (h1 > 0) {
          l[i] += h1;
        }
        if (h2 > 0) {
          l[j] += h2;
        }
        if (withGrad) {
          double c = 0;
          if (h1 >= 0) {
            c += scale;
            active[i]++;
          }
          if (h2 >= 0) {
            c += scale;
            active[j]++;
          }
          s[row + j] = (float) c;
        }
      }
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += l[i];
      if (values != null) {
        values[i] = (float) l[i];
      }
      if (withGrad) {
        s[i * n + i] = (float) (-scale * active[i]);
      }
    }
    if (gx != null) {
      CosineMatrix.backward(s, n, 0, xh, nx, n, dim, yh, n, 0, null, 0, 0, gx);
    }
    if (gy != null) {
      CosineMatrix.transpose(s, n);
      CosineMatrix.backward(s, n, 0, yh, ny, n, dim, xh, n, 0, null, 0, 0, gy);
    }
    return sum;
  }
}

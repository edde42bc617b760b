package dev.losskit.image;

import dev.losskit.Family;
import dev.losskit.Loss;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.Task;
import dev.losskit.Trait;
import java.util.Map;

/**
 * Contextual loss: how well each feature of the target finds a distinctly similar feature in the
 * prediction, wherever it is, for image transformation with non-aligned data (style transfer,
 * domain transfer, super-resolution without pixel alignment).
 *
 * <pre>{@code
 * x_i = phi(pred) at position i, y_j = phi(target) at position j (C-vectors), mu = mean_j y_j
 * d_ij  = 1 - cos(x_i - mu, y_j - mu)                       cosine distance
 * d~_ij = d_ij / (min_k d_ik + eps)                         relative distance
 * CX_ij = exp((1 - d~_ij) / h) / sum_k exp((1 - d~_ik) / h) normalised over the target positions
 * CX    = mean_j max_i CX_ij,   l_layer = -log CX
 * l (per image) = sum over the chosen layers of w_l l_layer
 * }</pre>
 *
 * <p>The gradient is the exact derivative of this composition: through the softmax, the relative
 * distances (the minimum and the maximum route it to their arg-min and arg-max, as in PyTorch), the
 * cosine and the centring (mu is the target's and takes no gradient), then the extractor.
 *
 * <p>Inputs: {@code pred} and {@code target}, finite images {@code (N, C, H, W)} of one shape; only
 * pred is differentiable. The unreduced loss has one value per image; the mean is over images. With
 * {@code features=precomputed}, pred and target are the feature maps of one layer. Other networks
 * plug in through {@link #with(FeatureExtractor, Map)}; the default is {@link BuiltinExtractor}.
 *
 * <p>Numerics: CX_ij is a softmax computed with its row maximum subtracted, so no exponential
 * overflows; CX is at least 1 / (H W) and -log CX is finite. A centred feature vector of norm below
 * 1e-12 is divided by 1e-12 instead of its norm (as {@code torch.nn.functional.normalize} does).
 * The target's mean is taken per image, and CX follows the paper and its authors' code: normalised
 * over the target positions j for each predicted position i, maximum over i, mean over j. Identical
 * images give a value near 0 (exactly 0 only in the limit eps -> 0) when the target's feature
 * vectors are distinct.
 *
 * @see <a href="https://arxiv.org/abs/1803.02077">Mechrez, Talmi, Zelnik-Manor (2018)</a>
 */
public final class ContextLoss extends FeatureLoss {
  public static final LossSpec SPEC =
      start(
              LossSpec.builder("context", Family.IMAGE),
              "predicted images (or their feature maps)",
              "target images (or their feature maps)")
          .param(weightsParam())
          .param(ParamSpec.real("bandwidth", 0.5, Range.POSITIVE, "bandwidth h of the affinities"))
          .param(
              ParamSpec.real(
                  "eps", 1e-5, Range.POSITIVE, "added to the nearest distance of the relative"))
          .name("Contextual")
          .summary(
              "Minus the log of the mean, over target features, of their best normalised affinity"
                  + " to any predicted feature: a similarity of feature sets that needs no"
                  + " alignment.")
          .formula(
              "l = -log mean_j max_i CX_ij, CX_ij = softmax_j((1 - d_ij / (min_k d_ik + eps)) / h),"
                  + " d_ij = 1 - cos(x_i - mu_y, y_j - mu_y)")
          .gradient(
              "exact chain rule through the softmax, the relative distance (min and max route to"
                  + " their arg-min and arg-max), the cosine and the extractor")
          .traits(Trait.NONNEGATIVE)
          .whenToUse(
              "Image transformation trained on non-aligned pairs (style and domain transfer,"
                  + " super-resolution, semantic style transfer), where pixel and perceptual losses"
                  + " need alignment; it costs time and memory quadratic in the number of feature"
                  + " positions.")
          .reference(
              "Mechrez, Talmi, Zelnik-Manor (2018), The contextual loss for image transformation with"
                  + " non-aligned data, ECCV",
              "https://arxiv.org/abs/1803.02077")
          .sampler(FeatureLoss::sample)
          .tasks(Task.IMAGE_TO_IMAGE)
          .build(ContextLoss::new);

  private static final double NORM_FLOOR = 1e-12;

  private final double bandwidth;
  private final double eps;

  private ContextLoss(Params p) {
    this(p, FeatureExtractor.builtin());
  }

  private ContextLoss(Params p, FeatureExtractor e) {
    super(SPEC, p, e, true);
    this.bandwidth = p.real("bandwidth");
    this.eps = p.real("eps");
  }

  /** The loss on the feature maps of another extractor. */
  public static Loss with(FeatureExtractor extractor, Map<String, ?> params) {
    return new ContextLoss(SPEC.params(params), extractor);
  }

  @Override
  double term(double[] a, double[] b, int off, int c, int hw, double[] ga, double coef) {
    int m = hw;
    double[] mu = new double[c];
    for (int ch = 0; ch < c; ch++) {
      double s = 0;
      for (int j = 0; j < m; j++) {
        s += b[off + ch * m + j];
      }
      mu[ch] = s / m;
    }
    double[] xn = new double[c * m];
    double[] yn = new double[c * m];
    double[] norms = new double[m];
    normalise(a, off, mu, c, m, xn, norms);
    normalise(b, off, mu, c, m, yn, null);
    // d[i][j], then the relative distances and the softmax over j, in place.
    double[] d = new double[m * m];
    double[] cx = new double[m * m];
    double[] den = new double[m];
    int[] nearest = new int[m];
    for (int i = 0; i < m; i++) {
      double min = Double.POSITIVE_INFINITY;
      for (int j = 0; j < m; j++) {
        double dot = 0;
        for (int ch = 0; ch < c; ch++) {
          dot += xn[ch * m + i] * yn[ch * m + j];
        }
        double v = 1 - dot;
        d[i * m + j] = v;
        if (v < min) {
          min = v;
          nearest[i] = j;
        }
      }
      double dn = (min + eps) * bandwidth;
      den[i] = dn;
      // Softmax of -d_ij / dn over j; its maximum is at the nearest j.
      double top = -min / dn;
      double z = 0;
      for (int j = 0; j < m; j++) {
        double e = Math.exp(-d[i * m + j] / dn - top);
        cx[i * m + j] = e;
        z += e;
      }
      for (int j = 0; j < m; j++) {
        cx[i * m + j] /= z;
      }
    }
    double total = 0;
    int[] best = new int[m];
    for (int j = 0; j < m; j++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < m; i++) {
        if (cx[i * m + j] > max) {
          max = cx[i * m + j];
          best[j] = i;
        }
      }
      total += max;
    }
    double mean = total / m;
    if (ga != null) {
      double gj = -1 / (mean * m);
      double[] gx = new double[c];
      double[] row = new double[m];
      for (int i = 0; i < m; i++) {
        // dL/dCX_ij = gj where i is the arg-max of column j; through the softmax over j.
        double dot = 0;
        for (int j = 0; j < m; j++) {
          row[j] = best[j] == i ? gj : 0;
          dot += row[j] * cx[i * m + j];
        }
        double dn = den[i];
        double dmin = 0;
        for (int j = 0; j < m; j++) {
          double t = cx[i * m + j] * (row[j] - dot);
          row[j] = -t / dn;
          dmin += t * d[i * m + j] / (dn * (dn / bandwidth));
        }
        row[nearest[i]] += dmin;
        // d = 1 - x^ . y^: dL/dx^_i = -sum_j dL/dd_ij y^_j.
        for (int ch = 0; ch < c; ch++) {
          double s = 0;
          for (int j = 0; j < m; j++) {
            s -= row[j] * yn[ch * m + j];
          }
          gx[ch] = s;
        }
        double n = norms[i];
        if (n > NORM_FLOOR) {
          double proj = 0;
          for (int ch = 0; ch < c; ch++) {
            proj += xn[ch * m + i] * gx[ch];
          }
          for (int ch = 0; ch < c; ch++) {
            ga[off + ch * m + i] += coef * (gx[ch] - xn[ch * m + i] * proj) / n;
          }
        } else {
          for (int ch = 0; ch < c; ch++) {
            ga[off + ch * m + i] += coef * gx[ch] / NORM_FLOOR;
          }
        }
      }
    }
    return -Math.log(mean);
  }

  /** (v - mu) / max(|v - mu|, 1e-12) for each of the m positions. */
  private static void normalise(
      double[] v, int off, double[] mu, int c, int m, double[] out, double[] norms) {
    for (int i = 0; i < m; i++) {
      double s = 0;
      for (int ch = 0; ch < c; ch++) {
        double t = v[off + ch * m + i] - mu[ch];
        out[ch * m + i] = t;
        s += t * t;
      }
      double n = Math.sqrt(s);
      if (norms != null) {
        norms[i] = n;
      }
      double f = 1 / Math.max(n, NORM_FLOOR);
      for (int ch = 0; ch < c; ch++) {
        out[ch * m + i] *= f;
      }
    }
  }
}

package dev.losskit.image;

import dev.losskit.Family;
import dev.losskit.Loss;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Task;
import dev.losskit.Trait;
import java.util.Map;

/**
 * Style loss: the mean squared difference of the Gram matrices (channel correlations) of two
 * images' feature maps, which match texture and style regardless of where things are.
 *
 * <pre>{@code
 * F = phi_l as a (C_l, H_l W_l) matrix,  G = F F^T / (C_l H_l W_l)
 * l (per image) = sum over the chosen layers of w_l mean over the C_l^2 entries of (G(pred) - G(target))^2
 * dl/dF(pred) = w_l 4 (G(pred) - G(target)) F(pred) / (C_l^2 C_l H_l W_l)
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target}, finite images {@code (N, C, H, W)} of one shape; only
 * pred is differentiable. The unreduced loss has one value per image; the mean is over images. With
 * {@code features=precomputed}, pred and target are the feature maps of one layer. Other networks
 * plug in through {@link #with(FeatureExtractor, Map)}; the default is {@link BuiltinExtractor}.
 *
 * @see <a href="https://arxiv.org/abs/1508.06576">Gatys, Ecker, Bethge (2015)</a>
 */
public final class StyleLoss extends FeatureLoss {
  public static final LossSpec SPEC =
      start(
              LossSpec.builder("style", Family.IMAGE),
              "generated images (or their feature maps)",
              "style images (or their feature maps)")
          .param(weightsParam())
          .name("Style (Gram matrix)")
          .summary(
              "Weighted mean squared difference of the Gram matrices of feature maps: texture and"
                  + " style statistics, independent of layout.")
          .formula(
              "l = sum over layers of w_l mean((G_l(pred) - G_l(target))^2), G = F F^T / (C H W)"
                  + " of the (C, H W) feature matrix F")
          .gradient("dl/dF(pred) = 4 w_l (G(pred) - G(target)) F(pred) / (C^2 C H W)")
          .traits(Trait.SMOOTH, Trait.NONNEGATIVE, Trait.ZERO_AT_TARGET)
          .whenToUse(
              "Neural style transfer and texture synthesis, usually beside a perceptual (content)"
                  + " loss; it ignores spatial arrangement, so alone it cannot preserve content, and"
                  + " layers with many positions dominate unless weighted.")
          .reference(
              "Gatys, Ecker, Bethge (2015), A neural algorithm of artistic style",
              "https://arxiv.org/abs/1508.06576")
          .sampler(FeatureLoss::sample)
          .tasks(Task.IMAGE_TO_IMAGE, Task.INPAINTING)
          .build(StyleLoss::new);

  private StyleLoss(Params p) {
    this(p, FeatureExtractor.builtin());
  }

  private StyleLoss(Params p, FeatureExtractor e) {
    super(SPEC, p, e, true);
  }

  /** The loss on the feature maps of another extractor. */
  public static Loss with(FeatureExtractor extractor, Map<String, ?> params) {
    return new StyleLoss(SPEC.params(params), extractor);
  }

  @Override
  double term(double[] a, double[] b, int off, int c, int hw, double[] ga, double coef) {
    double k = (double) c * hw;
    double[] d = new double[c * c];
    for (int p = 0; p < c; p++) {
      for (int q = p; q < c; q++) {
        double ga2 = 0;
        double gb2 = 0;
        int op = off + p * hw;
        int oq = off + q * hw;
        for (int i = 0; i < hw; i++) {
          ga2 += a[op + i] * a[oq + i];
          gb2 += b[op + i] * b[oq + i];
        }
        double v = (ga2 - gb2) / k;
        d[p * c + q] = v;
        d[q * c + p] = v;
      }
    }
    double s = 0;
    for (double v : d) {
      s += v * v;
    }
    if (ga != null) {
      double f = coef * 4 / ((double) c * c * k);
      for (int p = 0; p < c; p++) {
        for (int i = 0; i < hw; i++) {
          double t = 0;
          for (int q = 0; q < c; q++) {
            t += d[p * c + q] * a[off + q * hw + i];
          }
          ga[off + p * hw + i] += f * t;
        }
      }
    }
    return s / ((double) c * c);
  }
}

package dev.losskit.image;

import dev.losskit.Family;
import dev.losskit.Loss;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Task;
import dev.losskit.Trait;
import java.util.Map;

/**
 * Perceptual (feature reconstruction) loss: the mean squared difference of the feature maps of two
 * images, for super-resolution, style transfer and generation where pixel losses give blur.
 *
 * <pre>{@code
 * phi_l = feature maps of layer l (C_l, H_l, W_l) of the extractor
 * l (per image) = sum over the chosen layers of w_l mean((phi_l(pred) - phi_l(target))^2)
 * dl/dphi_l(pred) = 2 w_l (phi_l(pred) - phi_l(target)) / (C_l H_l W_l), then the extractor's
 * vector-Jacobian product gives dl/dpred
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target}, finite images {@code (N, C, H, W)} of one shape (at
 * least 4 x 4 for layer 3 of the built-in extractor); only pred is differentiable. The unreduced
 * loss has one value per image; the mean is over images. With {@code features=precomputed}, pred
 * and target are themselves the feature maps of one layer and the loss is their mean squared
 * difference per image. Other networks plug in through {@link #with(FeatureExtractor, Map)}.
 *
 * <p>The built-in extractor ({@link BuiltinExtractor}) is a fixed three-layer network with
 * closed-form weights, not a trained VGG: it makes the loss usable and testable out of the box, and
 * a trained network can replace it.
 *
 * @see <a href="https://arxiv.org/abs/1603.08155">Johnson, Alahi, Fei-Fei (2016)</a>
 */
public final class PerceptualLoss extends FeatureLoss {
  public static final LossSpec SPEC =
      start(
              LossSpec.builder("perceptual", Family.IMAGE),
              "predicted images (or their feature maps)",
              "reference images (or their feature maps)")
          .param(weightsParam())
          .name("Perceptual (feature reconstruction)")
          .summary(
              "Weighted mean squared difference of the feature maps of pred and target at chosen"
                  + " layers of a feature extractor.")
          .formula("l = sum over layers of w_l mean((phi_l(pred) - phi_l(target))^2)")
          .gradient(
              "dl/dphi_l(pred) = 2 w_l (phi_l(pred) - phi_l(target)) / (C_l H_l W_l), back"
                  + " through the extractor's vector-Jacobian product")
          .traits(Trait.SMOOTH, Trait.NONNEGATIVE, Trait.ZERO_AT_TARGET)
          .aliases("feature-map", "content")
          .whenToUse(
              "Super-resolution, style transfer, image synthesis and restoration, where matching"
                  + " features rather than pixels gives sharper results; its meaning depends"
                  + " entirely on the feature network (a trained VGG in practice; the built-in"
                  + " extractor is a fixed stand-in), and it may leave colour and low-frequency"
                  + " errors to a pixel loss.")
          .reference(
              "Johnson, Alahi, Fei-Fei (2016), Perceptual losses for real-time style transfer and"
                  + " super-resolution, ECCV",
              "https://arxiv.org/abs/1603.08155")
          .sampler(FeatureLoss::sample)
          .tasks(Task.IMAGE_TO_IMAGE, Task.TEXT_TO_IMAGE, Task.INPAINTING, Task.DEHAZING)
          .build(PerceptualLoss::new);

  private PerceptualLoss(Params p) {
    this(p, FeatureExtractor.builtin());
  }

  private PerceptualLoss(Params p, FeatureExtractor e) {
    super(SPEC, p, e, true);
  }

  /** The loss on the feature maps of another extractor (a trained network, through an adapter). */
  public static Loss with(FeatureExtractor extractor, Map<String, ?> params) {
    return new PerceptualLoss(SPEC.params(params), extractor);
  }

  @Override
  double term(double[] a, double[] b, int off, int c, int hw, double[] ga, double coef) {
    int size = c * hw;
    double s = 0;
    for (int i = off; i < off + size; i++) {
      double d = a[i] - b[i];
      s += d * d;
      if (ga != null) {
        ga[i] += coef * 2 * d / size;
      }
    }
    return s / size;
  }
}

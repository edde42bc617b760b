package dev.losskit.image;

import dev.losskit.Family;
import dev.losskit.Loss;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Task;
import dev.losskit.Trait;
import java.util.Map;

/**
 * Feature matching: the mean absolute difference between the features of generated and real images
 * at the layers of a discriminator (or another feature network), averaged over layers; it steadies
 * GAN generators by giving them a target that does not move with every discriminator step.
 *
 * <pre>{@code
 * l (per image) = (1 / L) sum over the L chosen layers of mean |phi_l(real) - phi_l(fake)|
 * dl/dphi_l(fake) = sign(phi_l(fake) - phi_l(real)) / (L C_l H_l W_l)   (0 where they are equal)
 * }</pre>
 *
 * <p>Inputs: {@code pred}, the generated (fake) images, differentiable; {@code target}, the real
 * images, not differentiable; both finite {@code (N, C, H, W)} of one shape. The unreduced loss has
 * one value per image; the mean is over images. With {@code features=precomputed}, pred and target
 * are the feature maps of one layer. A discriminator plugs in through {@link
 * #with(FeatureExtractor, Map)}; the default is {@link BuiltinExtractor}.
 *
 * @see <a href="https://arxiv.org/abs/1606.03498">Salimans et al. (2016)</a>
 */
public final class FeatureMatchingLoss extends FeatureLoss {
  public static final LossSpec SPEC =
      start(
              LossSpec.builder("feature-matching", Family.IMAGE),
              "generated (fake) images, or their feature maps",
              "real images, or their feature maps")
          .name("Feature matching")
          .summary(
              "Mean over layers of the L1 distance between the features of generated and real"
                  + " images.")
          .formula("l = mean over layers of mean |phi_l(real) - phi_l(fake)|, fake = pred")
          .gradient(
              "dl/dphi_l(pred) = sign(phi_l(pred) - phi_l(target)) / (L C_l H_l W_l), back through"
                  + " the extractor")
          .traits(Trait.NONNEGATIVE, Trait.ZERO_AT_TARGET)
          .whenToUse(
              "GAN training (pix2pixHD, Improved GAN) to stabilise the generator by matching the"
                  + " discriminator's intermediate features of real images; it needs the"
                  + " discriminator's features in practice and, alone, does not make samples"
                  + " sharp.")
          .reference(
              "Salimans et al. (2016), Improved techniques for training GANs, NeurIPS",
              "https://arxiv.org/abs/1606.03498")
          .reference(
              "Wang et al. (2018), High-resolution image synthesis and semantic manipulation with"
                  + " conditional GANs (pix2pixHD)",
              "https://arxiv.org/abs/1711.11585")
          .sampler(FeatureLoss::sample)
          .tasks(Task.IMAGE_TO_IMAGE, Task.TEXT_TO_IMAGE, Task.AUDIO_TO_IMAGE)
          .build(FeatureMatchingLoss::new);

  private FeatureMatchingLoss(Params p) {
    this(p, FeatureExtractor.builtin());
  }

  private FeatureMatchingLoss(Params p, FeatureExtractor e) {
    super(SPEC, p, e, false);
  }

  /** The loss on the feature maps of another network (a discriminator). */
  public static Loss with(FeatureExtractor extractor, Map<String, ?> params) {
    return new FeatureMatchingLoss(SPEC.params(params), extractor);
  }

  @Override
  double term(double[] a, double[] b, int off, int c, int hw, double[] ga, double coef) {
    int size = c * hw;
    double s = 0;
    for (int i = off; i < off + size; i++) {
      double d = a[i] - b[i];
      s += Math.abs(d);
      if (ga != null) {
        ga[i] += coef * Math.signum(d) / size;
      }
    }
    return s / size;
  }
}

package dev.losskit.image;

import dev.losskit.LossSpec;
import java.util.List;

/** The image quality and perceptual family (catalogue section 7), in catalogue order. */
public final class ImageLosses {
  private ImageLosses() {}

  public static List<LossSpec> specs() {
    return List.of(
        SsimLoss.SPEC,
        MsSsimLoss.SPEC,
        PsnrLoss.SPEC,
        TotalVariationLoss.SPEC,
        PerceptualLoss.SPEC,
        StyleLoss.SPEC,
        FeatureMatchingLoss.SPEC,
        ContextLoss.SPEC);
  }
}

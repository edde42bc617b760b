package dev.losskit.segmentation;

import dev.losskit.LossSpec;
import java.util.List;

/** The segmentation family (catalogue section 3), in catalogue order. */
public final class SegmentationLosses {
  private SegmentationLosses() {}

  public static List<LossSpec> specs() {
    return List.of();
  }
}

package dev.losskit.segmentation;

import dev.losskit.LossSpec;
import java.util.List;

/** The segmentation family (catalogue section 3), in catalogue order. */
public final class SegmentationLosses {
  private SegmentationLosses() {}

  public static List<LossSpec> specs() {
    return List.of(
        DiceLoss.SPEC,
        SquaredDiceLoss.SPEC,
        LogCoshDiceLoss.SPEC,
        JaccardLoss.SPEC,
        TverskyLoss.SPEC,
        FocalTverskyLoss.SPEC,
        LovaszHingeLoss.SPEC,
        LovaszSoftmaxLoss.SPEC,
        BceDiceLoss.SPEC,
        ComboLoss.SPEC,
        BoundaryLoss.SPEC);
  }
}

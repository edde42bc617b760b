package dev.losskit.classification;

import dev.losskit.LossSpec;
import java.util.List;

/** The classification family (catalogue section 2), in catalogue order. */
public final class ClassificationLosses {
  private ClassificationLosses() {}

  public static List<LossSpec> specs() {
    return List.of(
        BceLoss.SPEC,
        BceWithLogitsLoss.SPEC,
        BalancedCeLoss.SPEC,
        FocalLoss.SPEC,
        SigmoidFocalLoss.SPEC,
        HingeLoss.SPEC,
        SquaredHingeLoss.SPEC,
        CategoricalHingeLoss.SPEC,
        MultiMarginLoss.SPEC,
        SoftMarginLoss.SPEC,
        MultilabelSoftMarginLoss.SPEC,
        PerceptronLoss.SPEC,
        ZeroOneLoss.SPEC);
  }
}

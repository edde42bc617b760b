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
        CrossEntropyLoss.SPEC,
        CategoricalCeLoss.SPEC,
        NllLoss.SPEC,
        BalancedCeLoss.SPEC,
        FocalLoss.SPEC,
        SigmoidFocalLoss.SPEC,
        SoftmaxFocalLoss.SPEC,
        HingeLoss.SPEC,
        SquaredHingeLoss.SPEC,
        CategoricalHingeLoss.SPEC,
        MultiMarginLoss.SPEC,
        SoftMarginLoss.SPEC,
        MultilabelSoftMarginLoss.SPEC,
        PerceptronLoss.SPEC,
        ZeroOneLoss.SPEC,
        GeneralizedCeLoss.SPEC,
        SymmetricCeLoss.SPEC);
  }
}

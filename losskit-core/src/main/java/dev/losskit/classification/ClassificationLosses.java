package dev.losskit.classification;

import dev.losskit.LossSpec;
import java.util.List;

/** The classification family (catalogue section 2), in catalogue order. */
public final class ClassificationLosses {
  private ClassificationLosses() {}

  public static List<LossSpec> specs() {
    return List.of(
        CrossEntropyLoss.SPEC,
        CategoricalCeLoss.SPEC,
        NllLoss.SPEC,
        SoftmaxFocalLoss.SPEC,
        GeneralizedCeLoss.SPEC,
        SymmetricCeLoss.SPEC);
  }
}

package dev.losskit.compose;

import dev.losskit.LossSpec;
import java.util.List;

/** The composition family (catalogue section 11), in catalogue order. */
public final class ComposeLosses {
  private ComposeLosses() {}

  public static List<LossSpec> specs() {
    return List.of(WeightedSumLoss.SPEC, UncertaintyWeightedLoss.SPEC);
  }
}

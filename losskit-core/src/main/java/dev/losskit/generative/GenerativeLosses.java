package dev.losskit.generative;

import dev.losskit.LossSpec;
import java.util.List;

/** The generative-model family (catalogue section 8), in catalogue order. */
public final class GenerativeLosses {
  private GenerativeLosses() {}

  public static List<LossSpec> specs() {
    return List.of(
        GanDiscriminatorLoss.SPEC,
        GanGeneratorLoss.SPEC,
        GradientPenaltyLoss.SPEC,
        CycleConsistencyLoss.SPEC,
        ReconstructionLoss.SPEC,
        VaeLoss.SPEC,
        NoisePredictionLoss.SPEC);
  }
}

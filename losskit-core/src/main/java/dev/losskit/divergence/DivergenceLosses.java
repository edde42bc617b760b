package dev.losskit.divergence;

import dev.losskit.LossSpec;
import java.util.List;

/** The distributions and divergences family (catalogue section 6), in catalogue order. */
public final class DivergenceLosses {
  private DivergenceLosses() {}

  public static List<LossSpec> specs() {
    return List.of(
        KlDivLoss.SPEC,
        KlLoss.SPEC,
        JsDivLoss.SPEC,
        DistillationLoss.SPEC,
        GaussianKlLoss.SPEC,
        EntropyLoss.SPEC,
        Wasserstein1dLoss.SPEC);
  }
}

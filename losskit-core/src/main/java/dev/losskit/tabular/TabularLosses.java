package dev.losskit.tabular;

import dev.losskit.LossSpec;
import java.util.List;

/** The tabular and tree family (catalogue section 10), in catalogue order. */
public final class TabularLosses {
  private TabularLosses() {}

  public static List<LossSpec> specs() {
    return List.of(GiniLoss.SPEC, EntropyImpurityLoss.SPEC);
  }
}

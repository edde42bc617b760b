package dev.losskit.box;

import dev.losskit.LossSpec;
import java.util.List;

/** The boxes, detection and tracking family (catalogue section 4), in catalogue order. */
public final class BoxLosses {
  private BoxLosses() {}

  public static List<LossSpec> specs() {
    return List.of(
        IouLoss.SPEC,
        GiouLoss.SPEC,
        DiouLoss.SPEC,
        CiouLoss.SPEC,
        EiouLoss.SPEC,
        GwdLoss.SPEC,
        WassersteinGaussianLoss.SPEC,
        MahalanobisLoss.SPEC,
        TemporalConsistencyLoss.SPEC);
  }
}

package dev.losskit.timeseries;

import dev.losskit.LossSpec;
import java.util.List;

/**
 * The time-series and probabilistic forecasting family (catalogue section 9), in catalogue order.
 */
public final class TimeseriesLosses {
  private TimeseriesLosses() {}

  public static List<LossSpec> specs() {
    return List.of(
        NegativeBinomialNllLoss.SPEC,
        StudentTNllLoss.SPEC,
        CrpsGaussianLoss.SPEC,
        CrpsEnsembleLoss.SPEC,
        SoftDtwLoss.SPEC,
        IntervalScoreLoss.SPEC);
  }
}

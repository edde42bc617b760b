package dev.losskit.metric;

import dev.losskit.LossSpec;
import java.util.List;

/** The metric-learning and contrastive family (catalogue section 5), in catalogue order. */
public final class MetricLosses {
  private MetricLosses() {}

  public static List<LossSpec> specs() {
    return List.of(
        ContrastiveLoss.SPEC,
        TripletMarginLoss.SPEC,
        BatchHardTripletLoss.SPEC,
        MarginRankingLoss.SPEC,
        CosineEmbeddingLoss.SPEC,
        InfoNceLoss.SPEC,
        NtXentLoss.SPEC,
        ClipLoss.SPEC,
        TextImageMatchingLoss.SPEC,
        ArcFaceLoss.SPEC,
        CosFaceLoss.SPEC);
  }
}

package dev.losskit.regression;

import dev.losskit.LossSpec;
import java.util.List;

/** The regression family (catalogue section 1), in catalogue order. */
public final class RegressionLosses {
  private RegressionLosses() {}

  public static List<LossSpec> specs() {
    return List.of(
        MseLoss.SPEC,
        MaeLoss.SPEC,
        EuclideanLoss.SPEC,
        HuberLoss.SPEC,
        SmoothL1Loss.SPEC,
        LogCoshLoss.SPEC,
        PseudoHuberLoss.SPEC,
        CharbonnierLoss.SPEC,
        GeneralRobustLoss.SPEC,
        QuantileLoss.SPEC,
        MultiQuantileLoss.SPEC,
        MapeLoss.SPEC,
        SmapeLoss.SPEC,
        MsleLoss.SPEC,
        RmseLoss.SPEC,
        MaseLoss.SPEC,
        PoissonNllLoss.SPEC,
        GaussianNllLoss.SPEC,
        TweedieLoss.SPEC);
  }
}

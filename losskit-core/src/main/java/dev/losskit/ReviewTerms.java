package dev.losskit;

import java.util.Map;

/**
 * Names the review uses that are not losses of their own, with what they mean and which catalogue
 * entry serves them, so that a user who searches the review's word finds an answer.
 */
public final class ReviewTerms {
  private static final Map<String, String> TERMS =
      Map.of(
          "pmse",
          "an acronym the review lists without a definition; for squared error use 'mse' (or 'rmse').",
          "attention-target",
          "a training target for attention maps, scored with an ordinary loss: 'mse' or 'kl-div' on the maps.",
          "sequence",
          "a sequence loss is a per-step loss summed over time: 'cross-entropy' on (N, C, T) logits, or 'mse'.",
          "motion",
          "a loss on predicted motion (optical flow, trajectories): 'mae', 'smooth-l1' or 'charbonnier' on the motion field.",
          "motion-consistency",
          "a smoothness penalty on motion between frames: 'temporal-consistency' on tracks, or 'mae' between flows.",
          "temporal-ce",
          "cross-entropy over time steps: 'cross-entropy' with logits (N, C, T) and targets (N, T).",
          "reward",
          "a reinforcement-learning reward, not a loss; regression on returns uses 'mse' or 'huber'.",
          "multi-task",
          "several losses trained together: 'weighted-sum' with fixed weights or 'uncertainty-weighted' with learned ones.");

  private ReviewTerms() {}

  /** The explanation of a review term, or null if {@code name} is not one. */
  public static String explain(String name) {
    return TERMS.get(name);
  }

  /** Every term and its explanation. */
  public static Map<String, String> all() {
    return TERMS;
  }
}

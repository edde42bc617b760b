package dev.losskit;

import java.util.Locale;

/**
 * How the unreduced loss values become one number, with PyTorch's denominators.
 *
 * <p>The gradient always belongs to the reduced value; for {@link #NONE} it is the gradient of the
 * sum of the unreduced values.
 */
public enum Reduction {
  /** Sum divided by the loss's mean denominator (elements, samples, or the total class weight). */
  MEAN,
  /** Plain sum. */
  SUM,
  /** No reduction: every unreduced value is returned. */
  NONE,
  /** Sum divided by the size of the first dimension of the prediction (KL divergence). */
  BATCHMEAN;

  /** The lowercase name used by the CLI and PyTorch. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses "mean", "sum", "none" or "batchmean". */
  public static Reduction parse(String s) {
    for (Reduction r : values()) {
      if (r.id().equals(s)) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "reduction: expected one of mean, sum, none, batchmean, found '" + s + "'");
  }
}

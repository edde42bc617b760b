package dev.losskit.guide;

import java.util.Locale;

/** What is known about the data or the goal, beyond the task, that changes which loss to use. */
public enum Condition {
  /** Some classes (or foreground pixels) are rare, but not extremely (roughly 1:10). */
  MILD_IMBALANCE("mild class imbalance", "--imbalance mild"),
  /** A class (or the foreground) is very rare (roughly 1:100 or worse, small structures). */
  SEVERE_IMBALANCE("severe class imbalance", "--imbalance severe"),
  /** Some targets are far off (gross errors, heavy tails). */
  OUTLIERS("outliers in the targets", "--outliers"),
  /** Some class labels are wrong. */
  NOISY_LABELS("noisy labels", "--noisy-labels"),
  /** The model should say how uncertain it is (intervals, distributions). */
  UNCERTAINTY("uncertainty wanted", "--uncertainty"),
  /** The score that matters is an overlap (IoU, Dice) rather than per-pixel accuracy. */
  OVERLAP_METRIC("overlap-driven metric", "--overlap"),
  /** The targets are non-negative counts or amounts with many zeros. */
  COUNTS("count targets", "--counts"),
  /** The optimiser needs second derivatives (gradient boosting, Newton steps). */
  NEEDS_HESSIAN("second derivatives needed", "--hessian"),
  /** Image-to-image data without aligned pairs. */
  UNPAIRED("unpaired data", "--unpaired"),
  /** Generated images should look real (sharp textures), even if not pixel-exact. */
  REALISM("realism over fidelity", "--goal realism"),
  /** Generated images should match the reference pixel for pixel. */
  FIDELITY("fidelity over realism", "--goal fidelity");

  private final String description;
  private final String option;

  Condition(String description, String option) {
    this.description = description;
    this.option = option;
  }

  /** The option of {@code losskit guide} that states this condition. */
  public String option() {
    return option;
  }

  /** A short phrase for people. */
  public String description() {
    return description;
  }

  /** The kebab-case name used on the command line and in JSON. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The condition named {@code s} (its id).
   *
   * @throws IllegalArgumentException naming the expected ids and what was found
   */
  public static Condition parse(String s) {
    StringBuilder all = new StringBuilder();
    for (Condition c : values()) {
      if (c.id().equals(s)) {
        return c;
      }
      all.append(all.length() == 0 ? "" : ", ").append(c.id());
    }
    throw new IllegalArgumentException("condition: expected one of " + all + ", found '" + s + "'");
  }
}

package dev.losskit;

import dev.losskit.internal.vectorization.Kernels;
import dev.losskit.internal.vectorization.Vectorization;

/**
 * The values an input may hold. Every evaluation checks each input against its domain before any
 * arithmetic, so that bad data gets an error naming the input instead of a silent NaN.
 */
public enum InputDomain {
  /** Any finite number (values, logits, scores). */
  REAL("finite numbers"),
  /** Finite and strictly positive (variances, scales). */
  POSITIVE("finite positive numbers"),
  /** Finite and not negative (weights, counts). */
  NONNEGATIVE("finite non-negative numbers"),
  /** Probabilities in [0, 1]. */
  PROBABILITY("probabilities in [0, 1]"),
  /**
   * Probabilities in [0, 1], or any finite logits when the loss's {@code from-logits} parameter is
   * true: the check here is only finiteness, the loss checks the range (domains cannot see
   * parameters).
   */
  PROBABILITY_OR_LOGIT("probabilities in [0, 1] (finite logits with from-logits=true)"),
  /** Finite and at most 0. */
  LOG_PROBABILITY("log-probabilities (finite, at most 0)"),
  /** Class indices: an integral tensor; the loss checks the range. */
  CLASS_INDEX("class indices (an integer tensor)"),
  /** Class indices (integral tensor) or, as a floating tensor, class probabilities in [0, 1]. */
  CLASS_INDEX_OR_PROBABILITY("class indices (integer tensor) or probabilities in [0, 1]"),
  /** Labels -1 or +1. */
  SIGN("labels -1 or +1"),
  /** Labels -1 or +1; 0 is read as -1, so that {0, 1} labels work too. */
  SIGN_OR_BINARY("labels -1 or +1 (or 0 for -1)"),
  /** Finite and greater than -1 (inputs of log1p). */
  ABOVE_MINUS_ONE("finite numbers greater than -1");

  private final String description;

  InputDomain(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }

  /**
   * Throws an {@link IllegalArgumentException} naming {@code name}, the domain and the first value
   * outside it.
   */
  public void check(String name, Tensor t) {
    if ((this == CLASS_INDEX) && !t.isIntegral()) {
      throw new IllegalArgumentException(
          name + ": expected " + description + ", found a floating tensor " + t);
    }
    float[] x = t.data();
    if (allAcceptedFast(x, t.isIntegral())) {
      return;
    }
    // Something is outside: find the first offending element for the message.
    for (int i = 0; i < x.length; i++) {
      float v = x[i];
      if (!accepts(v, t.isIntegral())) {
        throw new IllegalArgumentException(
            name + ": expected " + description + ", found " + v + " at index " + i);
      }
    }
  }

  /**
   * Whether every value is accepted, through the selected kernels' one-pass interval test: each
   * domain but {@link #SIGN_OR_BINARY} is a closed float interval (an open bound becomes the next
   * float inside it), or {@link #SIGN} an interval of {@code |v|}. False means "rescan", not
   * "rejected".
   */
  private boolean allAcceptedFast(float[] x, boolean integral) {
    Kernels k = Vectorization.kernels();
    switch (this) {
      case POSITIVE:
        return k.allWithin(x, Float.MIN_VALUE, Float.MAX_VALUE, false);
      case NONNEGATIVE:
        return k.allWithin(x, 0f, Float.MAX_VALUE, false);
      case PROBABILITY:
        return k.allWithin(x, 0f, 1f, false);
      case LOG_PROBABILITY:
        return k.allWithin(x, -Float.MAX_VALUE, 0f, false);
      case CLASS_INDEX_OR_PROBABILITY:
        return integral
            ? k.allWithin(x, -Float.MAX_VALUE, Float.MAX_VALUE, false)
            : k.allWithin(x, 0f, 1f, false);
      case SIGN:
        return k.allWithin(x, 1f, 1f, true);
      case SIGN_OR_BINARY:
        return false; // {-1, 0, 1} is no interval: the scalar scan decides
      case ABOVE_MINUS_ONE:
        return k.allWithin(x, Math.nextUp(-1f), Float.MAX_VALUE, false);
      default: // REAL, PROBABILITY_OR_LOGIT, CLASS_INDEX: finite
        return k.allWithin(x, -Float.MAX_VALUE, Float.MAX_VALUE, false);
    }
  }

  private boolean accepts(float v, boolean integral) {
    if (!Float.isFinite(v)) {
      return false;
    }
    switch (this) {
      case POSITIVE:
        return v > 0;
      case NONNEGATIVE:
        return v >= 0;
      case PROBABILITY:
        return v >= 0 && v <= 1;
      case LOG_PROBABILITY:
        return v <= 0;
      case CLASS_INDEX_OR_PROBABILITY:
        return integral || (v >= 0 && v <= 1);
      case SIGN:
        return v == 1 || v == -1;
      case SIGN_OR_BINARY:
        return v == 1 || v == -1 || v == 0;
      case ABOVE_MINUS_ONE:
        return v > -1;
      default:
        return true;
    }
  }
}

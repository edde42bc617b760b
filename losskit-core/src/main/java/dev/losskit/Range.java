package dev.losskit;

/** An interval of allowed parameter values, with its own words for error messages. */
public record Range(double lo, boolean loInclusive, double hi, boolean hiInclusive) {
  public static final Range ANY =
      new Range(Double.NEGATIVE_INFINITY, false, Double.POSITIVE_INFINITY, false);
  public static final Range POSITIVE = new Range(0, false, Double.POSITIVE_INFINITY, false);
  public static final Range NONNEGATIVE = new Range(0, true, Double.POSITIVE_INFINITY, false);
  public static final Range UNIT = new Range(0, true, 1, true);
  public static final Range OPEN_UNIT = new Range(0, false, 1, false);

  public static Range closed(double lo, double hi) {
    return new Range(lo, true, hi, true);
  }

  public static Range atLeast(double lo) {
    return new Range(lo, true, Double.POSITIVE_INFINITY, false);
  }

  public boolean contains(double v) {
    if (Double.isNaN(v)) {
      return false;
    }
    boolean aboveLo = loInclusive ? v >= lo : v > lo;
    boolean belowHi = hiInclusive ? v <= hi : v < hi;
    return aboveLo && belowHi;
  }

  /** "a positive number", "a number in [0, 1]", ... */
  public String describe() {
    if (equals(ANY)) {
      return "a finite number";
    }
    if (equals(POSITIVE)) {
      return "a positive number";
    }
    if (equals(NONNEGATIVE)) {
      return "a non-negative number";
    }
    if (Double.isInfinite(hi) && Double.isInfinite(lo) && loInclusive) {
      return "a number or -inf";
    }
    if (Double.isInfinite(hi)) {
      return "a number " + (loInclusive ? ">= " : "> ") + fmt(lo);
    }
    if (Double.isInfinite(lo)) {
      return "a number " + (hiInclusive ? "<= " : "< ") + fmt(hi);
    }
    return "a number in "
        + (loInclusive ? "[" : "(")
        + fmt(lo)
        + ", "
        + fmt(hi)
        + (hiInclusive ? "]" : ")");
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}

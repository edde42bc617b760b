package dev.losskit.spark;

import java.util.Locale;

/**
 * A row the loss cannot be evaluated on: the row's data are at fault, not the query. With {@code
 * mode=fail} it fails the query with its message; with {@code mode=skip} the row is skipped and
 * counted under its {@link Reason}.
 */
final class BadRow extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a row was rejected; the aggregate counts skipped rows per reason. */
  enum Reason {
    /** An input, or an element of an array input, is null. */
    NULL,
    /** An input holds NaN or an infinity. */
    NOT_FINITE,
    /**
     * The loss rejected the row: wrong array length, class index out of range, value outside its
     * domain.
     */
    INVALID;

    String id() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private final Reason reason;

  BadRow(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  Reason reason() {
    return reason;
  }
}

package dev.losskit.spark;

import dev.losskit.Tensor;

/**
 * The per-row SQL function {@code losskit(id, input..., [options])}: the loss of each row, reduced
 * with the call's reduction (default: the loss's own), through {@link dev.losskit.Loss#value}.
 *
 * <p>A bad row fails the query ({@code mode=fail}) with a message naming the row's problem, or
 * gives null ({@code mode=skip}); a valid row never gives null, so {@code count_if(loss IS NULL)}
 * counts the skipped rows.
 */
final class RowLossFunction extends AnyArityFunction {
  private static final long serialVersionUID = 1L;
  static final String NAME = "losskit";

  @Override
  Object call(Object[] args) {
    LossCall call = Arguments.call(NAME, args);
    try {
      Tensor[] in = call.inputs(Arguments.columns(call, args));
      return evaluate(call, in);
    } catch (BadRow e) {
      if (call.mode == LossCall.Mode.SKIP) {
        return null;
      }
      throw rejected(call, e);
    }
  }

  private static Double evaluate(LossCall call, Tensor[] in) throws BadRow {
    try {
      return call.loss.value(call.reduction, in);
    } catch (IllegalArgumentException e) {
      throw new BadRow(BadRow.Reason.INVALID, e.getMessage());
    }
  }

  /** The query failure for a bad row in {@code mode=fail}. */
  static IllegalArgumentException rejected(LossCall call, BadRow e) {
    return new IllegalArgumentException(
        call.describe()
            + ": bad row ("
            + e.reason().id()
            + "): "
            + e.getMessage()
            + "; use the option mode=skip to skip and count such rows");
  }
}

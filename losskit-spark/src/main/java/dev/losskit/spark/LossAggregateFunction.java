package dev.losskit.spark;

import dev.losskit.Reduction;
import dev.losskit.Tensor;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.MutableAggregationBuffer;
import org.apache.spark.sql.expressions.UserDefinedAggregateFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The aggregate SQL function {@code losskit_agg(id, input..., [options])}: the loss of a whole
 * group with the catalogue's {@code mean}, {@code sum} or {@code batchmean} semantics.
 *
 * <p>The partial state of a partition is the sum of the rows' loss sums ({@link
 * dev.losskit.Loss#evaluate} with {@code sum}), the sum of their {@code mean} denominators ({@link
 * dev.losskit.Loss#meanDenominator}: element counts, or PyTorch's class-weight totals), the number
 * of samples (for {@code batchmean}), and the rows evaluated and skipped; partial states add up, so
 * the result does not depend on how the group is partitioned. Only losses whose batch loss is the
 * sum of its rows' losses can be carried this way (see {@link Separability}); for others the
 * aggregate fails and names the alternative.
 *
 * <p>Result: {@code struct<value: double, rows: bigint, skipped: bigint, skipped_null: bigint,
 * skipped_not_finite: bigint, skipped_invalid: bigint>}; {@code value} is null when no row was
 * evaluated.
 *
 * <p>Registered through Spark's {@link UserDefinedAggregateFunction} because it is the one public
 * aggregate interface that accepts any number of arguments of any type (its successor, {@code
 * Aggregator}, fixes the argument types through an encoder).
 */
@SuppressWarnings("deprecation")
final class LossAggregateFunction extends UserDefinedAggregateFunction {
  private static final long serialVersionUID = 1L;
  static final String NAME = "losskit_agg";

  private static final int REDUCTION = 0;
  private static final int SUM = 1;
  private static final int DENOMINATOR = 2;
  private static final int SAMPLES = 3;
  private static final int ROWS = 4;
  private static final int SKIPPED = 5; // one slot per BadRow.Reason from here

  static final StructType RESULT =
      new StructType()
          .add("value", DataTypes.DoubleType)
          .add("rows", DataTypes.LongType, false)
          .add("skipped", DataTypes.LongType, false)
          .add("skipped_null", DataTypes.LongType, false)
          .add("skipped_not_finite", DataTypes.LongType, false)
          .add("skipped_invalid", DataTypes.LongType, false);

  @Override
  public StructType inputSchema() {
    // No declared input types: Spark then passes every argument as it is, of any type and number.
    return new StructType();
  }

  @Override
  public StructType bufferSchema() {
    StructType s =
        new StructType()
            .add("reduction", DataTypes.IntegerType)
            .add("sum", DataTypes.DoubleType)
            .add("denominator", DataTypes.DoubleType)
            .add("samples", DataTypes.DoubleType)
            .add("rows", DataTypes.LongType);
    for (BadRow.Reason r : BadRow.Reason.values()) {
      s = s.add("skipped_" + r.name().toLowerCase(java.util.Locale.ROOT), DataTypes.LongType);
    }
    return s;
  }

  @Override
  public DataType dataType() {
    return RESULT;
  }

  @Override
  public boolean deterministic() {
    return true;
  }

  @Override
  public void initialize(MutableAggregationBuffer b) {
    b.update(REDUCTION, -1);
    b.update(SUM, 0.0);
    b.update(DENOMINATOR, 0.0);
    b.update(SAMPLES, 0.0);
    b.update(ROWS, 0L);
    for (int i = 0; i < BadRow.Reason.values().length; i++) {
      b.update(SKIPPED + i, 0L);
    }
  }

  @Override
  public void update(MutableAggregationBuffer b, Row input) {
    Object[] args = new Object[input.length()];
    for (int i = 0; i < args.length; i++) {
      args[i] = input.get(i);
    }
    LossCall call = Arguments.call(NAME, args);
    if (!call.rowSeparable()) {
      throw new IllegalArgumentException(
          call.describe()
              + ": the loss of a batch is not the sum of its rows' losses, so it has no exact"
              + " per-row partial state; collect each group into arrays (collect_list) and call "
              + RowLossFunction.NAME
              + "(..., map('rows', 'batch')) instead");
    }
    b.update(REDUCTION, call.reduction.ordinal());
    try {
      Tensor[] in = call.inputs(Arguments.columns(call, args));
      double sum;
      double den;
      try {
        sum = call.loss.evaluate(Reduction.SUM, in, null, null);
        den = Separability.denominator(call.loss, in);
      } catch (IllegalArgumentException e) {
        throw new BadRow(BadRow.Reason.INVALID, e.getMessage());
      }
      b.update(SUM, b.getDouble(SUM) + sum);
      b.update(DENOMINATOR, b.getDouble(DENOMINATOR) + den);
      b.update(
          SAMPLES, b.getDouble(SAMPLES) + (in[0] == null || in[0].rank() == 0 ? 1 : in[0].dim(0)));
      b.update(ROWS, b.getLong(ROWS) + 1);
    } catch (BadRow e) {
      if (call.mode == LossCall.Mode.FAIL) {
        throw RowLossFunction.rejected(call, e);
      }
      int slot = SKIPPED + e.reason().ordinal();
      b.update(slot, b.getLong(slot) + 1);
    }
  }

  @Override
  public void merge(MutableAggregationBuffer b, Row other) {
    b.update(REDUCTION, Math.max(b.getInt(REDUCTION), other.getInt(REDUCTION)));
    for (int i = SUM; i <= SAMPLES; i++) {
      b.update(i, b.getDouble(i) + other.getDouble(i));
    }
    for (int i = ROWS; i < SKIPPED + BadRow.Reason.values().length; i++) {
      b.update(i, b.getLong(i) + other.getLong(i));
    }
  }

  @Override
  public Object evaluate(Row b) {
    long rows = b.getLong(ROWS);
    Double value = null;
    if (rows > 0) {
      double sum = b.getDouble(SUM);
      switch (Reduction.values()[b.getInt(REDUCTION)]) {
        case MEAN:
          // As the core does: a group whose denominator is 0 (all targets ignored) has mean 0.
          double den = b.getDouble(DENOMINATOR);
          value = den > 0 ? sum / den : 0.0;
          break;
        case BATCHMEAN:
          value = sum / b.getDouble(SAMPLES);
          break;
        default:
          value = sum;
      }
    }
    long skipped = 0;
    Object[] out = new Object[3 + BadRow.Reason.values().length];
    for (int i = 0; i < BadRow.Reason.values().length; i++) {
      long s = b.getLong(SKIPPED + i);
      skipped += s;
      out[3 + i] = s;
    }
    out[0] = value;
    out[1] = rows;
    out[2] = skipped;
    return RowFactory.create(out);
  }
}

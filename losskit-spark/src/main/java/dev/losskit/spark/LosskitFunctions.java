package dev.losskit.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.SparkUserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import scala.Option;

/**
 * Registers the losskit SQL functions with a Spark session and builds calls of them for the
 * DataFrame API.
 *
 * <pre>{@code
 * LosskitFunctions.register(spark);
 * spark.sql("SELECT losskit('huber', pred, target, map('delta', '0.5')) FROM predictions");
 * spark.sql("SELECT key, losskit_agg('cross-entropy', logits, label) FROM predictions GROUP BY key");
 * df.groupBy("key").agg(LosskitFunctions.aggregate("mse", col("pred"), col("target")));
 * }</pre>
 *
 * <ul>
 *   <li>{@code losskit(id, input..., [options])}: double, the loss of each row (see {@link
 *       RowLossFunction}).
 *   <li>{@code losskit_agg(id, input..., [options])}: the reduced loss of a group with counts of
 *       rows evaluated and skipped (see {@link LossAggregateFunction}).
 * </ul>
 *
 * <p>The inputs are the loss's declared inputs in catalogue order ({@code losskit describe ID}),
 * one column each; the options map holds parameters and the options listed in {@link LossCall}.
 */
public final class LosskitFunctions {
  private LosskitFunctions() {}

  /** Registers {@code losskit} and {@code losskit_agg} as temporary functions of the session. */
  @SuppressWarnings("deprecation")
  public static void register(SparkSession spark) {
    // Spark's Java UDFs have a fixed argument count; this one takes any (see AnyArityFunction).
    UDF2<Object, Object, Double> placeholder = (a, b) -> null;
    SparkUserDefinedFunction udf =
        ((SparkUserDefinedFunction) functions.udf(placeholder, DataTypes.DoubleType))
            .copy(
                new RowLossFunction(),
                DataTypes.DoubleType,
                scala.collection.immutable.List$.MODULE$.empty(),
                Option.empty(),
                Option.apply(RowLossFunction.NAME),
                true,
                true);
    spark.udf().register(RowLossFunction.NAME, udf);
    spark.udf().register(LossAggregateFunction.NAME, new LossAggregateFunction());
  }

  /** {@code losskit(id, inputs...)}: the loss of each row, default parameters. */
  public static Column loss(String id, Column... inputs) {
    return loss(id, Map.of(), inputs);
  }

  /** {@code losskit(id, inputs..., options)}: the loss of each row. */
  public static Column loss(String id, Map<String, String> options, Column... inputs) {
    return functions.call_function(RowLossFunction.NAME, arguments(id, options, inputs));
  }

  /** {@code losskit_agg(id, inputs...)}: the reduced loss of a group, default parameters. */
  public static Column aggregate(String id, Column... inputs) {
    return aggregate(id, Map.of(), inputs);
  }

  /** {@code losskit_agg(id, inputs..., options)}: the reduced loss of a group. */
  public static Column aggregate(String id, Map<String, String> options, Column... inputs) {
    return functions.call_function(LossAggregateFunction.NAME, arguments(id, options, inputs));
  }

  private static Column[] arguments(String id, Map<String, String> options, Column[] inputs) {
    List<Column> args = new ArrayList<>();
    args.add(functions.lit(id));
    args.addAll(List.of(inputs));
    if (!options.isEmpty()) {
      List<Column> kv = new ArrayList<>();
      options.forEach(
          (k, v) -> {
            kv.add(functions.lit(k));
            kv.add(functions.lit(v));
          });
      args.add(functions.map(kv.toArray(new Column[0])));
    }
    return args.toArray(new Column[0]);
  }
}

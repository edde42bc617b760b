package dev.losskit.spark.examples;

import dev.losskit.spark.LosskitFunctions;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Evaluates a Parquet file of predictions with several losses, grouped by a key.
 *
 * <pre>
 * EvaluatePredictions [--generate ROWS] PATH
 * </pre>
 *
 * <p>The file has the columns {@code key} (any type), {@code pred} and {@code target} (doubles: a
 * forecast and its outcome), {@code logits} (an array of class scores) and {@code label} (the true
 * class, an integer). With {@code --generate ROWS} a synthetic file of that many rows is written to
 * {@code PATH} first. Prints, per key, the row count and mse, mae, huber (delta 0.5),
 * bce-with-logits on the first logit, and cross-entropy with the rows skipped for bad data.
 *
 * <p>Runs on the cluster {@code spark-submit} gives it, or in local mode ({@code local[*]}) when
 * started without one.
 */
public final class EvaluatePredictions {
  private EvaluatePredictions() {}

  public static void main(String[] args) {
    List<String> a = Arrays.asList(args);
    if (a.isEmpty()
        || a.size() == 2
        || a.size() > 3
        || (a.size() == 3 && !a.get(0).equals("--generate"))) {
      System.err.println("usage: EvaluatePredictions [--generate ROWS] PATH");
      System.exit(2);
    }
    String path = a.get(a.size() - 1);
    SparkSession.Builder builder = SparkSession.builder().appName("losskit-evaluate-predictions");
    if (!new org.apache.spark.SparkConf().contains("spark.master")) {
      builder.master("local[*]"); // started without spark-submit: use this machine's cores
    }
    SparkSession spark = builder.getOrCreate();
    try {
      if (a.size() == 3) {
        generate(spark, Long.parseLong(a.get(1)), path);
      }
      evaluate(spark, path).show(100, false);
    } finally {
      spark.stop();
    }
  }

  /** The losses of the predictions at {@code path} per key, one row per key in key order. */
  public static Dataset<Row> evaluate(SparkSession spark, String path) {
    LosskitFunctions.register(spark);
    spark.read().parquet(path).createOrReplaceTempView("predictions");
    return spark.sql(
        "SELECT key, count(*) AS rows,"
            + " losskit_agg('mse', pred, target).value AS mse,"
            + " losskit_agg('mae', pred, target).value AS mae,"
            + " losskit_agg('huber', pred, target, map('delta', '0.5')).value AS huber,"
            + " losskit_agg('bce-with-logits', logits[0], CAST(label = 0 AS DOUBLE)).value"
            + "   AS bce_first_class,"
            + " losskit_agg('cross-entropy', logits, label, map('mode', 'skip')) AS ce"
            + " FROM predictions GROUP BY key ORDER BY key");
  }

  /**
   * Writes {@code rows} synthetic predictions: 8 keys, a forecast with noise, 10-class logits that
   * favour the true class (the noise is a hash of the row id, so the file is the same every time);
   * one row in 100000 has a label out of range, to show the skip counts.
   */
  public static void generate(SparkSession spark, long rows, String path) {
    spark
        .sql(
            "SELECT concat('store-', id % 8) AS key,"
                + " sin(id * 0.001D) * 3D + (hash(id) % 1000) / 1000D AS pred,"
                + " sin(id * 0.001D) * 3D AS target,"
                + " transform(sequence(0, 9),"
                + "   c -> (hash(id, c) % 1000) / 500D + IF(c = id % 10, 2D, 0D)) AS logits,"
                + " CAST(IF(id % 100000 = 99999, 10, id % 10) AS INT) AS label"
                + " FROM range("
                + rows
                + ")")
        .write()
        .mode("overwrite")
        .parquet(path);
  }
}

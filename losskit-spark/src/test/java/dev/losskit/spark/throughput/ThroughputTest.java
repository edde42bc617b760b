package dev.losskit.spark.throughput;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Rows per second of the losskit aggregates beside Spark's own evaluators on the same cached data
 * in local mode: {@code RegressionEvaluator} for mse and mae, and log loss written in plain Spark
 * SQL. Not part of the default build (it needs spark-mllib); run it with
 *
 * <pre>
 * mvn -B -pl losskit-spark -am -Pthroughput verify -Dtest=ThroughputTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dthroughput.rows=4000000
 * </pre>
 *
 * <p>It prints a Markdown table and writes it to {@code losskit-spark/target/throughput.md}.
 */
class ThroughputTest {
  private record Result(String metric, String how, double value, double seconds) {}

  @Test
  void measure() throws IOException {
    long rows = Long.getLong("throughput.rows", 4_000_000L);
    SparkSession spark = dev.losskit.spark.SparkTestSession.get();
    Dataset<Row> df =
        spark
            .sql(
                "SELECT sin(id * 0.001D) * 3D + (hash(id) % 1000) / 1000D AS pred,"
                    + " sin(id * 0.001D) * 3D AS target,"
                    + " (hash(id, 1) % 1000) / 250D AS logit,"
                    + " CAST(hash(id, 2) % 2 = 0 AS DOUBLE) AS y FROM range("
                    + rows
                    + ")")
            .cache();
    df.count();
    df.createOrReplaceTempView("t");
    List<Result> results = new ArrayList<>();
    for (String metric : new String[] {"mse", "mae"}) {
      RegressionEvaluator ev =
          new RegressionEvaluator()
              .setMetricName(metric)
              .setPredictionCol("pred")
              .setLabelCol("target");
      results.add(time(metric, "Spark ML RegressionEvaluator", () -> ev.evaluate(df)));
      results.add(
          time(
              metric,
              "losskit_agg('" + metric + "', pred, target)",
              () -> sql(spark, "SELECT losskit_agg('" + metric + "', pred, target).value FROM t")));
    }
    results.add(
        time(
            "mse",
            "plain SQL avg(pow(pred - target, 2))",
            () -> sql(spark, "SELECT avg(pow(pred - target, 2)) FROM t")));
    results.add(
        time(
            "log loss",
            "plain SQL avg(greatest(x, 0) - x y + log1p(exp(-abs(x))))",
            () ->
                sql(
                    spark,
                    "SELECT avg(greatest(logit, 0D) - logit * y + log1p(exp(-abs(logit)))) FROM t")));
    results.add(
        time(
            "log loss",
            "losskit_agg('bce-with-logits', logit, y)",
            () -> sql(spark, "SELECT losskit_agg('bce-with-logits', logit, y).value FROM t")));
    results.add(
        time(
            "huber",
            "losskit_agg('huber', pred, target)",
            () -> sql(spark, "SELECT losskit_agg('huber', pred, target).value FROM t")));
    results.add(
        time(
            "mse (per row)",
            "sum(losskit('mse', pred, target)) / count(*)",
            () -> sql(spark, "SELECT sum(losskit('mse', pred, target)) / count(*) FROM t")));

    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            Locale.ROOT,
            "%,d cached rows, local[2], best of 3 after one warm-up run, %d cores%n%n",
            rows,
            Runtime.getRuntime().availableProcessors()));
    md.append("| metric | computed by | value | seconds | rows per second |\n");
    md.append("|---|---|---|---|---|\n");
    for (Result r : results) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | `%s` | %.6f | %.2f | %,.0f |%n",
              r.metric,
              r.how,
              r.value,
              r.seconds,
              rows / r.seconds));
    }
    System.out.println(md);
    Files.writeString(Path.of("target", "throughput.md"), md);
    df.unpersist();
  }

  private static double sql(SparkSession spark, String query) {
    return spark.sql(query).first().getDouble(0);
  }

  private static Result time(String metric, String how, Supplier<Double> run) {
    double value = run.get();
    double best = Double.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      value = run.get();
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
    }
    return new Result(metric, how, value, best);
  }
}

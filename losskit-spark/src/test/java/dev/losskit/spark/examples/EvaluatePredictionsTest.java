package dev.losskit.spark.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The example runs end to end on a generated file and reports the bad label it plants. */
class EvaluatePredictionsTest {
  @Test
  void evaluatesAGeneratedFileByKey() {
    SparkSession spark = dev.losskit.spark.SparkTestSession.get();
    String path = Path.of("target", "example-predictions").toAbsolutePath().toString();
    EvaluatePredictions.generate(spark, 200_000, path);
    List<Row> rows = EvaluatePredictions.evaluate(spark, path).collectAsList();
    assertEquals(8, rows.size());
    long total = 0;
    long skipped = 0;
    for (Row r : rows) {
      total += r.getLong(r.fieldIndex("rows"));
      Row ce = r.getStruct(r.fieldIndex("ce"));
      skipped += ce.getLong(ce.fieldIndex("skipped_invalid"));
      assertEquals(r.getLong(r.fieldIndex("rows")), ce.getLong(1) + ce.getLong(2));
      double mse = r.getDouble(r.fieldIndex("mse"));
      double mae = r.getDouble(r.fieldIndex("mae"));
      // The noise is uniform-ish in (-1, 1): mse and mae near 1/3 and 1/2, mae^2 <= mse.
      assertTrue(mae * mae <= mse + 1e-12 && mse > 0.2 && mse < 0.5, r.toString());
    }
    assertEquals(200_000, total);
    assertEquals(2, skipped, "labels out of range: rows 99999 and 199999");
  }
}

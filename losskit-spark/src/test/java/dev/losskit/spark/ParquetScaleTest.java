package dev.losskit.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A few million rows written to Parquet and read back: the grouped aggregates equal the core on the
 * same numbers, regenerated here by the same formulas Spark used.
 */
class ParquetScaleTest {
  private static final long ROWS = 2_000_000;
  private static final int KEYS = 4;

  @Test
  void aggregatesOverParquetEqualTheCore() {
    SparkSession spark = SparkTestSession.get();
    String dir = Path.of("target", "parquet-scale-test").toAbsolutePath().toString();
    spark
        .sql(
            "SELECT id % "
                + KEYS
                + " AS key, sin(id * 0.001D) * 3D AS pred,"
                + " cos(id * 0.0007D) * 2D + (id % 7) * 0.1D AS target FROM range("
                + ROWS
                + ")")
        .write()
        .mode("overwrite")
        .parquet(dir);
    spark.read().parquet(dir).createOrReplaceTempView("big");
    List<Row> got =
        spark
            .sql(
                "SELECT key, count(*), losskit_agg('mse', pred, target),"
                    + " losskit_agg('huber', pred, target, map('delta', '0.5'))"
                    + " FROM big GROUP BY key ORDER BY key")
            .collectAsList();
    assertEquals(KEYS, got.size());
    Loss mse = Catalog.builtin().create("mse");
    Loss huber = Catalog.builtin().create("huber", Map.of("delta", 0.5));
    int perKey = (int) (ROWS / KEYS);
    for (Row row : got) {
      int key = (int) row.getLong(0);
      assertEquals(perKey, row.getLong(1));
      float[] pred = new float[perKey];
      float[] target = new float[perKey];
      for (int j = 0; j < perKey; j++) {
        long id = (long) j * KEYS + key;
        pred[j] = (float) (Math.sin(id * 0.001) * 3);
        target[j] = (float) (Math.cos(id * 0.0007) * 2 + (id % 7) * 0.1);
      }
      Tensor p = Tensor.of(pred);
      Tensor t = Tensor.of(target);
      double[] expected = {mse.value(p, t), huber.value(p, t)};
      for (int k = 0; k < 2; k++) {
        Row agg = row.getStruct(2 + k);
        assertEquals(perKey, agg.getLong(1), "rows");
        assertTrue(
            Frames.close(expected[k], agg.getDouble(0)),
            "key "
                + key
                + " loss "
                + k
                + ": expected "
                + expected[k]
                + ", found "
                + agg.getDouble(0));
      }
    }
  }
}

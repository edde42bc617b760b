package dev.losskit.spark;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.Tensor;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Nulls, NaN, wrong lengths and class indices out of range: failed with a message, or counted. */
class BadRowsTest {
  /** Three good rows of 3-class logits, then one bad row of each kind (id 10 and up). */
  private static final String ROWS =
      "VALUES (1, array(0.5D, -1.0D, 2.0D), 2), (2, array(1.5D, 0.0D, 0.25D), 0),"
          + " (3, array(-0.5D, 0.75D, 0.0D), 1),"
          + " (10, CAST(NULL AS ARRAY<DOUBLE>), 1), (11, array(0.5D, 1.0D, 2.0D), CAST(NULL AS INT)),"
          + " (12, array(0.5D, CAST('NaN' AS DOUBLE), 2.0D), 1), (13, array(1.0D, 2.0D), 0),"
          + " (14, array(1.0D, 2.0D, 3.0D), 3), (15, array(1.0D, 2.0D, 3.0D), -2),"
          + " (16, array(1.0D, CAST(NULL AS DOUBLE), 3.0D), 0)"
          + " AS v(id, logits, label)";

  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.get();
    spark.sql("SELECT * FROM " + ROWS).createOrReplaceTempView("scored");
  }

  @ParameterizedTest(name = "row {0}")
  @CsvSource({
    "10, null, pred: expected a value, found null",
    "11, null, target: expected a value, found null",
    "12, not-finite, pred: expected finite numbers, found NaN at index 1",
    "13, invalid, pred: expected 3 values for shape (3), found 2",
    "14, invalid, target",
    "15, invalid, target",
    "16, null, pred: expected a value, found null at index 1"
  })
  void failModeNamesTheRowsProblem(int id, String reason, String message) {
    String opts = "map('shape.pred', '3')";
    for (String sql :
        List.of(
            "SELECT losskit_agg('cross-entropy', logits, label, " + opts + ") FROM scored",
            "SELECT losskit('cross-entropy', logits, label, " + opts + ") FROM scored")) {
      Exception e =
          assertThrows(
              Exception.class, () -> spark.sql(sql + " WHERE id <= 3 OR id = " + id).collect());
      String causes = CatalogueOnSparkTest.causes(e);
      assertTrue(causes.contains("bad row (" + reason + "): " + message), causes);
      assertTrue(causes.contains("mode=skip"), causes);
    }
  }

  @Test
  void skipModeCountsEveryRowAndEvaluatesTheGoodOnes() {
    Row agg =
        spark
            .sql(
                "SELECT losskit_agg('cross-entropy', logits, label,"
                    + " map('mode', 'skip', 'shape.pred', '3')) FROM scored")
            .first()
            .getStruct(0);
    Loss ce = Catalog.builtin().create("cross-entropy");
    double expected =
        ce.value(
            Tensor.of(new float[] {0.5f, -1f, 2f, 1.5f, 0f, 0.25f, -0.5f, 0.75f, 0f}, 3, 3),
            Tensor.indices(new int[] {2, 0, 1}));
    assertTrue(Frames.close(expected, agg.getDouble(0)), expected + " vs " + agg);
    assertEquals(3, agg.getLong(1), "rows");
    assertEquals(7, agg.getLong(2), "skipped");
    assertEquals(3, agg.getLong(agg.fieldIndex("skipped_null")));
    assertEquals(1, agg.getLong(agg.fieldIndex("skipped_not_finite")));
    assertEquals(3, agg.getLong(agg.fieldIndex("skipped_invalid")));

    List<Row> perRow =
        spark
            .sql(
                "SELECT id, losskit('cross-entropy', logits, label,"
                    + " map('mode', 'skip', 'shape.pred', '3')) FROM scored ORDER BY id")
            .collectAsList();
    for (Row r : perRow) {
      if (r.getInt(0) < 10) {
        assertTrue(!r.isNullAt(1), "good row " + r);
      } else {
        assertNull(r.get(1), "bad row " + r);
      }
    }
  }

  @Test
  void anAllSkippedGroupHasNoValueButItsCounts() {
    Row agg =
        spark
            .sql(
                "SELECT losskit_agg('cross-entropy', logits, label, map('mode', 'skip'))"
                    + " FROM scored WHERE id >= 10 AND id <> 13")
            .first()
            .getStruct(0);
    assertTrue(agg.isNullAt(0), agg.toString());
    assertEquals(0, agg.getLong(1));
    assertEquals(6, agg.getLong(2));
  }

  @Test
  void boxesOfTheWrongLengthAreRejectedByTheLoss() {
    Row agg =
        spark
            .sql(
                "SELECT losskit_agg('giou', p, t, map('mode', 'skip')) FROM VALUES"
                    + " (array(0D, 0D, 2D, 2D), array(1D, 1D, 3D, 3D)),"
                    + " (array(0D, 0D, 2D), array(1D, 1D, 3D, 3D)) AS v(p, t)")
            .first()
            .getStruct(0);
    assertEquals(1, agg.getLong(1));
    assertEquals(1, agg.getLong(agg.fieldIndex("skipped_invalid")));
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                spark
                    .sql("SELECT losskit('giou', array(0D, 0D, 2D), array(1D, 1D, 3D, 3D))")
                    .collect());
    assertTrue(
        CatalogueOnSparkTest.causes(e).contains("bad row (invalid): pred"),
        CatalogueOnSparkTest.causes(e));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "losskit('hubr', 1D, 2D) | loss: expected a catalogue id or alias (see 'losskit list'), found 'hubr'; did you mean 'huber'?",
        "losskit('huber', 1D, 2D, map('delt', '1')) | parameter delt: not a parameter of huber; expected one of delta",
        "losskit('huber', 1D, 2D, map('delta', '-1')) | delta",
        "losskit('huber', 1D, 2D, map('mode', 'drop')) | mode: expected fail or skip, found 'drop'",
        "losskit('huber', 1D, 2D, map('reduction', 'none')) | reduction: losskit returns one number per row or group; huber expects one of mean, sum, found none",
        "losskit('huber', 1D, 2D, 3D) | inputs: losskit('huber', ...) takes at most 2 input columns (pred, target), found 3",
        "losskit('huber', 1D) | target: required by huber but not given",
        "losskit('huber', 'a', 2D) | pred: expected a numeric column or an array of numbers, found a value of type String",
        "losskit_agg('huber', 1D, 2D, map('shape.prd', '1')) | shape.prd: expected shape.<input> with an input of huber (pred, target), found 'prd'",
        "losskit_agg('cross-entropy', array(1D, 2D), 0, map('input.weight', '1,-2')) | input.weight: expected finite non-negative numbers, found -2.0 at index 1"
      })
  void queryErrorsFailInEveryModeAndNameTheArgument(String call, String message) {
    Exception e = assertThrows(Exception.class, () -> spark.sql("SELECT " + call).collect());
    String causes = CatalogueOnSparkTest.causes(e);
    assertTrue(causes.contains(message), causes);
    String skipping = call.contains("map(") ? call : call.replace(")", ", map('mode', 'skip'))");
    if (!call.contains("map(")) {
      Exception e2 = assertThrows(Exception.class, () -> spark.sql("SELECT " + skipping).collect());
      assertTrue(CatalogueOnSparkTest.causes(e2).contains(message));
    }
  }

  @Test
  void theDataFrameApiBuildsTheSameCalls() {
    Dataset<Row> df = spark.sql("SELECT 1D AS p, 3D AS t UNION ALL SELECT 2D, 2.25D");
    List<Row> perRow =
        df.select(LosskitFunctions.loss("huber", Map.of("delta", "0.5"), col("p"), col("t")))
            .collectAsList();
    Row agg = df.agg(LosskitFunctions.aggregate("huber", col("p"), col("t"))).first().getStruct(0);
    Loss half = Catalog.builtin().create("huber", Map.of("delta", 0.5));
    // Huber with delta 0.5 at residual -2 is 0.5 (2 - 0.25) = 0.875; with delta 1 the group's
    // mean of 1.5 (residual -2) and 0.03125 (residual -0.25) is 0.765625.
    assertEquals(0.875, perRow.get(0).getDouble(0), 1e-12);
    assertEquals(
        half.value(Tensor.of(new float[] {2}), Tensor.of(new float[] {2.25f})),
        perRow.get(1).getDouble(0));
    assertEquals(0.765625, agg.getDouble(0), 1e-12);
    assertEquals(2, agg.getLong(1));
  }
}

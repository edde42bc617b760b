package dev.losskit.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.LossSpec;
import dev.losskit.Reduction;
import dev.losskit.Shapes;
import dev.losskit.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every catalogue loss on Spark, on its own sampled inputs, against the core evaluating the same
 * batch in one call: the aggregate for each allowed reduction over 1 and 3 partitions, the per-row
 * function row by row, and, for losses that couple rows, the per-row function over a collected
 * batch.
 */
class CatalogueOnSparkTest {
  static Stream<LossSpec> specs() {
    return Catalog.builtins().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void matchesTheCore(LossSpec spec) {
    SparkSession spark = SparkTestSession.get();
    Loss loss = spec.create();
    Tensor[] batch = spec.sample(loss.params(), new SplittableRandom(42), 12);
    // Samplers size batches their own way (series, images, boxes): the rows are the slices of the
    // first input along its first dimension, and every input with that many slices is a column.
    int rows = batch[0].rank() == 0 ? 1 : batch[0].dim(0);
    List<Tensor> columns = new ArrayList<>();
    Map<String, String> options = new LinkedHashMap<>();
    boolean constantsOnly = false;
    for (int k = 0; k < batch.length; k++) {
      String name = spec.inputs().get(k).name();
      Tensor t = batch[k];
      if (t == null) {
        constantsOnly = true; // an optional input left out: later inputs cannot be columns
        continue;
      }
      if (!constantsOnly && t.rank() >= 1 && t.dim(0) == rows) {
        columns.add(t);
      } else {
        constantsOnly = true;
        options.put("input." + name, numbers(t));
        options.put("shape." + name, sizes(t.shape()));
      }
    }
    Dataset<Row> df = Frames.of(spark, columns, rows);
    df.createOrReplaceTempView("batch");
    String cols = columnList(columns.size());
    String opts = mapLiteral(options);

    if (Separability.rowSeparable(loss)) {
      // One query: every reduction of the aggregate, and the per-row values, over 3 partitions.
      List<Reduction> reductions = new ArrayList<>(spec.reductions());
      reductions.remove(Reduction.NONE);
      StringJoiner select = new StringJoiner(", ");
      for (Reduction r : reductions) {
        select.add(
            "losskit_agg('"
                + spec.id()
                + "', "
                + cols
                + mapLiteral(with(options, "reduction", r.id()))
                + ")");
      }
      select.add(
          "array_sort(collect_list(struct(i, losskit('" + spec.id() + "', " + cols + opts + "))))");
      Row got =
          spark
              .sql("SELECT " + select + " FROM (SELECT /*+ REPARTITION(3) */ * FROM batch)")
              .first();
      for (int j = 0; j < reductions.size(); j++) {
        Reduction r = reductions.get(j);
        Row agg = got.getStruct(j);
        assertEquals(rows, agg.getLong(1), spec.id() + ": rows");
        assertEquals(0, agg.getLong(2), spec.id() + ": skipped");
        double expected = loss.value(r, batch);
        assertTrue(
            Frames.close(expected, agg.getDouble(0)),
            spec.id() + " " + r.id() + ": expected " + expected + ", found " + agg.getDouble(0));
      }
      List<Row> perRow = got.getList(reductions.size());
      assertEquals(rows, perRow.size());
      for (Row row : perRow) {
        double expected = loss.value(slice(batch, columns, row.getInt(0)));
        assertTrue(
            Frames.close(expected, row.getDouble(1)),
            spec.id()
                + " row "
                + row.getInt(0)
                + ": expected "
                + expected
                + ", found "
                + row.getDouble(1));
      }
    } else {
      Exception e =
          org.junit.jupiter.api.Assertions.assertThrows(
              Exception.class,
              () ->
                  spark
                      .sql(
                          "SELECT losskit_agg('" + spec.id() + "', " + cols + opts + ") FROM batch")
                      .first());
      assertTrue(
          causes(e).contains("is not the sum of its rows' losses"), spec.id() + ": " + causes(e));
      // The documented alternative: collect the group in row order, evaluate it as one batch.
      StringJoiner sorted = new StringJoiner(", ");
      StringJoiner fields = new StringJoiner(", ");
      for (int c = 0; c < columns.size(); c++) {
        sorted.add("transform(g, s -> s.c" + c + ")");
        fields.add("c" + c);
      }
      String batchOpts = mapLiteral(with(options, "rows", "batch"));
      double actual =
          spark
              .sql(
                  "SELECT losskit('"
                      + spec.id()
                      + "', "
                      + sorted
                      + batchOpts
                      + ") FROM (SELECT array_sort(collect_list(struct(i, "
                      + fields
                      + "))) AS g FROM batch)")
              .first()
              .getDouble(0);
      double expected = loss.value(batch);
      assertTrue(
          Frames.close(expected, actual),
          spec.id() + " as one batch: expected " + expected + ", found " + actual);
    }
  }

  /** The inputs of row {@code r}: column tensors sliced to (1, ...), constants as they are. */
  private static Tensor[] slice(Tensor[] batch, List<Tensor> columns, int r) {
    Tensor[] out = batch.clone();
    for (int k = 0; k < batch.length; k++) {
      Tensor t = batch[k];
      if (t != null && columns.contains(t)) {
        int[] shape = t.shape();
        int size = Shapes.size(shape, 1, shape.length);
        float[] data = Arrays.copyOfRange(t.data(), r * size, (r + 1) * size);
        shape[0] = 1;
        out[k] = t.isIntegral() ? Tensor.integral(data, shape) : Tensor.shaped(data, shape);
      }
    }
    return out;
  }

  private static Map<String, String> with(Map<String, String> m, String k, String v) {
    Map<String, String> out = new LinkedHashMap<>(m);
    out.put(k, v);
    return out;
  }

  private static String columnList(int n) {
    StringJoiner j = new StringJoiner(", ");
    for (int c = 0; c < n; c++) {
      j.add("c" + c);
    }
    return j.toString();
  }

  /** {@code , map('k', 'v', ...)}, or "" for no options. */
  private static String mapLiteral(Map<String, String> m) {
    if (m.isEmpty()) {
      return "";
    }
    StringJoiner j = new StringJoiner(", ", ", map(", ")");
    m.forEach(
        (k, v) -> {
          j.add("'" + k + "'");
          j.add("'" + v + "'");
        });
    return j.toString();
  }

  private static String numbers(Tensor t) {
    StringJoiner j = new StringJoiner(",");
    for (float v : t.data()) {
      j.add(Float.toString(v));
    }
    return j.toString();
  }

  private static String sizes(int[] shape) {
    StringJoiner j = new StringJoiner(",");
    for (int d : shape) {
      j.add(Integer.toString(d));
    }
    return j.toString();
  }

  static String causes(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      b.append(t.getMessage()).append(" | ");
    }
    return b.toString();
  }
}

package dev.losskit.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Grouped aggregates equal the core on each group's rows however the rows are partitioned: scalar
 * regression, class logits with class weights and ignored targets, boxes, and a batchmean.
 */
class PartitioningTest {
  private static final int ROWS = 3001;
  private static final int KEYS = 3;
  private static final int CLASSES = 5;
  private static final float[] WEIGHTS = {1f, 2f, 0.5f, 0f, 3f};

  private static SparkSession spark;
  private static int[] key = new int[ROWS];
  private static float[] pred = new float[ROWS];
  private static float[] target = new float[ROWS];
  private static float[] logits = new float[ROWS * CLASSES];
  private static int[] label = new int[ROWS];
  private static float[] logp = new float[ROWS * CLASSES];
  private static float[] probs = new float[ROWS * CLASSES];
  private static float[] boxP = new float[ROWS * 4];
  private static float[] boxT = new float[ROWS * 4];

  @BeforeAll
  static void data() {
    spark = SparkTestSession.get();
    SplittableRandom r = new SplittableRandom(7);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      key[i] = r.nextInt(KEYS);
      pred[i] = (float) r.nextGaussian();
      target[i] = (float) r.nextGaussian();
      List<Double> l = new ArrayList<>();
      for (int c = 0; c < CLASSES; c++) {
        logits[i * CLASSES + c] = (float) (2 * r.nextGaussian());
        l.add((double) logits[i * CLASSES + c]);
      }
      List<Double> lp = softmax(logits, i, logp, true);
      float[] other = new float[CLASSES];
      for (int c = 0; c < CLASSES; c++) {
        other[c] = (float) r.nextGaussian();
      }
      System.arraycopy(other, 0, probs, i * CLASSES, CLASSES);
      List<Double> q = softmax(probs, i, probs, false);
      // Some targets are ignored (-100), as PyTorch's ignore_index.
      label[i] = r.nextInt(10) == 0 ? -100 : r.nextInt(CLASSES);
      List<Double> bp = new ArrayList<>();
      List<Double> bt = new ArrayList<>();
      for (float[][] b : new float[][][] {{boxP}, {boxT}}) {
        float x = (float) (10 * r.nextDouble());
        float y = (float) (10 * r.nextDouble());
        float[] box = {
          x, y, x + 1 + (float) (5 * r.nextDouble()), y + 1 + (float) (5 * r.nextDouble())
        };
        System.arraycopy(box, 0, b[0], i * 4, 4);
        List<Double> out = b[0] == boxP ? bp : bt;
        for (float v : box) {
          out.add((double) v);
        }
      }
      rows.add(
          RowFactory.create(
              i, key[i], (double) pred[i], (double) target[i], l, label[i], bp, bt, lp, q));
    }
    StructType schema =
        new StructType()
            .add("i", DataTypes.IntegerType)
            .add("key", DataTypes.IntegerType)
            .add("pred", DataTypes.DoubleType)
            .add("target", DataTypes.DoubleType)
            .add("logits", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("label", DataTypes.IntegerType)
            .add("box_p", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("box_t", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("logp", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("probs", DataTypes.createArrayType(DataTypes.DoubleType));
    Dataset<Row> df = spark.createDataFrame(rows, schema);
    df.createOrReplaceTempView("predictions");
  }

  @ParameterizedTest(name = "{0} partitions")
  @ValueSource(ints = {1, 2, 5, 16})
  void groupedAggregatesEqualTheCore(int partitions) {
    List<Row> got =
        spark
            .sql(
                "SELECT key,"
                    + " losskit_agg('huber', pred, target, map('delta', '0.5')),"
                    + " losskit_agg('cross-entropy', logits, label,"
                    + "   map('input.weight', '1,2,0.5,0,3', 'label-smoothing', '0.1')),"
                    + " losskit_agg('giou', box_p, box_t, map('reduction', 'sum')),"
                    + " losskit_agg('kl-div', logp, probs, map('reduction', 'batchmean'))"
                    + " FROM (SELECT /*+ REPARTITION("
                    + partitions
                    + ") */ * FROM predictions) GROUP BY key ORDER BY key")
            .collectAsList();
    assertEquals(KEYS, got.size());
    Catalog c = Catalog.builtin();
    Loss huber = c.create("huber", Map.of("delta", 0.5));
    Loss ce = c.create("cross-entropy", Map.of("label-smoothing", 0.1));
    Loss giou = c.create("giou");
    Loss kl = c.create("kl-div");
    for (Row row : got) {
      int k = row.getInt(0);
      List<Integer> idx = new ArrayList<>();
      for (int i = 0; i < ROWS; i++) {
        if (key[i] == k) {
          idx.add(i);
        }
      }
      int n = idx.size();
      Tensor p = Tensor.of(pick(pred, idx, 1), n);
      Tensor t = Tensor.of(pick(target, idx, 1), n);
      Tensor lg = Tensor.of(pick(logits, idx, CLASSES), n, CLASSES);
      float[] lb = pick(toFloat(label), idx, 1);
      Tensor labels = Tensor.integral(lb, n);
      Tensor w = Tensor.of(WEIGHTS);
      Tensor bp = Tensor.of(pick(boxP, idx, 4), n, 4);
      Tensor bt = Tensor.of(pick(boxT, idx, 4), n, 4);
      Tensor lp = Tensor.of(pick(logp, idx, CLASSES), n, CLASSES);
      Tensor q = Tensor.of(pick(probs, idx, CLASSES), n, CLASSES);
      double[] expected = {
        huber.value(Reduction.MEAN, p, t),
        ce.value(Reduction.MEAN, lg, labels, w),
        giou.value(Reduction.SUM, bp, bt),
        kl.value(Reduction.BATCHMEAN, lp, q)
      };
      for (int j = 0; j < expected.length; j++) {
        Row agg = row.getStruct(j + 1);
        assertEquals(n, agg.getLong(1), "rows of key " + k);
        assertTrue(
            Frames.close(expected[j], agg.getDouble(0)),
            "loss "
                + j
                + " key "
                + k
                + ": expected "
                + expected[j]
                + ", found "
                + agg.getDouble(0));
      }
    }
  }

  /**
   * Softmax (or log-softmax) of row {@code i} of {@code x} into {@code out}, rounded to float32
   * first so that Spark and the core see the same numbers.
   */
  private static List<Double> softmax(float[] x, int i, float[] out, boolean log) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < CLASSES; c++) {
      max = Math.max(max, x[i * CLASSES + c]);
    }
    double z = 0;
    for (int c = 0; c < CLASSES; c++) {
      z += Math.exp(x[i * CLASSES + c] - max);
    }
    List<Double> list = new ArrayList<>();
    float[] row = new float[CLASSES];
    for (int c = 0; c < CLASSES; c++) {
      double v = x[i * CLASSES + c] - max;
      row[c] = (float) (log ? Math.min(0, v - Math.log(z)) : Math.exp(v) / z);
      list.add((double) row[c]);
    }
    System.arraycopy(row, 0, out, i * CLASSES, CLASSES);
    return list;
  }

  private static float[] pick(float[] x, List<Integer> idx, int width) {
    float[] out = new float[idx.size() * width];
    for (int j = 0; j < idx.size(); j++) {
      System.arraycopy(x, idx.get(j) * width, out, j * width, width);
    }
    return out;
  }

  private static float[] toFloat(int[] x) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i];
    }
    return out;
  }
}

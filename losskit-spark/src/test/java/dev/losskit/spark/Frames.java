package dev.losskit.spark;

import dev.losskit.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Test data frames made from batch tensors: one row per sample, one column per input. */
final class Frames {
  private Frames() {}

  /**
   * A frame with an index column {@code i} and one column per tensor, named {@code c0, c1, ...}:
   * row {@code r} holds slice {@code r} of each tensor along dimension 0, as a number for a 1-D
   * tensor and as nested arrays otherwise (integers for integral tensors, doubles otherwise).
   */
  static Dataset<Row> of(SparkSession spark, List<Tensor> columns, int rows) {
    StructType schema = new StructType().add("i", DataTypes.IntegerType, false);
    for (int c = 0; c < columns.size(); c++) {
      Tensor t = columns.get(c);
      DataType type = t.isIntegral() ? DataTypes.IntegerType : DataTypes.DoubleType;
      for (int d = 1; d < t.rank(); d++) {
        type = DataTypes.createArrayType(type, false);
      }
      schema = schema.add("c" + c, type, false);
    }
    List<Row> data = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      Object[] values = new Object[columns.size() + 1];
      values[0] = r;
      for (int c = 0; c < columns.size(); c++) {
        Tensor t = columns.get(c);
        int[] shape = t.shape();
        int rowSize = t.size() / rows;
        values[c + 1] = nested(t.data(), r * rowSize, shape, 1, t.isIntegral());
      }
      data.add(RowFactory.create(values));
    }
    return spark.createDataFrame(data, schema);
  }

  private static Object nested(float[] x, int at, int[] shape, int dim, boolean integral) {
    if (dim == shape.length) {
      return integral ? (Object) (int) x[at] : (Object) (double) x[at];
    }
    int stride = 1;
    for (int d = dim + 1; d < shape.length; d++) {
      stride *= shape[d];
    }
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < shape[dim]; i++) {
      out.add(nested(x, at + i * stride, shape, dim + 1, integral));
    }
    return out;
  }

  /** {@code |a - b| <= 1e-6 max(|a|, |b|)}, plus a hair for values at 0. */
  static boolean close(double expected, double actual) {
    return Math.abs(expected - actual)
        <= 1e-6 * Math.max(Math.abs(expected), Math.abs(actual)) + 1e-12;
  }
}

package dev.losskit.tabular;

import dev.losskit.Tensor;
import dev.losskit.testing.LossContractTest.BadInput;
import dev.losskit.testing.OracleInputs;
import java.util.List;

/** What the two impurity tests share: class distributions per row, and the same bad inputs. */
final class ImpurityOracles {
  private ImpurityOracles() {}

  /** The rows of input 0 as distributions: counts normalised by their sum (empty rows stay 0). */
  static double[][] rows(OracleInputs in) {
    double[] x = in.get(0);
    int[] shape = in.shape(0);
    int classes = shape[shape.length - 1];
    double[][] rows = new double[x.length / classes][classes];
    for (int n = 0; n < rows.length; n++) {
      double total = 0;
      for (int c = 0; c < classes; c++) {
        total += x[n * classes + c];
      }
      for (int c = 0; c < classes; c++) {
        rows[n][c] =
            in.integral(0) ? (total > 0 ? x[n * classes + c] / total : 0) : x[n * classes + c];
      }
    }
    return rows;
  }

  static List<BadInput> badInputs() {
    return List.of(
        new BadInput(
            "a probability above 1",
            new Tensor[] {Tensor.of(new float[] {1.5f, 0, 0}, 1, 3)},
            "pred",
            "[0, 1]",
            "1.5"),
        new BadInput(
            "a row not summing to 1",
            new Tensor[] {Tensor.of(new float[] {0.5f, 0.5f, 0.2f, 0.3f}, 2, 2)},
            "pred",
            "summing to 1",
            "row 1"),
        new BadInput(
            "a negative count",
            new Tensor[] {Tensor.indices(new int[] {3, -1}, 1, 2)},
            "pred",
            "non-negative",
            "-1.0"),
        new BadInput(
            "three dimensions",
            new Tensor[] {Tensor.indices(new int[] {3, 1, 2, 2}, 1, 2, 2)},
            "pred",
            "(N, C)",
            "(1, 2, 2)"),
        new BadInput(
            "no classes",
            new Tensor[] {Tensor.indices(new int[0], 2, 0)},
            "pred",
            "at least one class"));
  }
}

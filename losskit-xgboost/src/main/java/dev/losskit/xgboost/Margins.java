package dev.losskit.xgboost;

import dev.losskit.InputSpec;
import dev.losskit.Loss;
import dev.losskit.LossSpec;
import dev.losskit.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * What XGBoost hands a custom objective or metric, as losskit inputs: the raw margins flattened row
 * by row (one value per row and output), the labels of the same size and the row weights spread
 * over each row's outputs (null when the matrix has none).
 */
record Margins(Tensor pred, Tensor target, float[] weights) {

  /**
   * Reads {@code predicts} ({@code [rows][outputs]}) and the labels and weights of {@code data}.
   *
   * @throws IllegalArgumentException when the labels or weights do not match the predictions
   */
  static Margins of(float[][] predicts, DMatrix data) {
    int rows = predicts.length;
    int outputs = rows == 0 ? 1 : predicts[0].length;
    float[] pred = new float[rows * outputs];
    for (int i = 0; i < rows; i++) {
      if (predicts[i].length != outputs) {
        throw new IllegalArgumentException(
            "predictions: expected "
                + outputs
                + " outputs in every row, found "
                + predicts[i].length
                + " in row "
                + i);
      }
      System.arraycopy(predicts[i], 0, pred, i * outputs, outputs);
    }
    float[] labels;
    float[] rowWeights;
    try {
      labels = data.getLabel();
      rowWeights = data.getWeight();
    } catch (XGBoostError e) {
      throw new IllegalStateException("XGBoost could not read the labels or weights", e);
    }
    if (labels == null || labels.length != pred.length) {
      throw new IllegalArgumentException(
          "labels: expected one label per prediction ("
              + rows
              + " rows x "
              + outputs
              + " outputs = "
              + pred.length
              + "), found "
              + (labels == null ? 0 : labels.length));
    }
    float[] weights = null;
    if (rowWeights != null && rowWeights.length > 0) {
      if (rowWeights.length != rows) {
        throw new IllegalArgumentException(
            "weights: expected one weight per row (" + rows + "), found " + rowWeights.length);
      }
      weights = new float[pred.length];
      for (int i = 0; i < pred.length; i++) {
        weights[i] = rowWeights[i / outputs];
      }
    }
    return new Margins(Tensor.of(pred), Tensor.of(labels), weights);
  }

  /**
   * Checks that {@code spec} is a loss of a prediction and a target with no other required input,
   * which is all XGBoost can supply.
   */
  static void requirePredTarget(LossSpec spec, String what) {
    List<InputSpec> in = spec.inputs();
    if (in.size() < 2 || in.get(1).optional()) {
      throw new IllegalArgumentException(
          "loss: " + what + " needs a loss of a prediction and a target, found " + spec.id());
    }
    for (int k = 2; k < in.size(); k++) {
      if (!in.get(k).optional()) {
        throw new IllegalArgumentException(
            "loss: "
                + what
                + " supplies only a prediction and a target, but "
                + spec.id()
                + " also requires '"
                + in.get(k).name()
                + "'");
      }
    }
  }

  /**
   * The parameters of {@code loss} in text form, those without a value left out, from which the
   * catalogue makes the same loss again (after deserialization).
   */
  static LinkedHashMap<String, String> givenParams(Loss loss) {
    LinkedHashMap<String, String> out = new LinkedHashMap<>();
    loss.params()
        .asText()
        .forEach(
            (k, v) -> {
              if (v != null) {
                out.put(k, v);
              }
            });
    return out;
  }
}

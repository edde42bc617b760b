package dev.losskit.xgboost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.experiment.Datasets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Short boosting runs on real data with the catalogue's losses as XGBoost objectives. */
class BoostingRunTest {

  /** The diabetes training rows (75%, seed 0) with standardised targets. */
  static DMatrix diabetesTrain() throws XGBoostError {
    Datasets.Table t = Datasets.diabetes();
    Datasets.Split s = Datasets.split(t.rows(), 0.25, 0);
    double[] y = Datasets.select(t.y(), s.train());
    double mean = 0;
    for (double v : y) {
      mean += v / y.length;
    }
    double var = 0;
    for (double v : y) {
      var += (v - mean) * (v - mean) / y.length;
    }
    float[] z = new float[y.length];
    for (int i = 0; i < y.length; i++) {
      z[i] = (float) ((y[i] - mean) / Math.sqrt(var));
    }
    return matrix(Datasets.standardize(t.x(), s.train(), s.train()), z);
  }

  static DMatrix matrix(double[][] x, float[] labels) throws XGBoostError {
    int d = x[0].length;
    float[] flat = new float[x.length * d];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < d; j++) {
        flat[i * d + j] = (float) x[i][j];
      }
    }
    DMatrix m = new DMatrix(flat, x.length, d, Float.NaN);
    m.setLabel(labels);
    return m;
  }

  static Map<String, Object> params() {
    Map<String, Object> p = new HashMap<>();
    p.put("max_depth", 3);
    p.put("eta", 0.3);
    p.put("seed", 0);
    p.put("nthread", 1);
    p.put("tree_method", "hist");
    p.put("base_score", 0.0);
    return p;
  }

  static float[] margins(Booster b, DMatrix d) throws XGBoostError {
    float[][] p = b.predict(d, true);
    float[] out = new float[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = p[i][0];
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"mse", "huber", "pseudo-huber", "log-cosh"})
  void trainingLossDecreases(String id) throws XGBoostError {
    DMatrix train = diabetesTrain();
    LosskitObjective obj = LosskitObjective.of(id);
    LosskitMetric metric = LosskitMetric.of(id);
    Booster b = XGBoost.train(train, params(), 0, Map.of(), null, null);
    float[] loss = new float[11];
    loss[0] = metric.eval(b.predict(train, true), train);
    for (int round = 0; round < 10; round++) {
      b.update(train, round, obj);
      loss[round + 1] = metric.eval(b.predict(train, true), train);
      assertTrue(
          loss[round + 1] < loss[round],
          id + " training loss rose in round " + round + ": " + Arrays.toString(loss));
    }
    assertTrue(loss[10] < 0.6 * loss[0], id + " training loss fell too little");
  }

  /**
   * mse is (pred - target)^2, twice XGBoost's squared error, so its gradient and Hessian are twice
   * as large: without regularisation the trees are the same; with it, the same trees need lambda,
   * gamma and min_child_weight doubled.
   */
  @Test
  void mseReproducesBuiltInSquaredError() throws XGBoostError {
    DMatrix train = diabetesTrain();
    Map<String, Object> plain = params();
    plain.put("lambda", 0.0);
    plain.put("min_child_weight", 0.0);
    assertSamePredictions(train, plain, plain);

    Map<String, Object> regularised = params();
    regularised.put("lambda", 1.0);
    regularised.put("gamma", 0.1);
    regularised.put("min_child_weight", 1.0);
    Map<String, Object> doubled = new HashMap<>(regularised);
    doubled.put("lambda", 2.0);
    doubled.put("gamma", 0.2);
    doubled.put("min_child_weight", 2.0);
    assertSamePredictions(train, regularised, doubled);
  }

  private static void assertSamePredictions(
      DMatrix train, Map<String, Object> builtIn, Map<String, Object> custom) throws XGBoostError {
    Map<String, Object> p = new HashMap<>(builtIn);
    p.put("objective", "reg:squarederror");
    float[] expected = margins(XGBoost.train(train, p, 20, Map.of(), null, null), train);
    float[] actual =
        margins(
            XGBoost.train(train, custom, 20, Map.of(), LosskitObjective.of("mse"), null), train);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-4, "row " + i);
    }
  }

  /** bce-with-logits on margins is XGBoost's binary:logistic (whose base_score 0.5 is margin 0). */
  @Test
  void bceWithLogitsReproducesBuiltInLogistic() throws XGBoostError {
    Datasets.Table t = Datasets.breastCancer();
    Datasets.Split s = Datasets.split(t.rows(), 0.25, 0);
    double[] y = Datasets.select(t.y(), s.train());
    float[] labels = new float[y.length];
    for (int i = 0; i < y.length; i++) {
      labels[i] = (float) y[i];
    }
    DMatrix train = matrix(Datasets.standardize(t.x(), s.train(), s.train()), labels);
    Map<String, Object> p = params();
    p.put("objective", "binary:logistic");
    p.put("base_score", 0.5);
    float[] expected = margins(XGBoost.train(train, p, 20, Map.of(), null, null), train);
    LosskitMetric metric = LosskitMetric.of("bce-with-logits");
    float start = metric.eval(new float[labels.length][1], train);
    float[] actual =
        margins(
            XGBoost.train(
                train, params(), 20, Map.of(), LosskitObjective.of("bce-with-logits"), null),
            train);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-3 * Math.max(1, Math.abs(expected[i])), "row " + i);
    }
    float end = metric.eval(toColumn(actual), train);
    assertTrue(end < 0.2 * start, "log loss " + start + " -> " + end);
  }

  private static float[][] toColumn(float[] v) {
    float[][] out = new float[v.length][1];
    for (int i = 0; i < v.length; i++) {
      out[i][0] = v[i];
    }
    return out;
  }
}

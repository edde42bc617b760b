package dev.losskit.xgboost.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.xgboost.experiment.BoostingExperiment.Row;
import dev.losskit.xgboost.experiment.BoostingExperiment.Settings;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BoostingExperimentTest {

  private static double value(List<Row> rows, String condition, String objective, String metric) {
    return rows.stream()
        .filter(
            r ->
                r.condition().equals(condition)
                    && r.objective().equals(objective)
                    && r.metric().equals(metric))
        .mapToDouble(Row::value)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void shortRunComparesLikeWithLike() throws Exception {
    Settings s = new Settings(1, 20, 0.15);
    List<Row> rows = BoostingExperiment.run(s);
    for (Row r : rows) {
      assertTrue(Double.isFinite(r.value()) && r.value() >= 0, r.toString());
    }
    // The catalogue's pseudo-huber is XGBoost's pseudo-Huber objective: the same trees.
    for (String condition : List.of("clean", "15% corrupted")) {
      for (String metric : List.of("rmse", "mae")) {
        assertEquals(
            value(rows, condition, "reg:pseudohubererror (huber_slope=1)", metric),
            value(rows, condition, "pseudo-huber delta=1", metric),
            1e-3,
            condition + " " + metric);
      }
    }
    // bce-with-logits is binary:logistic.
    for (String metric : List.of("log_loss", "accuracy", "auc")) {
      assertEquals(
          value(rows, "all", "binary:logistic", metric),
          value(rows, "all", "bce-with-logits", metric),
          1e-3,
          metric);
    }
    // The corrupted targets do hurt squared error on clean test targets.
    assertTrue(
        value(rows, "15% corrupted", "mse", "rmse") > 1.2 * value(rows, "clean", "mse", "rmse"));
    String table = BoostingExperiment.markdown(rows, s);
    assertTrue(table.contains("| huber delta=1 | losskit |"), table);
    String csv = BoostingExperiment.csv(rows);
    assertEquals(rows.size() + 1, csv.split("\n").length);
  }

  @Test
  void aucCountsOrderedPairsAndHalvesTies() {
    float[] labels = {0, 0, 1, 1};
    assertEquals(0.75, BoostingExperiment.auc(new float[] {0.1f, 0.4f, 0.35f, 0.8f}, labels));
    assertEquals(0.5, BoostingExperiment.auc(new float[] {1, 1, 1, 1}, labels));
    assertEquals(1.0, BoostingExperiment.auc(new float[] {0, 1, 2, 3}, labels));
  }

  @Test
  void corruptionShiftsTheGivenShareByFourToEightDeviations() {
    double[] y = new double[200];
    for (int i = 0; i < y.length; i++) {
      y[i] = i % 2 == 0 ? 1 : -1; // mean 0, standard deviation 1
    }
    double[] c = y.clone();
    BoostingExperiment.corrupt(c, 0.15, new SplittableRandom(3));
    int changed = 0;
    for (int i = 0; i < y.length; i++) {
      double shift = Math.abs(c[i] - y[i]);
      if (shift > 0) {
        changed++;
        assertTrue(shift >= 4 && shift <= 8, "shift " + shift);
      }
    }
    assertEquals(30, changed);
  }
}

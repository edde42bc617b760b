package dev.losskit.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.experiment.Datasets.Series;
import dev.losskit.experiment.Datasets.Split;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each experiment in its quick mode: it runs, repeats itself for a seed, and behaves sanely. */
class TrainingExperimentsTest {
  @Test
  void everyLossIdIsInTheCatalogue() {
    for (List<Candidate> losses :
        List.of(
            OutliersExperiment.LOSSES, ImbalanceExperiment.LOSSES, LabelNoiseExperiment.LOSSES)) {
      for (Candidate c : losses) {
        assertTrue(Catalog.builtin().get(c.id()) != null, c.id());
      }
    }
    for (String id : ForecastingExperiment.MODELS) {
      assertTrue(Catalog.builtin().get(id) != null, id);
    }
  }

  @Test
  void outliers() {
    OutliersExperiment.Settings s = OutliersExperiment.Settings.quick();
    ResultTable t = OutliersExperiment.run(s, OutliersExperiment.LOSSES);
    assertEquals(t.csv(), OutliersExperiment.run(s, OutliersExperiment.LOSSES).csv());
    // Clean targets: least squares beats predicting the median.
    assertTrue(
        t.mean("mse", "MAE 0%") < 0.8 * t.mean(OutliersExperiment.CONSTANT, "MAE 0%"),
        t.markdown());
    // 30% gross upward errors drag mse's fit far off; mae's barely moves.
    assertTrue(t.mean("mae", "MAE 30%") < 0.6 * t.mean("mse", "MAE 30%"), t.markdown());
  }

  @Test
  void outlierTrainingLossDecreases() {
    Datasets.Table d = Datasets.diabetes();
    Split split = Datasets.split(d.rows(), 0.2, 0);
    double[][] x = Datasets.standardize(d.x(), split.train(), OutliersExperiment.allRows(d.rows()));
    double[] z = new double[d.rows()];
    for (int i = 0; i < z.length; i++) {
      z[i] = (d.y()[i] - 150) / 75;
    }
    for (Candidate c : OutliersExperiment.LOSSES) {
      double[] h =
          OutliersExperiment.fit(new Network(10, 0, 1, 0), x, z, split.train(), c.create(), 200, 0);
      assertTrue(h[h.length - 1] < 0.7 * h[0], c.label() + ": " + h[0] + " -> " + h[h.length - 1]);
    }
  }

  @Test
  void corruptionShiftsExactlyTheShareUpwards() {
    double[] y = new double[100];
    for (int i = 0; i < y.length; i++) {
      y[i] = i % 7;
    }
    int[] rows = OutliersExperiment.allRows(80);
    double[] c = OutliersExperiment.corrupt(y, rows, 0.25, 3);
    int changed = 0;
    for (int i = 0; i < y.length; i++) {
      if (c[i] != y[i]) {
        changed++;
        assertTrue(i < 80, "only training rows");
        assertTrue(c[i] - y[i] >= 3 * 1.9 && c[i] - y[i] <= 10 * 2.1, "3 to 10 sd (sd = 2) up");
      }
    }
    assertEquals(20, changed);
  }

  @Test
  void imbalance() {
    ImbalanceExperiment.Settings s = ImbalanceExperiment.Settings.quick();
    ResultTable t = ImbalanceExperiment.run(s, ImbalanceExperiment.LOSSES);
    assertEquals(t.csv(), ImbalanceExperiment.run(s, ImbalanceExperiment.LOSSES).csv());
    for (String row : t.rows()) {
      // About 37% of the test rows are malignant: a useless ranking scores about 0.37.
      assertTrue(t.mean(row, "AP") > 0.9, row + "\n" + t.markdown());
    }
    // Weighting the positives up moves the decision boundary towards the negatives.
    assertTrue(
        t.mean("bce-with-logits pos-weight=n_neg/n_pos", "recall")
            >= t.mean("bce-with-logits", "recall"),
        t.markdown());
  }

  @Test
  void subsampleKeepsEveryNegativeAndFivePercentPositives() {
    double[] positive = new double[400];
    for (int i = 0; i < 200; i++) {
      positive[i] = 1;
    }
    int[] kept = ImbalanceExperiment.subsample(positive, OutliersExperiment.allRows(400), 0.05, 1);
    int pos = 0;
    for (int r : kept) {
      pos += (int) positive[r];
    }
    assertEquals(200 + 11, kept.length); // round(0.05 / 0.95 * 200) = 11
    assertEquals(11, pos);
  }

  @Test
  void averagePrecisionAsScikitLearn() {
    // sklearn.metrics.average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.8333...
    assertEquals(
        5.0 / 6,
        ImbalanceExperiment.averagePrecision(
            new float[] {0.1f, 0.4f, 0.35f, 0.8f}, new double[] {0, 0, 1, 1}),
        1e-12);
    // Tied scores form one threshold: precision 1/2 at recall 1.
    assertEquals(
        0.5, ImbalanceExperiment.averagePrecision(new float[] {1, 1}, new double[] {0, 1}), 1e-12);
  }

  @Test
  void labelNoise() {
    LabelNoiseExperiment.Settings s = LabelNoiseExperiment.Settings.quick();
    ResultTable t = LabelNoiseExperiment.run(s, LabelNoiseExperiment.LOSSES);
    assertEquals(t.csv(), LabelNoiseExperiment.run(s, LabelNoiseExperiment.LOSSES).csv());
    for (String row : t.rows()) {
      // Chance is 0.1; even with 40% wrong labels the majority label of each class is right.
      assertTrue(t.mean(row, "test acc 40%") > 0.6, row + "\n" + t.markdown());
    }
  }

  @Test
  void labelNoiseTrainingLossDecreases() {
    Datasets.Table d = Datasets.digits();
    int[] labels = new int[d.rows()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = (int) d.y()[i];
    }
    int[] rows = OutliersExperiment.allRows(300);
    double[][] x = Datasets.standardize(d.x(), rows, rows);
    for (Candidate c : LabelNoiseExperiment.LOSSES) {
      double[] h =
          LabelNoiseExperiment.fit(new Network(64, 8, 10, 0), x, labels, rows, c.create(), 5, 0);
      assertTrue(h[4] < 0.8 * h[0], c.label() + ": " + h[0] + " -> " + h[4]);
    }
  }

  @Test
  void flipChangesExactlyTheShareToAnotherClass() {
    int[] labels = new int[50];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % 10;
    }
    int[] noisy = LabelNoiseExperiment.flip(labels, OutliersExperiment.allRows(40), 0.4, 10, 2);
    int changed = 0;
    for (int i = 0; i < labels.length; i++) {
      assertTrue(noisy[i] >= 0 && noisy[i] < 10);
      if (noisy[i] != labels[i]) {
        changed++;
        assertTrue(i < 40, "only training rows");
      }
    }
    assertEquals(16, changed);
  }

  @Test
  void forecasting() {
    ForecastingExperiment.Settings s = ForecastingExperiment.Settings.quick();
    ResultTable t = ForecastingExperiment.run(s, ForecastingExperiment.MODELS);
    assertEquals(t.csv(), ForecastingExperiment.run(s, ForecastingExperiment.MODELS).csv());
    double noChange = noChangeMae(s.horizon());
    for (String model : ForecastingExperiment.MODELS) {
      assertTrue(t.mean(model, "MAE") < 0.8 * noChange, model + " vs " + noChange);
      assertTrue(t.mean(model, "width 90%") > t.mean(model, "width 80%"), model);
      assertTrue(t.mean(model, "coverage 90%") >= t.mean(model, "coverage 80%"), model);
      double c80 = t.mean(model, "coverage 80%");
      assertTrue(c80 > 0.5 && c80 < 0.95, model + " covers " + c80);
    }
  }

  /** MAE on the tail of forecasting no change, y[t+h] = y[t]: what the models must beat. */
  private static double noChangeMae(int h) {
    Series s = Datasets.co2();
    int cut = (int) Math.round(0.8 * s.values().length);
    double sum = 0;
    int n = 0;
    for (int t = cut - h; t + h < s.values().length; t++) {
      if (s.observed()[t + h]) {
        sum += Math.abs(s.values()[t + h] - s.values()[t]);
        n++;
      }
    }
    return sum / n;
  }

  @Test
  void normalQuantilesAreSymmetric() {
    assertEquals(0, ForecastingExperiment.normalQuantile(9));
    assertEquals(-1.644853627, ForecastingExperiment.normalQuantile(0), 1e-9);
    for (int k = 0; k < 19; k++) {
      assertEquals(
          -ForecastingExperiment.normalQuantile(18 - k),
          ForecastingExperiment.normalQuantile(k),
          0.0);
    }
    assertNotEquals(
        ForecastingExperiment.normalQuantile(1), ForecastingExperiment.normalQuantile(2));
  }

  @Test
  void badSettingsAreNamed() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new OutliersExperiment.Settings(List.of(1.0), 1, 1, 0));
    assertTrue(e.getMessage().startsWith("shares:"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ForecastingExperiment.run(ForecastingExperiment.Settings.quick(), List.of("mse")));
    assertTrue(e.getMessage().startsWith("models:"), e.getMessage());
  }
}

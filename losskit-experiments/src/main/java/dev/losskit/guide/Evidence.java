package dev.losskit.guide;

import dev.losskit.Task;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Reasons drawn from the project's own measurements: the committed results of {@code losskit
 * experiment NAME} (docs/experiments/NAME.csv, packaged with this module).
 */
public interface Evidence {
  /**
   * A measured reason for or against one loss.
   *
   * @param id the catalogue id
   * @param when the conditions the measurement speaks to (all must hold in the situation)
   * @param reason the reason, with the numbers and the command that produced them
   */
  record Finding(String id, Set<Condition> when, Reason reason) {}

  /**
   * The findings that apply to {@code situation} (none when the measurement says nothing of it).
   */
  List<Finding> findings(Situation situation);

  /** The experiments whose results ship with losskit. */
  static List<Evidence> builtin() {
    Set<Task> regression = EnumSet.of(Task.REGRESSION, Task.TABULAR);
    Set<Task> classification = EnumSet.of(Task.CLASSIFICATION, Task.TABULAR);
    return List.of(
        new BoxRegressionEvidence(),
        new ComparisonEvidence(
            "outliers",
            regression,
            Condition.OUTLIERS,
            "MAE 30%",
            false,
            "diabetes, 30% of training targets corrupted, test MAE on clean targets"),
        new ComparisonEvidence(
            "imbalance",
            classification,
            Condition.SEVERE_IMBALANCE,
            "F1",
            true,
            "breast cancer with 5% positives in training, test F1"),
        new ComparisonEvidence(
            "label-noise",
            classification,
            Condition.NOISY_LABELS,
            "test acc 40%",
            true,
            "digits with 40% symmetric label noise, clean test accuracy"),
        new ComparisonEvidence(
            "forecasting",
            EnumSet.of(Task.TIME_SERIES),
            Condition.UNCERTAINTY,
            "CRPS (19 quantiles)",
            false,
            "CO2 held-out tail, CRPS"));
  }

  /** The rows of a committed experiment table: header first; null when the file is absent. */
  static List<String[]> table(String name) {
    String path = "/dev/losskit/guide/evidence/" + name + ".csv";
    try (InputStream in = Evidence.class.getResourceAsStream(path)) {
      if (in == null) {
        return null;
      }
      List<String[]> rows = new ArrayList<>();
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank()) {
          rows.add(line.split(",", -1));
        }
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": cannot read", e);
    }
  }
}

package dev.losskit.guide;

import dev.losskit.Catalog;
import dev.losskit.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One metric of a training experiment that compares losses ({@code losskit experiment NAME}, rows
 * {@code loss,metric,rep,value}): the best two losses gain weight and the worst loses it, but only
 * when the difference between best and worst exceeds twice the largest spread over repetitions;
 * otherwise every loss gets the measurement as an unweighted reason.
 */
final class ComparisonEvidence implements Evidence {
  private final String experiment;
  private final Set<Task> tasks;
  private final Condition condition;
  private final String metric;
  private final boolean higherIsBetter;
  private final String setting;

  /**
   * @param experiment the experiment's name (its CSV and command)
   * @param tasks the tasks it speaks to
   * @param condition the condition it tests
   * @param metric the metric column value to compare
   * @param higherIsBetter whether larger values of the metric are better
   * @param setting what was measured, for people (e.g. "diabetes, 30% corrupted targets")
   */
  ComparisonEvidence(
      String experiment,
      Set<Task> tasks,
      Condition condition,
      String metric,
      boolean higherIsBetter,
      String setting) {
    this.experiment = experiment;
    this.tasks = tasks;
    this.condition = condition;
    this.metric = metric;
    this.higherIsBetter = higherIsBetter;
    this.setting = setting;
  }

  @Override
  public List<Finding> findings(Situation situation) {
    if (!tasks.contains(situation.task()) || !situation.conditions().contains(condition)) {
      return List.of();
    }
    List<String[]> rows = Evidence.table(experiment);
    if (rows == null) {
      return List.of();
    }
    // Per loss variant (the label, e.g. "cross-entropy label-smoothing=0.1"): its values.
    Map<String, List<Double>> values = new LinkedHashMap<>();
    for (String[] r : rows.subList(1, rows.size())) {
      if (r.length == 4 && r[1].equals(metric)) {
        values.computeIfAbsent(r[0], k -> new ArrayList<>()).add(Double.parseDouble(r[3]));
      }
    }
    List<String> labels = new ArrayList<>();
    for (String label : values.keySet()) {
      if (Catalog.builtin().find(id(label)).isPresent()) {
        labels.add(label);
      }
    }
    if (labels.isEmpty()) {
      return List.of();
    }
    Map<String, double[]> stats = new LinkedHashMap<>();
    double maxSd = 0;
    for (String label : labels) {
      double[] s = meanAndSd(values.get(label));
      stats.put(label, s);
      maxSd = Math.max(maxSd, s[1]);
    }
    labels.sort(
        (a, b) ->
            higherIsBetter
                ? Double.compare(stats.get(b)[0], stats.get(a)[0])
                : Double.compare(stats.get(a)[0], stats.get(b)[0]));
    double spread =
        Math.abs(stats.get(labels.get(0))[0] - stats.get(labels.get(labels.size() - 1))[0]);
    boolean clear = labels.size() > 2 && spread > 2 * maxSd;
    List<Finding> out = new ArrayList<>();
    for (int rank = 0; rank < labels.size(); rank++) {
      String label = labels.get(rank);
      double[] s = stats.get(label);
      int weight = !clear ? 0 : rank == 0 ? 2 : rank == 1 ? 1 : rank == labels.size() - 1 ? -1 : 0;
      String text =
          String.format(
              Locale.ROOT,
              "measured (%s): %s %s %.3g ± %.2g, rank %d of %d%s",
              setting,
              label,
              metric,
              s[0],
              s[1],
              rank + 1,
              labels.size(),
              clear ? "" : " (no clear difference between the losses)");
      out.add(
          new Finding(
              id(label),
              Set.of(condition),
              new Reason(weight, text, "losskit experiment " + experiment)));
    }
    return out;
  }

  /** The catalogue id of a label such as {@code "sigmoid-focal alpha=0.95 gamma=2"}. */
  private static String id(String label) {
    int space = label.indexOf(' ');
    return space < 0 ? label : label.substring(0, space);
  }

  private static double[] meanAndSd(List<Double> xs) {
    double mean = 0;
    for (double x : xs) {
      mean += x;
    }
    mean /= xs.size();
    double ss = 0;
    for (double x : xs) {
      ss += (x - mean) * (x - mean);
    }
    return new double[] {mean, xs.size() > 1 ? Math.sqrt(ss / (xs.size() - 1)) : 0};
  }
}

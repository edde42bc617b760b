package dev.losskit.xgboost.experiment;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.experiment.Datasets;
import dev.losskit.xgboost.LosskitObjective;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Gradient boosting with the catalogue's losses as XGBoost objectives, against XGBoost's built-in
 * objectives, on two real data sets, with the same trees and hyper-parameters for every objective.
 *
 * <ul>
 *   <li><b>diabetes</b> (442 rows, 10 features): regression of disease progression, once with the
 *       training targets as they are and once with a share of them corrupted (shifted by 4 to 8
 *       standard deviations, up or down at random); the test error (RMSE and MAE) is measured on
 *       clean test targets. Targets are centred on the training median and scaled by the training
 *       MAD (times 1.4826), robust statistics that outliers barely move, so that {@code delta = 1}
 *       means one robust standard deviation for every robust loss.
 *   <li><b>breast-cancer</b> (569 rows, 30 features): malignant (1) against benign (0); test log
 *       loss, accuracy at probability 1/2 and ROC AUC.
 * </ul>
 *
 * <p>Each setting is repeated over seeded 75/25 splits; corruption uses the same seed. Every
 * booster has {@code max_depth 3, eta 0.1, lambda 1, min_child_weight 1}, the given number of
 * rounds, one thread and {@code base_score} at the margin 0 (the median for the regression,
 * probability 1/2 for the classification).
 */
public final class BoostingExperiment {

  /** What to run. */
  public record Settings(int seeds, int rounds, double corruptedShare) {
    /** The documented run: 5 splits, 100 rounds, 15% corrupted training targets. */
    public static Settings standard() {
      return new Settings(5, 100, 0.15);
    }
  }

  /**
   * One objective: XGBoost's built-in one ({@code objective} set in the parameters) or a catalogue
   * loss through {@link LosskitObjective}.
   */
  public record Candidate(
      String name, String implementation, Map<String, Object> params, LosskitObjective objective) {
    static Candidate builtIn(String name, Map<String, Object> params) {
      return new Candidate(name, "xgboost", params, null);
    }

    static Candidate losskit(String id, Map<String, Object> lossParams) {
      String name = lossParams.isEmpty() ? id : id + " " + render(lossParams);
      return new Candidate(name, "losskit", Map.of(), LosskitObjective.of(id, lossParams));
    }

    Candidate withHessianFloor(double floor) {
      return new Candidate(
          name + " (Hessian floor " + number(floor) + ")",
          implementation,
          params,
          objective.withHessianFloor(floor));
    }
  }

  /** One measurement: a metric of one candidate on one split. */
  public record Row(
      String task,
      String condition,
      String objective,
      String implementation,
      long seed,
      String metric,
      double value) {}

  /** The regression objectives compared. */
  public static List<Candidate> regressionCandidates() {
    return List.of(
        Candidate.builtIn("reg:squarederror", Map.of("objective", "reg:squarederror")),
        Candidate.losskit("mse", Map.of()),
        Candidate.builtIn(
            "reg:pseudohubererror (huber_slope=1)",
            Map.of("objective", "reg:pseudohubererror", "huber_slope", 1.0)),
        Candidate.losskit("pseudo-huber", Map.of("delta", 1.0)),
        Candidate.losskit("huber", Map.of("delta", 1.0)),
        // huber's Hessian is 0 beyond delta; a floor of 1 makes it 1 everywhere (unit curvature).
        Candidate.losskit("huber", Map.of("delta", 1.0)).withHessianFloor(1.0),
        Candidate.losskit("log-cosh", Map.of()),
        Candidate.builtIn("reg:absoluteerror", Map.of("objective", "reg:absoluteerror")));
  }

  /** The classification objectives compared. */
  public static List<Candidate> classificationCandidates() {
    return List.of(
        Candidate.builtIn(
            "binary:logistic", Map.of("objective", "binary:logistic", "base_score", 0.5)),
        Candidate.losskit("bce-with-logits", Map.of()),
        Candidate.losskit("sigmoid-focal", Map.of("alpha", 0.25, "gamma", 2.0)),
        Candidate.losskit("sigmoid-focal", Map.of("alpha", -1.0, "gamma", 2.0)));
  }

  private BoostingExperiment() {}

  /** Runs every candidate on every task, condition and split. */
  public static List<Row> run(Settings s) throws XGBoostError {
    warmUp();
    List<Row> rows = new ArrayList<>();
    Datasets.Table diabetes = Datasets.diabetes();
    Datasets.Table cancer = Datasets.breastCancer();
    for (long seed = 0; seed < s.seeds(); seed++) {
      rows.addAll(regression(diabetes, "clean", 0, seed, s));
      rows.addAll(
          regression(
              diabetes,
              Math.round(100 * s.corruptedShare()) + "% corrupted",
              s.corruptedShare(),
              seed,
              s));
      rows.addAll(classification(cancer, seed, s));
    }
    return rows;
  }

  private static Map<String, Object> trees() {
    Map<String, Object> p = new HashMap<>();
    p.put("max_depth", 3);
    p.put("eta", 0.1);
    p.put("lambda", 1.0);
    p.put("min_child_weight", 1.0);
    p.put("base_score", 0.0);
    p.put("tree_method", "hist");
    p.put("nthread", 1);
    p.put("seed", 0);
    p.put("verbosity", 0);
    return p;
  }

  private static List<Row> regression(
      Datasets.Table t, String condition, double share, long seed, Settings s) throws XGBoostError {
    Datasets.Split split = Datasets.split(t.rows(), 0.25, seed);
    double[] yTrain = Datasets.select(t.y(), split.train());
    double[] yTest = Datasets.select(t.y(), split.test());
    corrupt(yTrain, share, new SplittableRandom(seed));
    double centre = median(yTrain);
    double[] dev = new double[yTrain.length];
    for (int i = 0; i < dev.length; i++) {
      dev[i] = Math.abs(yTrain[i] - centre);
    }
    double scale = 1.4826 * median(dev);
    DMatrix train =
        matrix(
            Datasets.standardize(t.x(), split.train(), split.train()),
            scaled(yTrain, centre, scale));
    DMatrix test =
        matrix(
            Datasets.standardize(t.x(), split.train(), split.test()), scaled(yTest, centre, scale));
    List<Row> rows = new ArrayList<>();
    for (Candidate c : regressionCandidates()) {
      long start = System.nanoTime();
      Booster b = train(c, train, s.rounds());
      double millis = (System.nanoTime() - start) / 1e6;
      float[] m = margins(b, test);
      double se = 0;
      double ae = 0;
      for (int i = 0; i < m.length; i++) {
        double r = centre + scale * m[i] - yTest[i];
        se += r * r;
        ae += Math.abs(r);
      }
      rows.add(row("diabetes", condition, c, seed, "rmse", Math.sqrt(se / m.length)));
      rows.add(row("diabetes", condition, c, seed, "mae", ae / m.length));
      rows.add(row("diabetes", condition, c, seed, "train_ms", millis));
      b.dispose();
    }
    train.dispose();
    test.dispose();
    return rows;
  }

  private static List<Row> classification(Datasets.Table t, long seed, Settings s)
      throws XGBoostError {
    Datasets.Split split = Datasets.split(t.rows(), 0.25, seed);
    // The file's class 0 is malignant; make it the positive class.
    float[] yTrain = malignant(Datasets.select(t.y(), split.train()));
    float[] yTest = malignant(Datasets.select(t.y(), split.test()));
    DMatrix train = matrix(Datasets.standardize(t.x(), split.train(), split.train()), yTrain);
    DMatrix test = matrix(Datasets.standardize(t.x(), split.train(), split.test()), yTest);
    Loss logLoss = Catalog.builtin().create("bce-with-logits");
    List<Row> rows = new ArrayList<>();
    for (Candidate c : classificationCandidates()) {
      long start = System.nanoTime();
      Booster b = train(c, train, s.rounds());
      double millis = (System.nanoTime() - start) / 1e6;
      float[] m = margins(b, test);
      int correct = 0;
      for (int i = 0; i < m.length; i++) {
        correct += (m[i] > 0) == (yTest[i] == 1) ? 1 : 0;
      }
      double ll = logLoss.value(Reduction.MEAN, Tensor.of(m), Tensor.of(yTest));
      rows.add(row("breast-cancer", "all", c, seed, "log_loss", ll));
      rows.add(row("breast-cancer", "all", c, seed, "accuracy", (double) correct / m.length));
      rows.add(row("breast-cancer", "all", c, seed, "auc", auc(m, yTest)));
      rows.add(row("breast-cancer", "all", c, seed, "train_ms", millis));
      b.dispose();
    }
    train.dispose();
    test.dispose();
    return rows;
  }

  private static Booster train(Candidate c, DMatrix train, int rounds) throws XGBoostError {
    Map<String, Object> p = trees();
    p.putAll(c.params());
    return XGBoost.train(train, p, rounds, Map.of(), c.objective(), null);
  }

  /** Loads the native library and compiles the hot paths before anything is timed. */
  private static void warmUp() throws XGBoostError {
    float[] y = new float[64];
    double[][] x = new double[64][1];
    for (int i = 0; i < y.length; i++) {
      x[i][0] = i;
      y[i] = i % 7;
    }
    DMatrix d = matrix(x, y);
    for (Candidate c : regressionCandidates()) {
      train(c, d, 20).dispose();
    }
    d.dispose();
  }

  private static Row row(
      String task, String condition, Candidate c, long seed, String metric, double value) {
    return new Row(task, condition, c.name(), c.implementation(), seed, metric, value);
  }

  /** Shifts a seeded share of the targets by 4 to 8 standard deviations, up or down. */
  static void corrupt(double[] y, double share, SplittableRandom random) {
    if (share == 0) {
      return;
    }
    double mean = Arrays.stream(y).average().orElse(0);
    double sd = Math.sqrt(Arrays.stream(y).map(v -> (v - mean) * (v - mean)).average().orElse(0));
    int[] order = Datasets.permutation(y.length, random);
    int n = (int) Math.round(share * y.length);
    for (int i = 0; i < n; i++) {
      double shift = (4 + 4 * random.nextDouble()) * sd;
      y[order[i]] += random.nextBoolean() ? shift : -shift;
    }
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  }

  /** ROC AUC: the probability that a random positive scores above a random negative (ties 1/2). */
  static double auc(float[] score, float[] label) {
    Integer[] order = new Integer[score.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Float.compare(score[a], score[b]));
    double rankSum = 0;
    long positives = 0;
    for (int i = 0; i < order.length; ) {
      int j = i;
      while (j < order.length && score[order[j]] == score[order[i]]) {
        j++;
      }
      double rank = (i + 1 + j) / 2.0; // average rank of the tied block
      for (int k = i; k < j; k++) {
        if (label[order[k]] == 1) {
          rankSum += rank;
          positives++;
        }
      }
      i = j;
    }
    long negatives = score.length - positives;
    return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  private static float[] malignant(double[] y) {
    float[] out = new float[y.length];
    for (int i = 0; i < y.length; i++) {
      out[i] = y[i] == 0 ? 1f : 0f;
    }
    return out;
  }

  private static float[] scaled(double[] y, double centre, double scale) {
    float[] out = new float[y.length];
    for (int i = 0; i < y.length; i++) {
      out[i] = (float) ((y[i] - centre) / scale);
    }
    return out;
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

  private static float[] margins(Booster b, DMatrix d) throws XGBoostError {
    float[][] p = b.predict(d, true);
    float[] out = new float[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = p[i][0];
    }
    return out;
  }

  private static String render(Map<String, Object> params) {
    List<String> parts = new ArrayList<>();
    new java.util.TreeMap<>(params).forEach((k, v) -> parts.add(k + "=" + number(v)));
    return String.join(" ", parts);
  }

  private static String number(Object v) {
    if (v instanceof Double d && d == Math.rint(d)) {
      return Long.toString(d.longValue());
    }
    return String.valueOf(v);
  }

  /** The rows as CSV, one measurement per line. */
  public static String csv(List<Row> rows) {
    StringBuilder b =
        new StringBuilder("task,condition,objective,implementation,seed,metric,value\n");
    for (Row r : rows) {
      b.append(r.task())
          .append(',')
          .append(r.condition())
          .append(',')
          .append(r.objective())
          .append(',')
          .append(r.implementation())
          .append(',')
          .append(r.seed())
          .append(',')
          .append(r.metric())
          .append(',')
          .append(String.format(Locale.ROOT, "%.6g", r.value()))
          .append('\n');
    }
    return b.toString();
  }

  /** Markdown tables of the mean (and standard deviation) over splits of each metric. */
  public static String markdown(List<Row> rows, Settings s) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "Diabetes regression, test error on clean targets (mean +/- sd over %d splits, %d rounds):%n%n",
            s.seeds(),
            s.rounds()));
    String corrupted = Math.round(100 * s.corruptedShare()) + "% corrupted";
    b.append("| objective | implementation | RMSE, clean | MAE, clean | RMSE, ")
        .append(corrupted)
        .append(" | MAE, ")
        .append(corrupted)
        .append(" | ms per model |\n|---|---|---|---|---|---|---|\n");
    for (Candidate c : regressionCandidates()) {
      b.append("| ").append(c.name()).append(" | ").append(c.implementation());
      b.append(" | ").append(cell(rows, "diabetes", "clean", c.name(), "rmse", 2));
      b.append(" | ").append(cell(rows, "diabetes", "clean", c.name(), "mae", 2));
      b.append(" | ").append(cell(rows, "diabetes", corrupted, c.name(), "rmse", 2));
      b.append(" | ").append(cell(rows, "diabetes", corrupted, c.name(), "mae", 2));
      b.append(" | ").append(mean(rows, "diabetes", null, c.name(), "train_ms", 0));
      b.append(" |\n");
    }
    b.append(
        String.format(
            Locale.ROOT,
            "%nBreast cancer (malignant positive), test set (mean +/- sd over %d splits, %d rounds):%n%n",
            s.seeds(),
            s.rounds()));
    b.append(
        "| objective | implementation | log loss | accuracy | ROC AUC | ms per model |\n"
            + "|---|---|---|---|---|---|\n");
    for (Candidate c : classificationCandidates()) {
      b.append("| ").append(c.name()).append(" | ").append(c.implementation());
      b.append(" | ").append(cell(rows, "breast-cancer", "all", c.name(), "log_loss", 3));
      b.append(" | ").append(cell(rows, "breast-cancer", "all", c.name(), "accuracy", 3));
      b.append(" | ").append(cell(rows, "breast-cancer", "all", c.name(), "auc", 4));
      b.append(" | ").append(mean(rows, "breast-cancer", "all", c.name(), "train_ms", 0));
      b.append(" |\n");
    }
    return b.toString();
  }

  private static double[] values(
      List<Row> rows, String task, String condition, String objective, String metric) {
    return rows.stream()
        .filter(
            r ->
                r.task().equals(task)
                    && (condition == null || r.condition().equals(condition))
                    && r.objective().equals(objective)
                    && r.metric().equals(metric))
        .mapToDouble(Row::value)
        .toArray();
  }

  private static String cell(
      List<Row> rows, String task, String condition, String objective, String metric, int digits) {
    double[] v = values(rows, task, condition, objective, metric);
    double m = Arrays.stream(v).average().orElse(Double.NaN);
    double sd =
        v.length < 2
            ? 0
            : Math.sqrt(Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / (v.length - 1));
    return String.format(Locale.ROOT, "%." + digits + "f +/- %." + digits + "f", m, sd);
  }

  private static String mean(
      List<Row> rows, String task, String condition, String objective, String metric, int digits) {
    double m = Arrays.stream(values(rows, task, condition, objective, metric)).average().orElse(0);
    return String.format(Locale.ROOT, "%." + digits + "f", m);
  }

  /**
   * {@code BoostingExperiment [--out FILE] [--seeds N] [--rounds R] [--corrupted SHARE]}: prints
   * the tables and writes every measurement as CSV (default {@code boosting.csv}).
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    opts.put("--out", "boosting.csv");
    opts.put("--seeds", "5");
    opts.put("--rounds", "100");
    opts.put("--corrupted", "0.15");
    for (int i = 0; i < args.length; i++) {
      if (!opts.containsKey(args[i]) || i + 1 == args.length) {
        usage(
            "boosting: unknown option or missing value '"
                + args[i]
                + "'; expected "
                + String.join(", ", opts.keySet())
                + ", each with a value");
      }
      opts.put(args[i], args[++i]);
    }
    Settings s;
    try {
      s =
          new Settings(
              Integer.parseInt(opts.get("--seeds")),
              Integer.parseInt(opts.get("--rounds")),
              Double.parseDouble(opts.get("--corrupted")));
    } catch (NumberFormatException e) {
      usage("boosting: expected numbers for --seeds, --rounds and --corrupted: " + e.getMessage());
      return;
    }
    if (s.seeds() < 1 || s.rounds() < 1 || !(s.corruptedShare() > 0 && s.corruptedShare() < 1)) {
      usage(
          "boosting: expected --seeds and --rounds at least 1 and --corrupted in (0, 1), found "
              + s);
    }
    long start = System.nanoTime();
    List<Row> rows = run(s);
    Path dest = Paths.get(opts.get("--out")).toAbsolutePath();
    Path tmp = Files.createTempFile(dest.getParent(), "." + dest.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, csv(rows), StandardCharsets.UTF_8);
      Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    PrintStream out = System.out;
    out.print(markdown(rows, s));
    out.printf(
        Locale.ROOT,
        "%nMeasurements: %s (%.1f s in all)%n",
        opts.get("--out"),
        (System.nanoTime() - start) / 1e9);
  }

  private static void usage(String message) {
    System.err.println(message);
    System.exit(2);
  }
}

package dev.losskit.experiment;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.experiment.Datasets.Series;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Probabilistic forecasting: linear autoregressive forecasters of the weekly Mauna Loa CO2 series,
 * trained with a quantile loss or a Gaussian likelihood, scored on a held-out tail.
 *
 * <p>At each forecast origin {@code t} the inputs are the changes {@code y[t] - y[t-k]} for {@code
 * k = 1..lags} (standardised on the training origins) and the target is the change {@code y[t+h] -
 * y[t]}, {@code h} weeks ahead (centred and scaled on the training origins). Weeks without a
 * measurement are filled by interpolation as inputs, but never used as targets for training or
 * scoring. The last 20% of the weeks are the held-out tail: training uses the origins whose target
 * lies before it, scoring those whose target lies in it.
 *
 * <p>Models, each linear with several outputs, trained by full-batch Adam:
 *
 * <ul>
 *   <li>{@code multi-quantile}: 19 outputs, the quantiles at levels 0.05, 0.10, ..., 0.95 (sorted
 *       at prediction, the usual repair of crossings);
 *   <li>{@code gaussian-nll}: a mean and a variance (softplus of the second output);
 *   <li>{@code crps-gaussian}: a mean and a standard deviation (softplus), trained on the CRPS.
 * </ul>
 *
 * <p>Scores on the tail: empirical coverage and mean width of the central 80% and 90% intervals
 * (quantiles 0.1-0.9 and 0.05-0.95), the MAE of the median, and the CRPS. The CRPS is estimated the
 * same way for every model, as twice the mean pinball loss over the 19 levels (the catalogue's
 * {@code multi-quantile} value; it leaves out the outer tails, so it sits a little below the exact
 * CRPS); for the Gaussian models the exact CRPS ({@code crps-gaussian}) is given as well.
 */
public final class ForecastingExperiment {
  /** The models compared: the catalogue id of each one's training loss. */
  public static final List<String> MODELS =
      List.of("multi-quantile", "gaussian-nll", "crps-gaussian");

  /** The metric columns. */
  public static final List<String> COLUMNS =
      List.of(
          "coverage 80%",
          "coverage 90%", "width 80%", "width 90%", "MAE", "CRPS (19 quantiles)", "CRPS (exact)");

  static final double[] LEVELS = new double[19];

  /** Standard normal quantiles at 0.55, 0.60, ..., 0.95 (the lower half by symmetry). */
  private static final double[] Z_UPPER = {
    0.125661347,
    0.253347103,
    0.385320466,
    0.524400513,
    0.674489750,
    0.841621234,
    1.036433389,
    1.281551566,
    1.644853627
  };

  static {
    for (int k = 0; k < LEVELS.length; k++) {
      LEVELS[k] = (k + 1) / 20.0;
    }
  }

  /**
   * What to run.
   *
   * @param lags past changes the model sees
   * @param horizon weeks ahead
   * @param reps repetitions (seeds of the initial weights)
   * @param epochs full-batch Adam steps
   */
  public record Settings(int lags, int horizon, int reps, int epochs, long seed) {
    /** Validates the settings. */
    public Settings {
      if (lags < 1 || horizon < 1 || reps < 1 || epochs < 1) {
        throw new IllegalArgumentException(
            "lags, horizon, reps, epochs: expected at least 1, found "
                + lags
                + ", "
                + horizon
                + ", "
                + reps
                + ", "
                + epochs);
      }
    }

    /** The default: a year of lags, 4 weeks ahead, 3 repetitions. */
    public static Settings standard() {
      return new Settings(52, 4, 3, 500, 0);
    }

    /** A seconds-long check. */
    public static Settings quick() {
      return new Settings(52, 4, 1, 150, 0);
    }
  }

  private ForecastingExperiment() {}

  /** The origins, inputs and targets of one run. */
  private record Design(double[][] x, double[] target, int[] train, int[] test) {}

  /** Runs every model in every repetition. */
  public static ResultTable run(Settings s, List<String> models) {
    for (String m : models) {
      if (!MODELS.contains(m)) {
        throw new IllegalArgumentException("models: expected some of " + MODELS + ", found " + m);
      }
    }
    ResultTable table =
        new ResultTable(
            String.format(
                Locale.ROOT,
                "Weekly CO2 at Mauna Loa, linear AR(%d) forecasts %d weeks ahead; last 20%% of weeks"
                    + " held out",
                s.lags(),
                s.horizon()),
            COLUMNS,
            3);
    Design d = design(Datasets.co2(), s.lags(), s.horizon());
    double mean = 0;
    for (int r : d.train()) {
      mean += d.target()[r] / d.train().length;
    }
    double var = 0;
    for (int r : d.train()) {
      var += (d.target()[r] - mean) * (d.target()[r] - mean) / d.train().length;
    }
    double sd = Math.sqrt(var);
    double[] z = new double[d.target().length];
    for (int i = 0; i < z.length; i++) {
      z[i] = (d.target()[i] - mean) / sd;
    }
    for (int rep = 0; rep < s.reps(); rep++) {
      long seed = s.seed() + rep;
      for (String model : models) {
        // Quantiles of the change, in ppm, for each test origin: (test, 19).
        double[] q;
        double[] exactCrps = null;
        if (model.equals("multi-quantile")) {
          Network net = new Network(s.lags(), 0, LEVELS.length, seed);
          fitQuantiles(net, d.x(), z, d.train(), s.epochs(), seed);
          float[] out = net.forward(d.x(), d.test()).output();
          q = new double[out.length];
          for (int i = 0; i < out.length; i++) {
            q[i] = mean + sd * out[i];
          }
          for (int i = 0; i < d.test().length; i++) {
            Arrays.sort(q, i * LEVELS.length, (i + 1) * LEVELS.length);
          }
        } else {
          Network net = new Network(s.lags(), 0, 2, seed);
          fitGaussian(net, d.x(), z, d.train(), Catalog.builtin().create(model), s.epochs(), seed);
          float[] out = net.forward(d.x(), d.test()).output();
          int n = d.test().length;
          float[] mu = new float[n];
          float[] sigma = new float[n];
          float[] truth = new float[n];
          q = new double[n * LEVELS.length];
          for (int i = 0; i < n; i++) {
            double m = mean + sd * out[2 * i];
            double spread = softplus(out[2 * i + 1]);
            // gaussian-nll's second output is a variance, crps-gaussian's a standard deviation.
            double sdev = sd * (model.equals("gaussian-nll") ? Math.sqrt(spread) : spread);
            for (int k = 0; k < LEVELS.length; k++) {
              q[i * LEVELS.length + k] = m + sdev * normalQuantile(k);
            }
            mu[i] = (float) m;
            sigma[i] = (float) Math.max(sdev, 1e-6);
            truth[i] = (float) d.target()[d.test()[i]];
          }
          double crps =
              Catalog.builtin()
                  .create("crps-gaussian")
                  .value(Reduction.MEAN, Tensor.of(mu), Tensor.of(truth), Tensor.of(sigma));
          exactCrps = new double[] {crps};
        }
        score(table, model, rep, q, d, exactCrps);
      }
    }
    return table;
  }

  private static void score(
      ResultTable table, String model, int rep, double[] q, Design d, double[] exactCrps) {
    int n = d.test().length;
    int nq = LEVELS.length;
    int in80 = 0;
    int in90 = 0;
    double w80 = 0;
    double w90 = 0;
    double mae = 0;
    float[] truth = new float[n];
    float[] pred = new float[n * nq];
    for (int i = 0; i < n; i++) {
      double y = d.target()[d.test()[i]];
      truth[i] = (float) y;
      for (int k = 0; k < nq; k++) {
        pred[i * nq + k] = (float) q[i * nq + k];
      }
      double lo80 = q[i * nq + 1];
      double hi80 = q[i * nq + 17];
      double lo90 = q[i * nq];
      double hi90 = q[i * nq + 18];
      in80 += y >= lo80 && y <= hi80 ? 1 : 0;
      in90 += y >= lo90 && y <= hi90 ? 1 : 0;
      w80 += (hi80 - lo80) / n;
      w90 += (hi90 - lo90) / n;
      mae += Math.abs(q[i * nq + 9] - y) / n;
    }
    double pinball =
        Catalog.builtin()
            .create("multi-quantile", Map.of("quantiles", levels()))
            .value(Reduction.MEAN, Tensor.of(pred, n, nq), Tensor.of(truth));
    table.put(model, "coverage 80%", rep, (double) in80 / n);
    table.put(model, "coverage 90%", rep, (double) in90 / n);
    table.put(model, "width 80%", rep, w80);
    table.put(model, "width 90%", rep, w90);
    table.put(model, "MAE", rep, mae);
    table.put(model, "CRPS (19 quantiles)", rep, 2 * pinball);
    if (exactCrps != null) {
      table.put(model, "CRPS (exact)", rep, exactCrps[0]);
    }
  }

  /** Fits the 19 quantiles of the scaled targets {@code z} with {@code multi-quantile}. */
  static double[] fitQuantiles(
      Network net, double[][] x, double[] z, int[] rows, int epochs, long seed) {
    Loss loss = Catalog.builtin().create("multi-quantile", Map.of("quantiles", levels()));
    int n = rows.length;
    float[] target = new float[n];
    for (int i = 0; i < n; i++) {
      target[i] = (float) z[rows[i]];
    }
    Tensor t = Tensor.of(target);
    float[][] grads = new float[2][];
    // Full-batch steps: every call sees all rows, in the order of the target tensor.
    Trainer.Objective objective =
        (out, batch, gradOut) -> {
          grads[0] = gradOut;
          return loss.evaluate(
              Reduction.MEAN, new Tensor[] {Tensor.of(out, n, LEVELS.length), t}, null, grads);
        };
    return Trainer.fit(net, x, rows, objective, new Trainer.Schedule(epochs, n, 0.05, seed));
  }

  /**
   * Fits a mean (first output) and a spread (softplus of the second) of the scaled targets with a
   * loss of inputs (pred, target, spread): {@code gaussian-nll} (spread = variance) or {@code
   * crps-gaussian} (spread = standard deviation). The spread's gradient is carried back through the
   * softplus.
   */
  static double[] fitGaussian(
      Network net, double[][] x, double[] z, int[] rows, Loss loss, int epochs, long seed) {
    int n = rows.length;
    float[] target = new float[n];
    for (int i = 0; i < n; i++) {
      target[i] = (float) z[rows[i]];
    }
    Tensor t = Tensor.of(target);
    float[] mu = new float[n];
    float[] spread = new float[n];
    float[] gMu = new float[n];
    float[] gSpread = new float[n];
    float[][] grads = {gMu, null, gSpread};
    // Full-batch steps: every call sees all rows, in the order of the target tensor.
    Trainer.Objective objective =
        (out, batch, gradOut) -> {
          for (int i = 0; i < n; i++) {
            mu[i] = out[2 * i];
            // A floor keeps the standard deviation positive when the softplus underflows.
            spread[i] = (float) Math.max(softplus(out[2 * i + 1]), 1e-6);
          }
          double v =
              loss.evaluate(
                  Reduction.MEAN, new Tensor[] {Tensor.of(mu), t, Tensor.of(spread)}, null, grads);
          for (int i = 0; i < n; i++) {
            gradOut[2 * i] = gMu[i];
            gradOut[2 * i + 1] = (float) (gSpread[i] / (1 + Math.exp(-out[2 * i + 1])));
          }
          return v;
        };
    return Trainer.fit(net, x, rows, objective, new Trainer.Schedule(epochs, n, 0.05, seed));
  }

  private static Design design(Series s, int lags, int horizon) {
    double[] y = s.values();
    int cut = (int) Math.round(0.8 * y.length);
    List<double[]> xs = new ArrayList<>();
    List<Double> targets = new ArrayList<>();
    List<Integer> train = new ArrayList<>();
    List<Integer> test = new ArrayList<>();
    for (int t = lags; t + horizon < y.length; t++) {
      if (!s.observed()[t + horizon]) {
        continue;
      }
      double[] row = new double[lags];
      for (int k = 1; k <= lags; k++) {
        row[k - 1] = y[t] - y[t - k];
      }
      (t + horizon < cut ? train : test).add(xs.size());
      xs.add(row);
      targets.add(y[t + horizon] - y[t]);
    }
    double[][] raw = xs.toArray(new double[0][]);
    int[] trainRows = train.stream().mapToInt(Integer::intValue).toArray();
    int[] testRows = test.stream().mapToInt(Integer::intValue).toArray();
    double[][] x = Datasets.standardize(raw, trainRows, OutliersExperiment.allRows(raw.length));
    return new Design(
        x, targets.stream().mapToDouble(Double::doubleValue).toArray(), trainRows, testRows);
  }

  private static String levels() {
    StringJoiner j = new StringJoiner(",");
    for (double l : LEVELS) {
      j.add(String.format(Locale.ROOT, "%.2f", l));
    }
    return j.toString();
  }

  /** The standard normal quantile at level {@code LEVELS[k]}. */
  static double normalQuantile(int k) {
    return k < 9 ? -Z_UPPER[8 - k] : k == 9 ? 0 : Z_UPPER[k - 10];
  }

  private static double softplus(double u) {
    return u > 20 ? u : Math.log1p(Math.exp(u));
  }
}

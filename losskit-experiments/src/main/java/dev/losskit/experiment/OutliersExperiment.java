package dev.losskit.experiment;

import dev.losskit.Loss;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.experiment.Datasets.Split;
import dev.losskit.experiment.Datasets.Table;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Robust regression under corrupted targets: linear regression on the diabetes data, trained with
 * each loss on training targets of which a share is corrupted, scored on clean test targets.
 *
 * <p>Per repetition (seed): a random 80/20 split; a share of the training rows, chosen at random,
 * get their target shifted upwards by a uniform draw between 3 and 10 standard deviations of the
 * clean training targets (gross, one-sided errors, as from a unit or data-entry mistake); features
 * standardised on the training rows; targets centred and scaled by the median and the normalised
 * median absolute deviation of the (corrupted) training targets, so that each loss's threshold
 * ({@code delta}, {@code scale}) means about one standard deviation whatever the corruption; a
 * linear model fitted by full-batch Adam. The test error (MAE and RMSE in the target's units) is on
 * the test rows' clean targets. The {@code constant} row predicts the median of the training
 * targets, a trivial baseline.
 */
public final class OutliersExperiment {
  /** The losses compared. */
  public static final List<Candidate> LOSSES =
      List.of(
          Candidate.of("mse"),
          Candidate.of("mae"),
          Candidate.of("huber"),
          Candidate.of("log-cosh"),
          Candidate.of("pseudo-huber"),
          Candidate.of("general-robust", "alpha", "0"));

  /** Label of the trivial baseline's row. */
  public static final String CONSTANT = "constant (training median)";

  /**
   * What to run.
   *
   * @param shares shares of corrupted training targets, each in [0, 1)
   * @param reps repetitions, with seeds {@code seed, seed + 1, ...}
   * @param epochs full-batch Adam steps
   */
  public record Settings(List<Double> shares, int reps, int epochs, long seed) {
    /** Validates the settings. */
    public Settings {
      shares = List.copyOf(shares);
      for (double s : shares) {
        if (!(s >= 0 && s < 1)) {
          throw new IllegalArgumentException("shares: expected each in [0, 1), found " + s);
        }
      }
      if (reps < 1 || epochs < 1) {
        throw new IllegalArgumentException(
            "reps, epochs: expected at least 1, found " + reps + ", " + epochs);
      }
    }

    /** The default: 0%, 10%, 20% and 30% corruption, 5 repetitions. */
    public static Settings standard() {
      return new Settings(List.of(0.0, 0.1, 0.2, 0.3), 5, 1000, 0);
    }

    /** A seconds-long check: two shares, 2 repetitions, fewer steps. */
    public static Settings quick() {
      return new Settings(List.of(0.0, 0.3), 2, 500, 0);
    }
  }

  private OutliersExperiment() {}

  /** The column of a metric at a corruption share, e.g. {@code MAE 10%}. */
  public static String column(String metric, double share) {
    return String.format(Locale.ROOT, "%s %.0f%%", metric, 100 * share);
  }

  /** Runs every loss at every share and repetition. */
  public static ResultTable run(Settings s, List<Candidate> losses) {
    List<String> columns = new ArrayList<>();
    for (String metric : List.of("MAE", "RMSE")) {
      for (double share : s.shares()) {
        columns.add(column(metric, share));
      }
    }
    ResultTable table =
        new ResultTable(
            "Diabetes, linear regression, corrupted training targets; test MAE and RMSE on clean"
                + " targets",
            columns,
            1);
    Table data = Datasets.diabetes();
    for (int rep = 0; rep < s.reps(); rep++) {
      long seed = s.seed() + rep;
      Split split = Datasets.split(data.rows(), 0.2, seed);
      double[][] x = Datasets.standardize(data.x(), split.train(), allRows(data.rows()));
      double[] clean = data.y();
      for (double share : s.shares()) {
        double[] y = corrupt(clean, split.train(), share, seed);
        double[] train = Datasets.select(y, split.train());
        double centre = median(train);
        double scale = 1.4826 * median(absDev(train, centre));
        double[] z = new double[y.length];
        for (int i = 0; i < y.length; i++) {
          z[i] = (y[i] - centre) / scale;
        }
        double[] constant = new double[split.test().length];
        Arrays.fill(constant, centre);
        record(table, CONSTANT, share, rep, constant, Datasets.select(clean, split.test()));
        for (Candidate c : losses) {
          Network net = new Network(x[0].length, 0, 1, seed);
          fit(net, x, z, split.train(), c.create(), s.epochs(), seed);
          float[] out = net.forward(x, split.test()).output();
          double[] pred = new double[out.length];
          for (int i = 0; i < out.length; i++) {
            pred[i] = centre + scale * out[i];
          }
          record(table, c.label(), share, rep, pred, Datasets.select(clean, split.test()));
        }
      }
    }
    return table;
  }

  /**
   * Fits {@code net} to the targets {@code z} of {@code rows} with {@code loss} (pred, target) and
   * returns the training loss per step.
   */
  static double[] fit(
      Network net, double[][] x, double[] z, int[] rows, Loss loss, int steps, long s) {
    float[] target = new float[rows.length];
    for (int i = 0; i < rows.length; i++) {
      target[i] = (float) z[rows[i]];
    }
    Tensor t = Tensor.of(target);
    // One slot per declared input; optional ones (general-robust's alpha) stay null.
    int inputs = loss.spec().inputs().size();
    float[][] grads = new float[inputs][];
    Tensor[] in = new Tensor[inputs];
    in[1] = t;
    // Full-batch steps: every call sees all rows, in the order of the target tensor.
    Trainer.Objective objective =
        (out, batch, gradOut) -> {
          in[0] = Tensor.of(out);
          grads[0] = gradOut;
          return loss.evaluate(Reduction.MEAN, in, null, grads);
        };
    return Trainer.fit(net, x, rows, objective, new Trainer.Schedule(steps, rows.length, 0.05, s));
  }

  private static void record(
      ResultTable table, String row, double share, int rep, double[] pred, double[] truth) {
    double abs = 0;
    double sq = 0;
    for (int i = 0; i < pred.length; i++) {
      double r = pred[i] - truth[i];
      abs += Math.abs(r);
      sq += r * r;
    }
    table.put(row, column("MAE", share), rep, abs / pred.length);
    table.put(row, column("RMSE", share), rep, Math.sqrt(sq / pred.length));
  }

  /**
   * A copy of {@code y} in which {@code round(share * rows.length)} of the rows {@code rows}, drawn
   * from {@code seed}, are shifted up by 3 to 10 standard deviations of their clean values.
   */
  static double[] corrupt(double[] y, int[] rows, double share, long seed) {
    double[] out = y.clone();
    double[] clean = Datasets.select(y, rows);
    double mean = Arrays.stream(clean).average().orElse(0);
    double sd =
        Math.sqrt(Arrays.stream(clean).map(v -> (v - mean) * (v - mean)).average().orElse(0));
    SplittableRandom random = new SplittableRandom(seed * 31 + 17);
    int[] order = Datasets.permutation(rows.length, random);
    int k = (int) Math.round(share * rows.length);
    for (int i = 0; i < k; i++) {
      out[rows[order[i]]] += sd * (3 + 7 * random.nextDouble());
    }
    return out;
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  private static double[] absDev(double[] v, double c) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = Math.abs(v[i] - c);
    }
    return out;
  }

  static int[] allRows(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }
}

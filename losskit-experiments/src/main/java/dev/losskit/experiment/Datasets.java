package dev.losskit.experiment;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/**
 * The small real data sets the experiments train on, shipped as resources with their attribution
 * ({@code dev/losskit/experiment/data/SOURCES.md}), and the preparation every experiment shares:
 * standardisation with statistics of the training rows only, and a seeded train/test split.
 *
 * <p>Every loader parses the whole file on each call and returns fresh arrays the caller may
 * modify.
 */
public final class Datasets {
  private static final String DIR = "data/";

  private Datasets() {}

  /**
   * Rows of features with one target each.
   *
   * @param x {@code x[i]} the features of row {@code i}
   * @param y the target of each row: a value, or a class index for classification data
   * @param classes the class names, index by index; empty for regression data
   */
  public record Table(double[][] x, double[] y, List<String> classes) {
    /** Number of rows. */
    public int rows() {
      return y.length;
    }

    /** Number of features per row. */
    public int features() {
      return x.length == 0 ? 0 : x[0].length;
    }
  }

  /**
   * A regular time series.
   *
   * @param dates the date of each value (yyyymmdd)
   * @param values the values, gaps filled
   * @param observed whether each value was measured (false where a gap was filled)
   */
  public record Series(int[] dates, double[] values, boolean[] observed) {}

  /** The row indices of a train/test split. */
  public record Split(int[] train, int[] test) {}

  /**
   * Wisconsin diagnostic breast cancer: 569 rows of 30 features; class 0 is malignant (212 rows), 1
   * benign (357 rows), as in the file.
   */
  public static Table breastCancer() {
    List<String> lines = lines("breast_cancer.csv");
    String[] head = lines.get(0).split(",");
    Table t = parse("breast_cancer.csv", lines.subList(1, lines.size()), ",", true);
    return new Table(t.x(), t.y(), List.of(head[2], head[3]));
  }

  /** Handwritten digits: 1797 rows of 64 pixel values in 0..16 (an 8x8 image), class 0 to 9. */
  public static Table digits() {
    Table t = parse("digits.csv.gz", lines("digits.csv.gz"), ",", true);
    return new Table(t.x(), t.y(), List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
  }

  /**
   * Diabetes progression: 442 rows of 10 raw (unscaled) features (age, sex, bmi, blood pressure,
   * six serum measurements) and the disease progression one year later (25 to 346).
   */
  public static Table diabetes() {
    Table features =
        parse("diabetes_data_raw.csv.gz", lines("diabetes_data_raw.csv.gz"), " ", false);
    List<String> targets = lines("diabetes_target.csv.gz");
    if (targets.size() != features.rows()) {
      throw new IllegalStateException(
          "diabetes_target.csv.gz: expected "
              + features.rows()
              + " targets, one per feature row, found "
              + targets.size());
    }
    double[] y = new double[targets.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = number("diabetes_target.csv.gz", i + 1, targets.get(i));
    }
    return new Table(features.x(), y, List.of());
  }

  /**
   * Mauna Loa weekly CO2 in ppm, March 1958 to December 2001 (2284 weeks). The 59 weeks without a
   * measurement are filled by linear interpolation between the nearest measured weeks on either
   * side, which follows both the trend and, over gaps of a few weeks, the seasonal cycle.
   */
  public static Series co2() {
    List<String> lines = lines("co2.csv");
    int n = lines.size() - 1;
    int[] dates = new int[n];
    double[] values = new double[n];
    boolean[] observed = new boolean[n];
    for (int i = 0; i < n; i++) {
      String[] f = lines.get(i + 1).split(",", -1);
      if (f.length != 2) {
        throw new IllegalStateException(
            "co2.csv line " + (i + 2) + ": expected 2 fields, found " + f.length);
      }
      dates[i] = (int) number("co2.csv", i + 2, f[0]);
      observed[i] = !f[1].isBlank();
      values[i] = observed[i] ? number("co2.csv", i + 2, f[1]) : Double.NaN;
    }
    fillGaps(values, observed);
    return new Series(dates, values, observed);
  }

  /** Fills the unobserved values linearly between observed neighbours, flat beyond the ends. */
  static void fillGaps(double[] values, boolean[] observed) {
    int last = -1;
    for (int i = 0; i <= values.length; i++) {
      if (i < values.length && !observed[i]) {
        continue;
      }
      // Fill (last, i): between two observations, or before the first / after the last one.
      for (int k = last + 1; k < i; k++) {
        if (last < 0 && i == values.length) {
          throw new IllegalArgumentException("values: expected at least one observed value");
        } else if (last < 0) {
          values[k] = values[i];
        } else if (i == values.length) {
          values[k] = values[last];
        } else {
          double w = (double) (k - last) / (i - last);
          values[k] = (1 - w) * values[last] + w * values[i];
        }
      }
      last = i;
    }
  }

  /**
   * A seeded random split of {@code n} rows, {@code round(testShare * n)} of them (at least one) to
   * the test part; both parts in increasing row order.
   *
   * @throws IllegalArgumentException if {@code n < 2} or {@code testShare} is not in (0, 1)
   */
  public static Split split(int n, double testShare, long seed) {
    if (n < 2) {
      throw new IllegalArgumentException("n: expected at least 2 rows, found " + n);
    }
    if (!(testShare > 0 && testShare < 1)) {
      throw new IllegalArgumentException(
          "testShare: expected a number in (0, 1), found " + testShare);
    }
    int nTest = (int) Math.min(n - 1, Math.max(1, Math.round(testShare * n)));
    int[] order = permutation(n, new SplittableRandom(seed));
    boolean[] isTest = new boolean[n];
    for (int i = 0; i < nTest; i++) {
      isTest[order[i]] = true;
    }
    int[] train = new int[n - nTest];
    int[] test = new int[nTest];
    int a = 0;
    int b = 0;
    for (int i = 0; i < n; i++) {
      if (isTest[i]) {
        test[b++] = i;
      } else {
        train[a++] = i;
      }
    }
    return new Split(train, test);
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  public static int[] permutation(int n, SplittableRandom random) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /**
   * The rows {@code rows} of {@code x}, each column standardised to mean 0 and standard deviation 1
   * with the mean and (population) standard deviation of the rows {@code fitRows}; a column that is
   * constant on {@code fitRows} is only centred. Fitting on the training rows alone keeps the test
   * rows out of the preprocessing.
   *
   * @param x not modified
   */
  public static double[][] standardize(double[][] x, int[] fitRows, int[] rows) {
    if (fitRows.length == 0) {
      throw new IllegalArgumentException("fitRows: expected at least one row, found none");
    }
    int d = x[fitRows[0]].length;
    double[] mean = new double[d];
    double[] sd = new double[d];
    for (int r : fitRows) {
      for (int j = 0; j < d; j++) {
        mean[j] += x[r][j] / fitRows.length;
      }
    }
    for (int r : fitRows) {
      for (int j = 0; j < d; j++) {
        double c = x[r][j] - mean[j];
        sd[j] += c * c / fitRows.length;
      }
    }
    for (int j = 0; j < d; j++) {
      sd[j] = sd[j] > 0 ? Math.sqrt(sd[j]) : 1;
    }
    double[][] out = new double[rows.length][d];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < d; j++) {
        out[i][j] = (x[rows[i]][j] - mean[j]) / sd[j];
      }
    }
    return out;
  }

  /** The entries {@code rows} of {@code y}. */
  public static double[] select(double[] y, int[] rows) {
    double[] out = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = y[rows[i]];
    }
    return out;
  }

  private static Table parse(String file, List<String> lines, String sep, boolean labelLast) {
    int width = -1;
    double[][] x = new double[lines.size()][];
    double[] y = new double[lines.size()];
    for (int i = 0; i < lines.size(); i++) {
      String[] f = lines.get(i).trim().split(sep.equals(" ") ? "\\s+" : sep);
      if (width < 0) {
        width = f.length;
      } else if (f.length != width) {
        throw new IllegalStateException(
            file + " row " + (i + 1) + ": expected " + width + " fields, found " + f.length);
      }
      int d = labelLast ? width - 1 : width;
      x[i] = new double[d];
      for (int j = 0; j < d; j++) {
        x[i][j] = number(file, i + 1, f[j]);
      }
      y[i] = labelLast ? number(file, i + 1, f[d]) : Double.NaN;
    }
    return new Table(x, y, List.of());
  }

  private static double number(String file, int line, String s) {
    try {
      return Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException(
          file + " line " + line + ": expected a number, found '" + s + "'", e);
    }
  }

  private static List<String> lines(String name) {
    InputStream raw = Datasets.class.getResourceAsStream(DIR + name);
    if (raw == null) {
      throw new IllegalStateException("data set " + name + " is missing from the classpath");
    }
    try (InputStream in = name.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      List<String> out = new ArrayList<>();
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank()) {
          out.add(line);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("reading data set " + name, e);
    }
  }
}

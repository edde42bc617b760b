package dev.losskit.experiment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result of an experiment: one row per loss, one column per metric, one value per repetition
 * (seed) in each cell. Rendered as a markdown table of mean ± standard deviation over the
 * repetitions, and as a long CSV with every value.
 */
public final class ResultTable {
  private final String title;
  private final List<String> columns;
  private final int decimals;
  private final Map<String, double[][]> rows = new LinkedHashMap<>();

  /**
   * An empty table.
   *
   * @param decimals digits after the point in the markdown table
   */
  public ResultTable(String title, List<String> columns, int decimals) {
    this.title = title;
    this.columns = List.copyOf(columns);
    this.decimals = decimals;
  }

  /** Records the value of {@code column} for {@code row} in repetition {@code rep}. */
  public void put(String row, String column, int rep, double value) {
    int c = columns.indexOf(column);
    if (c < 0) {
      throw new IllegalArgumentException(
          "column: expected one of " + columns + ", found " + column);
    }
    double[][] cells = rows.computeIfAbsent(row, k -> new double[columns.size()][0]);
    if (cells[c].length <= rep) {
      double[] grown = Arrays.copyOf(cells[c], rep + 1);
      Arrays.fill(grown, cells[c].length, rep + 1, Double.NaN);
      cells[c] = grown;
    }
    cells[c][rep] = value;
  }

  public String title() {
    return title;
  }

  public List<String> columns() {
    return columns;
  }

  /** The row labels, in insertion order. */
  public List<String> rows() {
    return new ArrayList<>(rows.keySet());
  }

  /** The values of one cell, one per repetition (a copy; empty if never set). */
  public double[] values(String row, String column) {
    double[][] cells = rows.get(row);
    int c = columns.indexOf(column);
    if (cells == null || c < 0) {
      throw new IllegalArgumentException(
          "row, column: expected a recorded cell, found " + row + ", " + column);
    }
    return cells[c].clone();
  }

  /** Mean of a cell over its repetitions. */
  public double mean(String row, String column) {
    double[] v = values(row, column);
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  /** Sample standard deviation of a cell over its repetitions (0 for one repetition). */
  public double sd(String row, String column) {
    double[] v = values(row, column);
    if (v.length < 2) {
      return 0;
    }
    double m = mean(row, column);
    double s = 0;
    for (double x : v) {
      s += (x - m) * (x - m);
    }
    return Math.sqrt(s / (v.length - 1));
  }

  /** The markdown table: mean ± standard deviation over repetitions; a dash for an empty cell. */
  public String markdown() {
    StringBuilder b = new StringBuilder("| loss |");
    StringBuilder rule = new StringBuilder("|---|");
    for (String c : columns) {
      b.append(' ').append(c).append(" |");
      rule.append("---|");
    }
    b.append('\n').append(rule).append('\n');
    String f = "%." + decimals + "f";
    for (String r : rows.keySet()) {
      b.append("| ").append(r).append(" |");
      for (String c : columns) {
        double[] v = values(r, c);
        if (v.length == 0) {
          b.append(" - |");
        } else if (v.length == 1) {
          b.append(' ').append(String.format(Locale.ROOT, f, v[0])).append(" |");
        } else {
          b.append(' ')
              .append(String.format(Locale.ROOT, f + " ± " + f, mean(r, c), sd(r, c)))
              .append(" |");
        }
      }
      b.append('\n');
    }
    return b.toString();
  }

  /** Every value: {@code loss,metric,rep,value}, one line each, with a header line. */
  public String csv() {
    StringBuilder b = new StringBuilder("loss,metric,rep,value\n");
    for (Map.Entry<String, double[][]> e : rows.entrySet()) {
      for (int c = 0; c < columns.size(); c++) {
        double[] v = e.getValue()[c];
        for (int k = 0; k < v.length; k++) {
          b.append(quote(e.getKey()))
              .append(',')
              .append(quote(columns.get(c)))
              .append(',')
              .append(k)
              .append(',')
              .append(String.format(Locale.ROOT, "%.6g", v[k]))
              .append('\n');
        }
      }
    }
    return b.toString();
  }

  private static String quote(String s) {
    return s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }
}

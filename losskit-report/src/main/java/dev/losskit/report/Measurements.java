package dev.losskit.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The committed measurements the report shows, read rather than re-measured: the table of {@code
 * docs/computational-evaluation.md} (written by {@code ./losskit bench --format markdown}) and the
 * results of {@code docs/experiments/*.csv} (written by {@code ./losskit experiment NAME --out}):
 * curves (a numeric first column, one column per loss) and comparisons (rows {@code
 * loss,metric,rep,value}); other layouts are left to docs/experiments.md. Both are packaged with
 * this module from the repository's {@code docs/} folder at build time.
 */
public final class Measurements {
  /** How to regenerate the bench figures. */
  public static final String BENCH_COMMAND =
      "./losskit bench --format markdown > docs/computational-evaluation.md";

  private static final String ROOT = "docs/";

  /** One experiment's curves: the column names after the first, and the rows. */
  public record Experiment(String name, String xName, List<String> columns, List<double[]> rows) {
    /** The values of {@code column} over the rows. */
    public double[] column(String column) {
      int c = columns.indexOf(column);
      double[] out = new double[rows.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = rows.get(i)[c + 1];
      }
      return out;
    }

    /** The command that regenerates it. */
    public String command() {
      return "./losskit experiment " + name + " --out docs/experiments/" + name + ".csv";
    }
  }

  /**
   * One training experiment's comparison: per loss variant (e.g. {@code "cross-entropy
   * label-smoothing=0.1"}), per metric, the values over repetitions.
   */
  public record Comparison(String name, Map<String, Map<String, List<Double>>> values) {
    /** The metrics, in file order. */
    public List<String> metrics() {
      List<String> out = new ArrayList<>();
      for (Map<String, List<Double>> m : values.values()) {
        for (String k : m.keySet()) {
          if (!out.contains(k)) {
            out.add(k);
          }
        }
      }
      return out;
    }

    /** Whether a variant of {@code id} is compared (a label is the id, then its parameters). */
    public boolean includes(String id) {
      for (String label : values.keySet()) {
        if (label.equals(id) || label.startsWith(id + " ")) {
          return true;
        }
      }
      return false;
    }

    /** The command that regenerates it. */
    public String command() {
      return "./losskit experiment " + name + " --out docs/experiments/" + name + ".csv";
    }
  }

  private final List<String> benchHeader;
  private final Map<String, List<String>> benchRows;
  private final List<Experiment> experiments;
  private final List<Comparison> comparisons;

  private Measurements(
      List<String> benchHeader,
      Map<String, List<String>> benchRows,
      List<Experiment> experiments,
      List<Comparison> comparisons) {
    this.benchHeader = benchHeader;
    this.benchRows = benchRows;
    this.experiments = experiments;
    this.comparisons = comparisons;
  }

  /** The measurements packaged with the report. */
  public static Measurements packaged() {
    String bench = read(ROOT + "computational-evaluation.md");
    List<String> header = new ArrayList<>();
    Map<String, List<String>> rows = new LinkedHashMap<>();
    if (bench != null) {
      for (String line : bench.split("\n")) {
        if (!line.startsWith("| ")) {
          continue;
        }
        List<String> cells = cells(line);
        if (cells.get(0).equals("id")) {
          header = cells;
        } else if (!header.isEmpty() && cells.size() == header.size()) {
          rows.put(cells.get(0).replace("`", ""), cells);
        }
      }
    }
    List<Experiment> exps = new ArrayList<>();
    List<Comparison> comps = new ArrayList<>();
    for (String name : experimentNames()) {
      String text = read(ROOT + "experiments/" + name + ".csv");
      if (text == null) {
        throw new IllegalStateException("experiment " + name + ": its CSV is not packaged");
      }
      if (text.startsWith("loss,metric,rep,value")) {
        comps.add(comparison(name, text));
      } else if (text.split("\n", 3).length > 1 && isNumber(text.split("\n", 3)[1].split(",")[0])) {
        exps.add(csv(name, text));
      }
    }
    return new Measurements(header, rows, exps, comps);
  }

  /**
   * The bench figures of {@code id}: column heading to cell, in the table's order, or an empty map
   * when the loss was not measured.
   */
  public Map<String, String> bench(String id) {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> row = benchRows.get(id);
    if (row != null) {
      for (int i = 0; i < benchHeader.size(); i++) {
        out.put(benchHeader.get(i), row.get(i));
      }
    }
    return out;
  }

  public List<Experiment> experiments() {
    return experiments;
  }

  /** The comparisons that include a variant of {@code id}. */
  public List<Comparison> comparisonsOf(String id) {
    List<Comparison> out = new ArrayList<>();
    for (Comparison c : comparisons) {
      if (c.includes(id)) {
        out.add(c);
      }
    }
    return out;
  }

  /** The experiments that include {@code id} as a curve. */
  public List<Experiment> experimentsOf(String id) {
    List<Experiment> out = new ArrayList<>();
    for (Experiment e : experiments) {
      if (e.columns().contains(id)) {
        out.add(e);
      }
    }
    return out;
  }

  private static List<String> cells(String line) {
    // "| `mse` | regression | ... |": the heading "|g| range" holds bars of its own.
    String body = line.substring(2, line.length() - 2).replace("|g|", "\uE000g\uE000");
    List<String> out = new ArrayList<>();
    for (String c : body.split(" \\| ", -1)) {
      out.add(c.trim().replace("\uE000", "|"));
    }
    return out;
  }

  private static boolean isNumber(String s) {
    try {
      Double.parseDouble(s.trim());
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static Comparison comparison(String name, String text) {
    Map<String, Map<String, List<Double>>> values = new LinkedHashMap<>();
    String[] lines = text.split("\n");
    for (int i = 1; i < lines.length; i++) {
      String[] f = lines[i].trim().split(",");
      if (f.length == 4) {
        values
            .computeIfAbsent(f[0], k -> new LinkedHashMap<>())
            .computeIfAbsent(f[1], k -> new ArrayList<>())
            .add(Double.parseDouble(f[3]));
      }
    }
    return new Comparison(name, values);
  }

  private static Experiment csv(String name, String text) {
    String[] lines = text.split("\n");
    String[] head = lines[0].trim().split(",");
    List<String> columns = new ArrayList<>(List.of(head).subList(1, head.length));
    List<double[]> rows = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      String[] f = lines[i].trim().split(",");
      double[] r = new double[f.length];
      for (int j = 0; j < f.length; j++) {
        r[j] = Double.parseDouble(f[j]);
      }
      rows.add(r);
    }
    return new Experiment(name, head[0], columns, rows);
  }

  /** The names of the packaged experiment CSVs, sorted (a jar or a class folder). */
  private static List<String> experimentNames() {
    String dir = "dev/losskit/report/" + ROOT + "experiments/";
    java.util.TreeSet<String> names = new java.util.TreeSet<>();
    try {
      java.nio.file.Path where =
          java.nio.file.Path.of(
              Measurements.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (java.nio.file.Files.isDirectory(where)) {
        java.nio.file.Path d = where.resolve(dir);
        if (java.nio.file.Files.isDirectory(d)) {
          try (var files = java.nio.file.Files.list(d)) {
            files.forEach(f -> names.add(f.getFileName().toString()));
          }
        }
      } else {
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(where.toFile())) {
          jar.stream()
              .map(java.util.jar.JarEntry::getName)
              .filter(n -> n.startsWith(dir) && n.length() > dir.length())
              .forEach(n -> names.add(n.substring(dir.length())));
        }
      }
    } catch (IOException | java.net.URISyntaxException e) {
      throw new IllegalStateException("experiments: cannot list the packaged results", e);
    }
    List<String> out = new ArrayList<>();
    for (String n : names) {
      if (n.endsWith(".csv")) {
        out.add(n.substring(0, n.length() - 4));
      }
    }
    return out;
  }

  private static String read(String resource) {
    try (InputStream in = Measurements.class.getResourceAsStream(resource)) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.losskit.bench;

import dev.losskit.Catalog;
import dev.losskit.LossSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Chooses the size above which the core splits a splittable loss across cores ({@code
 * ParallelRanges.THRESHOLD}): times value and gradient of a few elementwise losses at powers of
 * two, once in a JVM that runs every call on the calling thread and once in a JVM that splits every
 * call of at least two chunks, then reports the smallest size from which splitting is no slower
 * (or, with {@code --gain G}, at least G times faster) for every loss at that size and every larger
 * one. {@code tools/bench/split-threshold.sh} runs the two JVMs and the comparison.
 *
 * <pre>{@code
 * SplitThreshold --measure OUT.csv [--ids mse,log-cosh] [--from 12] [--to 21]
 * SplitThreshold --compare ONE_THREAD.csv SPLIT.csv [--gain 1.0]
 * }</pre>
 */
public final class SplitThreshold {
  /** The cheapest (memory-bound) and dearer (transcendental) splittable losses. */
  static final List<String> IDS = List.of("mse", "huber", "log-cosh", "bce-with-logits");

  private SplitThreshold() {}

  public static void main(String[] args) {
    try {
      if (args.length >= 2 && args[0].equals("--measure")) {
        measure(Path.of(args[1]), Arrays.copyOfRange(args, 2, args.length));
      } else if (args.length >= 3 && args[0].equals("--compare")) {
        double gain = 1.0;
        if (args.length == 5 && args[3].equals("--gain")) {
          gain = Double.parseDouble(args[4]);
        } else if (args.length != 3) {
          throw new IllegalArgumentException("--compare: expected two CSV files [--gain G]");
        }
        System.out.print(compare(read(Path.of(args[1])), read(Path.of(args[2])), gain));
      } else {
        throw new IllegalArgumentException(
            "expected --measure OUT.csv [--ids ...] [--from K] [--to K] or --compare A.csv B.csv");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("split-threshold: " + e.getMessage());
      System.exit(2);
    }
  }

  private static void measure(Path out, String[] opts) {
    List<String> ids = IDS;
    int from = 12;
    int to = 21;
    for (int i = 0; i + 1 < opts.length; i += 2) {
      switch (opts[i]) {
        case "--ids":
          ids = List.of(opts[i + 1].split(","));
          break;
        case "--from":
          from = Integer.parseInt(opts[i + 1]);
          break;
        case "--to":
          to = Integer.parseInt(opts[i + 1]);
          break;
        default:
          throw new IllegalArgumentException("unknown option " + opts[i]);
      }
    }
    if (opts.length % 2 != 0) {
      throw new IllegalArgumentException(opts[opts.length - 1] + ": expected a value");
    }
    if (from < 1 || to > 28 || from > to) {
      throw new IllegalArgumentException(
          "--from/--to: expected 1 <= from <= to <= 28, found " + from + ", " + to);
    }
    StringBuilder csv = new StringBuilder("id,units,threads,median_ns\n");
    for (String id : ids) {
      LossSpec spec = Catalog.builtin().get(id);
      for (int k = from; k <= to; k++) {
        BenchInputs b = BenchInputs.of(spec, 1 << k, 42);
        double[] per = SideBySide.measure(b::valueAndGradient, 0.1, 7, new long[1]);
        Arrays.sort(per);
        double ns = per[per.length / 2] * 1e9;
        csv.append(
            String.format(
                Locale.ROOT, "%s,%d,%d,%.1f%n", id, b.units(), SideBySide.jvmThreads(), ns));
        System.err.printf(
            Locale.ROOT, "%-16s 2^%-2d %8.3f ns/unit%n", id, k, ns / Math.max(1, b.units()));
      }
    }
    Path tmp = out.resolveSibling(out.getFileName() + ".part");
    try {
      Files.writeString(tmp, csv, StandardCharsets.UTF_8);
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Median nanoseconds per call by id, then by units. */
  static Map<String, TreeMap<Integer, Double>> read(Path csv) {
    Map<String, TreeMap<Integer, Double>> m = new LinkedHashMap<>();
    try {
      List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",");
        if (f.length != 4) {
          throw new IllegalArgumentException(
              csv + ": expected id,units,threads,median_ns, found " + line);
        }
        m.computeIfAbsent(f[0], k -> new TreeMap<>())
            .put(Integer.parseInt(f[1]), Double.parseDouble(f[3]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return m;
  }

  /**
   * The table of speed-ups (one-thread time over split time) and the threshold: the smallest size
   * from which every loss measured in both files gains at least {@code gain} at that size and every
   * larger one.
   */
  static String compare(
      Map<String, TreeMap<Integer, Double>> one,
      Map<String, TreeMap<Integer, Double>> split,
      double gain) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "%-16s %10s %12s %12s %8s%n",
            "id",
            "units",
            "1 thread ns",
            "split ns",
            "gain"));
    TreeMap<Integer, Boolean> allGain = new TreeMap<>();
    for (Map.Entry<String, TreeMap<Integer, Double>> e : one.entrySet()) {
      TreeMap<Integer, Double> s = split.get(e.getKey());
      if (s == null) {
        continue;
      }
      for (Map.Entry<Integer, Double> u : e.getValue().entrySet()) {
        Double t = s.get(u.getKey());
        if (t == null) {
          continue;
        }
        double g = u.getValue() / t;
        allGain.merge(u.getKey(), g >= gain, Boolean::logicalAnd);
        b.append(
            String.format(
                Locale.ROOT,
                "%-16s %10d %12.0f %12.0f %8.2f%n",
                e.getKey(),
                u.getKey(),
                u.getValue(),
                t,
                g));
      }
    }
    Integer threshold = null;
    for (Integer units : allGain.descendingKeySet()) {
      if (!allGain.get(units)) {
        break;
      }
      threshold = units;
    }
    b.append(
        threshold == null
            ? String.format(
                Locale.ROOT, "threshold: none (no size gains %.2fx for every loss)%n", gain)
            : String.format(
                Locale.ROOT,
                "threshold: %d (every loss gains at least %.2fx from" + " there up)%n",
                threshold,
                gain));
    return b.toString();
  }
}

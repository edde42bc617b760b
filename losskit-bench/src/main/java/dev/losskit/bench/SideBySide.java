package dev.losskit.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.zip.CRC32;

/**
 * The losskit side of the peer comparison: times every case of {@link PeerCases} exactly as {@code
 * tools/bench/torch_baseline.py} times PyTorch (warm-up, a loop count calibrated to a target time,
 * then the median and minimum of repeated measurements of value and gradient) and writes the same
 * CSV columns, so that one summary reads both.
 *
 * <pre>{@code
 * java --add-modules jdk.incubator.vector -cp ... dev.losskit.bench.SideBySide --out losskit.csv \
 *     [--threads 1|2] [--sizes 1e3,1e5,1e6] [--infonce-batches 256,1024] [--extra mse:1e7]
 *     [--only mse,huber] [--target-time 0.2] [--repeats 5] [--run-id ID] [--no-bandwidth]
 *     [--bandwidth-only]
 * }</pre>
 *
 * <p>The options mean what the baseline's options mean, except that one JVM measures one thread
 * count: the core splits large inputs across the common fork-join pool, whose size is fixed at
 * start-up ({@code -Djava.util.concurrent.ForkJoinPool.common.parallelism=0} runs every call on the
 * calling thread; the default uses every core). Besides the losses it measures the single-thread
 * copy bandwidth of a Java array copy ({@code java_copy}, 8 bytes per element).
 */
public final class SideBySide {
  public static final List<String> FIELDS =
      List.of(
          "category",
          "loss",
          "params",
          "shape",
          "size_label",
          "n_elems",
          "n_units",
          "unit",
          "threads",
          "loops",
          "repeats",
          "median_s",
          "min_s",
          "median_ns_per_elem",
          "min_ns_per_elem",
          "median_ns_per_unit",
          "min_ns_per_unit",
          "bytes_per_elem",
          "median_GBps",
          "max_GBps",
          "minflt_per_call",
          "loss_value",
          "aten_cpu",
          "torch",
          "env",
          "foreign_cores",
          "steal_frac",
          "run",
          "all_s",
          "losskit_id");

  private static final int SEED = 1234;

  /** Parsed command line. */
  record Options(
      Path out,
      List<Integer> threads,
      List<Integer> sizes,
      List<Integer> batches,
      List<String[]> extra,
      Set<String> only,
      double targetTime,
      int repeats,
      String runId,
      boolean bandwidth,
      boolean casesToo) {}

  private SideBySide() {}

  public static void main(String[] args) {
    Options o;
    try {
      o = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("side-by-side: " + e.getMessage());
      System.exit(2);
      return;
    }
    run(o);
  }

  static Options parse(String[] args) {
    Path out = Path.of("losskit.csv");
    List<Integer> threads = List.of(jvmThreads());
    List<Integer> sizes = List.of(1000, 100_000, 1_000_000);
    List<Integer> batches = List.of(256, 1024);
    List<String[]> extra = new ArrayList<>();
    extra.add(new String[] {"mse", "1e7"});
    Set<String> only = new LinkedHashSet<>();
    double targetTime = 0.2;
    int repeats = 5;
    String runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss"));
    boolean bandwidth = true;
    boolean cases = true;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--no-bandwidth")) {
        bandwidth = false;
        continue;
      }
      if (a.equals("--bandwidth-only")) {
        cases = false;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a + ": expected a value, found the end of the line");
      }
      String v = args[++i];
      switch (a) {
        case "--out":
          out = Path.of(v);
          break;
        case "--threads":
          threads = ints(a, v);
          break;
        case "--sizes":
          sizes = ints(a, v);
          break;
        case "--infonce-batches":
          batches = ints(a, v);
          break;
        case "--extra":
          extra.clear();
          for (String item : list(v)) {
            String[] kv = item.split(":");
            if (kv.length != 2) {
              throw new IllegalArgumentException(
                  "--extra: expected loss:size items, found " + item);
            }
            ints(a, kv[1]);
            extra.add(kv);
          }
          break;
        case "--only":
          only.addAll(list(v));
          for (String name : only) {
            if (!PeerCases.names().contains(name)) {
              throw new IllegalArgumentException(
                  "--only: expected names among " + PeerCases.names() + ", found " + name);
            }
          }
          break;
        case "--target-time":
          targetTime = Double.parseDouble(v);
          break;
        case "--repeats":
          repeats = Integer.parseInt(v);
          break;
        case "--run-id":
          runId = v;
          break;
        default:
          throw new IllegalArgumentException("unknown option " + a);
      }
    }
    // The core splits a call across the common fork-join pool, whose size is fixed when the JVM
    // starts: one JVM measures one thread count.
    if (cases && (threads.size() != 1 || threads.get(0) != jvmThreads())) {
      throw new IllegalArgumentException(
          "--threads: this JVM runs a call on "
              + jvmThreads()
              + " thread(s) (-D"
              + POOL
              + "=0 for 1), found "
              + threads);
    }
    return new Options(
        out, threads, sizes, batches, extra, only, targetTime, repeats, runId, bandwidth, cases);
  }

  private static List<String> list(String v) {
    List<String> l = new ArrayList<>();
    for (String s : v.split(",")) {
      if (!s.isBlank()) {
        l.add(s.trim());
      }
    }
    return l;
  }

  private static List<Integer> ints(String option, String v) {
    List<Integer> l = new ArrayList<>();
    for (String s : list(v)) {
      try {
        double d = Double.parseDouble(s);
        if (d < 1 || d > Integer.MAX_VALUE || d != Math.rint(d)) {
          throw new NumberFormatException();
        }
        l.add((int) d);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            option + ": expected positive whole numbers, found " + s, e);
      }
    }
    return l;
  }

  static void run(Options o) {
    Path tmp = o.out().resolveSibling(o.out().getFileName() + ".part");
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(tmp, StandardCharsets.UTF_8))) {
      w.println(String.join(",", FIELDS));
      System.out.printf(
          Locale.ROOT,
          "%-20s %-22s %3s %12s %12s %12s %12s%n",
          "loss",
          "shape",
          "thr",
          "median_ms",
          "min_ms",
          "med_ns/elem",
          "med_ns/unit");
      for (String name : PeerCases.names()) {
        if (!o.casesToo() || !o.only().isEmpty() && !o.only().contains(name)) {
          continue;
        }
        List<Integer> ns = new ArrayList<>(PeerCases.batchSized(name) ? o.batches() : o.sizes());
        for (String[] e : o.extra()) {
          int n = (int) Double.parseDouble(e[1]);
          if (e[0].equals(name) && !ns.contains(n)) {
            ns.add(n);
          }
        }
        for (int n : ns) {
          measureCase(o, w, name, n);
        }
      }
      if (o.bandwidth()) {
        w.println(csv(bandwidthRow(o)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Files.move(tmp, o.out(), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void measureCase(Options o, PrintWriter w, String name, int n) {
    PeerCases.Case c = PeerCases.build(name, n, seed(name, n));
    double value = c.step();
    for (float[] g : c.grads()) {
      if (g != null) {
        for (float x : g) {
          if (!Float.isFinite(x)) {
            throw new IllegalStateException(name + ": non-finite gradient");
          }
        }
      }
    }
    for (int th : o.threads()) {
      long[] l = new long[1];
      double[] per = measure(c::step, o.targetTime(), o.repeats(), l);
      long loops = l[0];
      double[] s = per.clone();
      Arrays.sort(s);
      double med = median(s);
      double min = s[0];
      String[] row = new String[FIELDS.size()];
      Arrays.fill(row, "");
      set(row, "category", "loss");
      set(row, "loss", name);
      set(row, "params", c.params());
      set(row, "shape", c.shape());
      set(row, "size_label", sizeLabel(n));
      set(row, "n_elems", Long.toString(c.elems()));
      set(row, "n_units", Long.toString(c.units()));
      set(row, "unit", c.unit());
      set(row, "threads", Integer.toString(th));
      set(row, "loops", Long.toString(loops));
      set(row, "repeats", Integer.toString(per.length));
      set(row, "median_s", num(med));
      set(row, "min_s", num(min));
      set(row, "median_ns_per_elem", num(med * 1e9 / c.elems()));
      set(row, "min_ns_per_elem", num(min * 1e9 / c.elems()));
      set(row, "median_ns_per_unit", num(med * 1e9 / c.units()));
      set(row, "min_ns_per_unit", num(min * 1e9 / c.units()));
      set(row, "loss_value", String.format(Locale.ROOT, "%.6g", value));
      set(row, "torch", "losskit " + Runtime.version());
      set(row, "env", env());
      set(row, "run", o.runId());
      set(row, "all_s", joined(per));
      set(row, "losskit_id", c.id());
      w.println(csv(row));
      w.flush();
      System.out.printf(
          Locale.ROOT,
          "%-20s %-22s %3d %12.4f %12.4f %12.3f %12.3f%n",
          name,
          c.shape().length() > 22 ? c.shape().substring(0, 22) : c.shape(),
          th,
          med * 1e3,
          min * 1e3,
          med * 1e9 / c.elems(),
          med * 1e9 / c.units());
    }
  }

  /** The JVM property that sizes the common fork-join pool, on which the core splits inputs. */
  static final String POOL = "java.util.concurrent.ForkJoinPool.common.parallelism";

  /**
   * The thread count this JVM runs a call on: 1 when the common pool has no workers ({@code
   * -Djava.util.concurrent.ForkJoinPool.common.parallelism=0}), else the pool's workers plus the
   * caller.
   */
  static int jvmThreads() {
    return "0".equals(System.getProperty(POOL))
        ? 1
        : java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() + 1;
  }

  /** The baseline's seed: SEED + crc32("name:n"), so that --only gives the same data. */
  public static long seed(String name, int n) {
    CRC32 crc = new CRC32();
    crc.update((name + ":" + n).getBytes(StandardCharsets.US_ASCII));
    return SEED + crc.getValue();
  }

  /** Python's {@code "%g" % n}: 1000, 100000, 1e+06, 1e+07. */
  public static String sizeLabel(int n) {
    if (n < 1_000_000) {
      return Integer.toString(n);
    }
    int exp = (int) Math.floor(Math.log10(n));
    double mant = n / Math.pow(10, exp);
    String m =
        mant == Math.rint(mant)
            ? Integer.toString((int) mant)
            : String.format(Locale.ROOT, "%.5f", mant).replaceAll("0+$", "");
    return m + "e+" + (exp < 10 ? "0" : "") + exp;
  }

  /**
   * Timeit-style, as the baseline: warm up for at least two calls and 50 ms (at least 0.5 s, so
   * that the JIT compiles the kernel), grow the loop count 1, 2, 5, 10, ... until one measurement
   * takes the target time, then time {@code repeats} measurements. Returns seconds per call.
   */
  public static double[] measure(
      DoubleSupplier step, double targetTime, int repeats, long[] loopsOut) {
    double sink = 0;
    long t0 = System.nanoTime();
    int n = 0;
    while (n < 2 || System.nanoTime() - t0 < 500_000_000L) {
      sink += step.getAsDouble();
      n++;
    }
    long loops = 1;
    calibrate:
    while (true) {
      for (int mult : new int[] {1, 2, 5}) {
        long lp = loops * mult;
        long s = System.nanoTime();
        for (long i = 0; i < lp; i++) {
          sink += step.getAsDouble();
        }
        if ((System.nanoTime() - s) / 1e9 >= targetTime || lp >= (1 << 22)) {
          loops = lp;
          break calibrate;
        }
      }
      loops *= 10;
    }
    double[] per = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      long s = System.nanoTime();
      for (long i = 0; i < loops; i++) {
        sink += step.getAsDouble();
      }
      per[r] = (System.nanoTime() - s) / 1e9 / loops;
    }
    if (Double.isNaN(sink)) {
      System.err.println("(a value was NaN)");
    }
    loopsOut[0] = loops;
    return per;
  }

  private static String[] bandwidthRow(Options o) {
    int n = 100_000_000;
    float[] a = new float[n];
    Arrays.fill(a, 1f);
    float[] b = new float[n];
    long[] loops = new long[1];
    double[] per =
        measure(
            () -> {
              System.arraycopy(a, 0, b, 0, n);
              return b[n - 1];
            },
            o.targetTime(),
            o.repeats(),
            loops);
    double[] s = per.clone();
    Arrays.sort(s);
    double med = median(s);
    String[] row = new String[FIELDS.size()];
    Arrays.fill(row, "");
    set(row, "category", "reference");
    set(row, "loss", "java_copy");
    set(row, "params", "System.arraycopy 100M f32 (read+write = 8 B/elem)");
    set(row, "shape", "(" + n + ",)");
    set(row, "size_label", "1e+08");
    set(row, "n_elems", Integer.toString(n));
    set(row, "n_units", Integer.toString(n));
    set(row, "unit", "elem");
    set(row, "threads", "1");
    set(row, "loops", Long.toString(loops[0]));
    set(row, "repeats", Integer.toString(per.length));
    set(row, "median_s", num(med));
    set(row, "min_s", num(s[0]));
    set(row, "median_ns_per_elem", num(med * 1e9 / n));
    set(row, "min_ns_per_elem", num(s[0] * 1e9 / n));
    set(row, "median_ns_per_unit", num(med * 1e9 / n));
    set(row, "min_ns_per_unit", num(s[0] * 1e9 / n));
    set(row, "bytes_per_elem", "8");
    set(row, "median_GBps", num(8.0 * n / med / 1e9));
    set(row, "max_GBps", num(8.0 * n / s[0] / 1e9));
    set(row, "run", o.runId());
    set(row, "all_s", joined(per));
    System.out.printf(Locale.ROOT, "java_copy 100M f32: %.1f GB/s (median)%n", 8.0 * n / med / 1e9);
    return row;
  }

  private static String env() {
    return "java="
        + Runtime.version()
        + ";vector="
        + ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  private static double median(double[] sorted) {
    int m = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
  }

  private static void set(String[] row, String field, String value) {
    row[FIELDS.indexOf(field)] = value;
  }

  private static String num(double v) {
    return Double.toString(v);
  }

  private static String joined(double[] v) {
    StringBuilder b = new StringBuilder();
    for (double x : v) {
      b.append(b.length() == 0 ? "" : ";").append(String.format(Locale.ROOT, "%.6g", x));
    }
    return b.toString();
  }

  /** One CSV line; fields holding commas or quotes are quoted. */
  public static String csv(String[] row) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < row.length; i++) {
      String f = row[i];
      if (i > 0) {
        b.append(',');
      }
      if (f.contains(",") || f.contains("\"")) {
        b.append('"').append(f.replace("\"", "\"\"")).append('"');
      } else {
        b.append(f);
      }
    }
    return b.toString();
  }
}

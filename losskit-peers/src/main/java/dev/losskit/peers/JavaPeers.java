package dev.losskit.peers;

import dev.losskit.bench.PeerCases;
import dev.losskit.bench.SideBySide;
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

/**
 * The Java peers of the side-by-side comparison: times DJL (PyTorch 2.7.1), ND4J or TensorFlow Java
 * on the cases of {@link PeerCases} they have, with the measurement loop of {@link SideBySide} and
 * its CSV columns (the {@code torch} column names the peer).
 *
 * <pre>{@code
 * OMP_NUM_THREADS=1 java -DDJL_CACHE_DIR=... -Dorg.bytedeco.javacpp.cachedir=... -cp ... \
 *     dev.losskit.peers.JavaPeers --peer djl|nd4j|tf --out F.csv [--only mse,bce_logits]
 *     [--sizes 1e3,1e5,1e6] [--threads 1] [--target-time 0.2] [--repeats 5] [--run-id ID]
 * }</pre>
 *
 * <p>Before a case is timed, the peer's loss value is checked against losskit's on the same inputs
 * (within {@value #VALUE_TOLERANCE} relative): a peer that computes another loss stops the run.
 * Cases the peer has no loss for are skipped with a note on standard error. Exit 2 for a bad
 * command line, 1 for a failed check; no output file is left on error.
 */
public final class JavaPeers {
  /**
   * The largest relative difference between the peer's and losskit's loss value in a timed run:
   * ND4J sums in float32, which drifts by about 4e-4 over 1e6 terms (the smoke test holds every
   * peer to 1e-4 on small inputs).
   */
  static final double VALUE_TOLERANCE = 1e-3;

  /** The property and environment variable that put DJL's native cache under target/. */
  static final String DJL_CACHE = "DJL_CACHE_DIR";

  /** The property that puts JavaCPP's native cache (ND4J's and TensorFlow's) under target/. */
  static final String JAVACPP_CACHE = "org.bytedeco.javacpp.cachedir";

  /** Parsed command line. */
  record Options(
      String peer,
      Path out,
      Set<String> only,
      List<Integer> sizes,
      int threads,
      double targetTime,
      int repeats,
      String runId) {}

  private JavaPeers() {}

  public static void main(String[] args) {
    Options o;
    try {
      o = parse(args);
      checkEnvironment(o);
    } catch (IllegalArgumentException e) {
      System.err.println("java-peers: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      run(o);
    } catch (IllegalStateException e) {
      System.err.println("java-peers: " + e.getMessage());
      System.exit(1);
    }
  }

  static Options parse(String[] args) {
    String peer = null;
    Path out = null;
    Set<String> only = new LinkedHashSet<>();
    List<Integer> sizes = List.of(1000, 100_000, 1_000_000);
    int threads = 1;
    double targetTime = 0.2;
    int repeats = 5;
    String runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss"));
    for (int i = 0; i < args.length; i += 2) {
      String a = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a + ": expected a value, found the end of the line");
      }
      String v = args[i + 1];
      switch (a) {
        case "--peer":
          if (!List.of("djl", "nd4j", "tf").contains(v)) {
            throw new IllegalArgumentException("--peer: expected djl, nd4j or tf, found " + v);
          }
          peer = v;
          break;
        case "--out":
          out = Path.of(v);
          break;
        case "--only":
          for (String name : v.split(",")) {
            if (!PeerCases.names().contains(name.trim())) {
              throw new IllegalArgumentException(
                  "--only: expected names among " + PeerCases.names() + ", found " + name);
            }
            only.add(name.trim());
          }
          break;
        case "--sizes":
          sizes = new ArrayList<>();
          for (String s : v.split(",")) {
            sizes.add(positive(a, s.trim()));
          }
          break;
        case "--threads":
          threads = positive(a, v);
          break;
        case "--target-time":
          targetTime = Double.parseDouble(v);
          if (!(targetTime > 0)) {
            throw new IllegalArgumentException("--target-time: expected seconds > 0, found " + v);
          }
          break;
        case "--repeats":
          repeats = positive(a, v);
          break;
        case "--run-id":
          runId = v;
          break;
        default:
          throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (peer == null) {
      throw new IllegalArgumentException("--peer: expected djl, nd4j or tf, found nothing");
    }
    if (out == null) {
      throw new IllegalArgumentException("--out: expected a CSV file name, found nothing");
    }
    return new Options(peer, out, only, sizes, threads, targetTime, repeats, runId);
  }

  private static int positive(String option, String s) {
    try {
      double d = Double.parseDouble(s);
      if (d < 1 || d > Integer.MAX_VALUE || d != Math.rint(d)) {
        throw new NumberFormatException();
      }
      return (int) d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": expected a positive whole number, found " + s);
    }
  }

  /**
   * The native libraries unpack hundreds of MB: refuse to run before their cache is redirected, and
   * make the thread count of the native code the one asked for.
   */
  static void checkEnvironment(Options o) {
    switch (o.peer()) {
      case "djl":
        if (System.getProperty(DJL_CACHE) == null && System.getenv(DJL_CACHE) == null) {
          throw new IllegalArgumentException(
              "-D" + DJL_CACHE + ": expected a folder under target/, found nothing");
        }
        // Read by DJL's PyTorch engine when it loads: intra-op and inter-op threads.
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(o.threads()));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.default_engine", "PyTorch");
        break;
      case "nd4j":
        requireJavacppCache();
        String omp = System.getenv("OMP_NUM_THREADS");
        if (!Integer.toString(o.threads()).equals(omp)) {
          throw new IllegalArgumentException(
              "OMP_NUM_THREADS: expected "
                  + o.threads()
                  + " (the --threads of the run, read by ND4J's OpenMP when it loads), found "
                  + omp);
        }
        break;
      default: // tf: JavaCPP unpacks its natives too
        requireJavacppCache();
    }
  }

  private static void requireJavacppCache() {
    if (System.getProperty(JAVACPP_CACHE) == null) {
      throw new IllegalArgumentException(
          "-D" + JAVACPP_CACHE + ": expected a folder under target/, found nothing");
    }
  }

  static Peer open(String name, int threads) {
    switch (name) {
      case "djl":
        return new DjlPeer();
      case "nd4j":
        return new Nd4jPeer(threads);
      default:
        return new TfPeer(threads);
    }
  }

  static void run(Options o) {
    Path tmp = o.out().resolveSibling(o.out().getFileName() + ".part");
    boolean done = false;
    try (Peer peer = open(o.peer(), o.threads());
        PrintWriter w = new PrintWriter(Files.newBufferedWriter(tmp, StandardCharsets.UTF_8))) {
      w.println(String.join(",", SideBySide.FIELDS));
      System.err.println("java-peers: " + peer.label() + ", " + peer.threads());
      for (String name : PeerCases.names()) {
        if (!o.only().isEmpty() && !o.only().contains(name) || PeerCases.batchSized(name)) {
          continue;
        }
        for (int n : o.sizes()) {
          if (!measureCase(o, peer, w, name, n)) {
            System.err.printf("java-peers: %s has no %s loss; skipped%n", peer.label(), name);
            break;
          }
        }
      }
      done = true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (!done) {
        tmp.toFile().delete();
      }
    }
    try {
      Files.move(tmp, o.out(), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Times one case at one size; false when the peer has no such loss. */
  private static boolean measureCase(Options o, Peer peer, PrintWriter w, String name, int n) {
    PeerCases.Case c = PeerCases.build(name, n, SideBySide.seed(name, n));
    double expected = c.step();
    try (Peer.Step step = peer.prepare(name, c)) {
      if (step == null) {
        return false;
      }
      double value = step.run();
      checkValue(peer.label(), name, n, value, expected, VALUE_TOLERANCE);
      long[] loops = new long[1];
      double[] per = SideBySide.measure(step::run, o.targetTime(), o.repeats(), loops);
      w.println(SideBySide.csv(row(o, peer, name, n, c, value, per, loops[0])));
      w.flush();
      double[] s = per.clone();
      Arrays.sort(s);
      System.out.printf(
          Locale.ROOT,
          "%-22s %-20s %-12s %12.4f ms %10.3f ns/unit%n",
          peer.label(),
          name,
          c.shape(),
          median(s) * 1e3,
          median(s) * 1e9 / c.units());
      return true;
    }
  }

  /**
   * The peer computes the same loss as losskit when the values agree within {@code tolerance}
   * relative.
   *
   * @throws IllegalStateException when they do not, or the peer's value is not finite
   */
  static void checkValue(
      String peer, String name, int n, double value, double expected, double tolerance) {
    double rel = Math.abs(value - expected) / Math.max(Math.abs(expected), 1e-12);
    if (!Double.isFinite(value) || !(rel <= tolerance)) {
      throw new IllegalStateException(
          String.format(
              Locale.ROOT,
              "%s, case %s at %d: expected the loss value of losskit, %.8g, within %.0e relative;"
                  + " found %.8g",
              peer,
              name,
              n,
              expected,
              tolerance,
              value));
    }
  }

  private static String[] row(
      Options o,
      Peer peer,
      String name,
      int n,
      PeerCases.Case c,
      double value,
      double[] per,
      long loops) {
    double[] s = per.clone();
    Arrays.sort(s);
    double med = median(s);
    double min = s[0];
    List<String> f = SideBySide.FIELDS;
    String[] row = new String[f.size()];
    Arrays.fill(row, "");
    row[f.indexOf("category")] = "loss";
    row[f.indexOf("loss")] = name;
    row[f.indexOf("params")] = c.params();
    row[f.indexOf("shape")] = c.shape();
    row[f.indexOf("size_label")] = SideBySide.sizeLabel(n);
    row[f.indexOf("n_elems")] = Long.toString(c.elems());
    row[f.indexOf("n_units")] = Long.toString(c.units());
    row[f.indexOf("unit")] = c.unit();
    row[f.indexOf("threads")] = Integer.toString(o.threads());
    row[f.indexOf("loops")] = Long.toString(loops);
    row[f.indexOf("repeats")] = Integer.toString(per.length);
    row[f.indexOf("median_s")] = Double.toString(med);
    row[f.indexOf("min_s")] = Double.toString(min);
    row[f.indexOf("median_ns_per_elem")] = Double.toString(med * 1e9 / c.elems());
    row[f.indexOf("min_ns_per_elem")] = Double.toString(min * 1e9 / c.elems());
    row[f.indexOf("median_ns_per_unit")] = Double.toString(med * 1e9 / c.units());
    row[f.indexOf("min_ns_per_unit")] = Double.toString(min * 1e9 / c.units());
    row[f.indexOf("loss_value")] = String.format(Locale.ROOT, "%.6g", value);
    row[f.indexOf("torch")] = peer.label();
    row[f.indexOf("env")] =
        "java=" + Runtime.version() + ";peer=" + o.peer() + ";" + peer.threads();
    row[f.indexOf("run")] = o.runId();
    StringBuilder all = new StringBuilder();
    for (double x : per) {
      all.append(all.length() == 0 ? "" : ";").append(String.format(Locale.ROOT, "%.6g", x));
    }
    row[f.indexOf("all_s")] = all.toString();
    row[f.indexOf("losskit_id")] = c.id();
    return row;
  }

  private static double median(double[] sorted) {
    int m = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
  }
}

package dev.losskit.cli;

import dev.losskit.Catalog;
import dev.losskit.Family;
import dev.losskit.LossSpec;
import dev.losskit.bench.LossProfiler;
import dev.losskit.bench.LossProfiler.Profile;
import dev.losskit.bench.LossProfiler.Stability;
import dev.losskit.bench.LossProfiler.Timing;
import dev.losskit.bench.ProfileReport;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code losskit bench}: the measured computational evaluation of catalogue losses. */
@Command(
    name = "bench",
    description = {
      "Measure time per unit, allocation, scaling with size and gradient stability of losses"
          + " (all of them when no ID is given)."
    },
    mixinStandardHelpOptions = true)
final class BenchCommand implements Callable<Integer> {
  enum Format {
    table,
    markdown,
    json
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec cmd;

  @Parameters(paramLabel = "ID", arity = "0..*", description = "Catalogue ids or aliases.")
  List<String> ids = new ArrayList<>();

  @Option(names = "--family", paramLabel = "F", description = "Only this family.")
  String family;

  @Option(
      names = "--max-units",
      paramLabel = "N",
      defaultValue = "65536",
      description = "Largest size (default: ${DEFAULT-VALUE}).")
  int maxUnits;

  @Option(
      names = "--batch-seconds",
      paramLabel = "S",
      defaultValue = "0.01",
      description = "Length of one timed batch (default: ${DEFAULT-VALUE}).")
  double batchSeconds;

  @Option(
      names = "--format",
      defaultValue = "table",
      description = "table, markdown or json (default: ${DEFAULT-VALUE}).")
  Format format;

  @Override
  public Integer call() {
    CommandLine cl = cmd.commandLine();
    if (maxUnits < 64 || !(batchSeconds > 0)) {
      throw new CommandLine.ParameterException(
          cl, "--max-units: expected at least 64; --batch-seconds: expected a positive number");
    }
    List<LossSpec> specs = new ArrayList<>();
    for (String id : ids) {
      specs.add(Catalogs.spec(cl, id));
    }
    if (ids.isEmpty()) {
      if (family != null) {
        try {
          specs.addAll(Catalog.builtin().specs(Family.parse(family)));
        } catch (IllegalArgumentException e) {
          throw new CommandLine.ParameterException(cl, "--" + e.getMessage());
        }
      } else {
        specs.addAll(Catalog.builtin().specs());
      }
    }
    LossProfiler.Options o = new LossProfiler.Options(maxUnits, batchSeconds, 0);
    List<Profile> profiles = new ArrayList<>();
    for (LossSpec s : specs) {
      profiles.add(LossProfiler.profile(s, o));
    }
    PrintWriter out = cl.getOut();
    switch (format) {
      case markdown:
        out.print(
            ProfileReport.markdown(
                profiles,
                "./losskit bench --format markdown > docs/computational-evaluation.md",
                machine()));
        break;
      case json:
        List<Object> rows = new ArrayList<>();
        for (Profile p : profiles) {
          rows.add(json(p));
        }
        out.println(Json.of(Map.of("profiles", rows)));
        break;
      default:
        out.print(ProfileReport.table(profiles));
    }
    out.flush();
    return 0;
  }

  private static String machine() {
    return Runtime.getRuntime().availableProcessors()
        + " cores, "
        + System.getProperty("os.arch")
        + ", Java "
        + System.getProperty("java.version");
  }

  private static Map<String, Object> json(Profile p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", p.id());
    m.put("family", p.family());
    m.put("value", timings(p.valueOnly()));
    m.put("value-and-gradient", timings(p.valueAndGradient()));
    m.put("exponent", p.exponent());
    Stability s = p.stability();
    Map<String, Object> st = new LinkedHashMap<>();
    st.put("cases", s.cases());
    st.put("rejected", s.rejected());
    st.put("non-finite", s.nonFiniteFraction());
    st.put("vanishing", s.vanishingFraction());
    st.put("min-grad-norm", s.minGradNorm());
    st.put("max-grad-norm", s.maxGradNorm());
    st.put("smoothness", s.smoothness());
    m.put("stability", st);
    m.put("cost", ProfileReport.cost(p));
    m.put("gradient-stability", ProfileReport.stability(p));
    return m;
  }

  private static List<Object> timings(List<Timing> ts) {
    List<Object> out = new ArrayList<>();
    for (Timing t : ts) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("units", t.units());
      m.put("ns-per-call", t.nanosPerCall());
      m.put("ns-per-unit", t.nanosPerUnit());
      m.put("bytes-per-call", t.bytesPerCall());
      out.add(m);
    }
    return out;
  }
}

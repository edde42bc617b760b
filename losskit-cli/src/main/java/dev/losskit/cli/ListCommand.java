package dev.losskit.cli;

import dev.losskit.Catalog;
import dev.losskit.CatalogTable;
import dev.losskit.Family;
import dev.losskit.InputSpec;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Task;
import dev.losskit.Trait;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code losskit list}: the catalogue as a table, Markdown or JSON. */
@Command(name = "list", description = "List the catalogue.", mixinStandardHelpOptions = true)
final class ListCommand implements Callable<Integer> {
  enum Format {
    table,
    markdown,
    json
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec cmd;

  @Option(
      names = "--family",
      paramLabel = "F",
      description = "Only this family: ${COMPLETION-CANDIDATES}.")
  String family;

  @Option(
      names = "--format",
      defaultValue = "table",
      description = "table, markdown or json (default: ${DEFAULT-VALUE}).")
  Format format;

  @Override
  public Integer call() {
    List<LossSpec> specs = Catalog.builtin().specs();
    if (family != null) {
      Family f;
      try {
        f = Family.parse(family);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(cmd.commandLine(), "--" + e.getMessage());
      }
      specs = Catalog.builtin().specs(f);
    }
    PrintWriter out = cmd.commandLine().getOut();
    switch (format) {
      case markdown:
        out.print(CatalogTable.markdown(specs));
        break;
      case json:
        List<Object> rows = new ArrayList<>();
        for (LossSpec s : specs) {
          rows.add(entry(s));
        }
        out.println(Json.of(Map.of("losses", rows)));
        break;
      default:
        table(out, specs);
    }
    out.flush();
    return 0;
  }

  /** The JSON form of an entry, shared with {@code describe --format json}. */
  static Map<String, Object> entry(LossSpec s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.id());
    m.put("family", s.family().id());
    m.put("name", s.name());
    m.put("aliases", s.aliases());
    m.put("summary", s.summary());
    m.put("formula", s.formula());
    m.put("gradient", s.gradient());
    List<Object> inputs = new ArrayList<>();
    for (InputSpec i : s.inputs()) {
      Map<String, Object> im = new LinkedHashMap<>();
      im.put("name", i.name());
      im.put("shape", i.shape());
      im.put("domain", i.domain().description());
      im.put("differentiable", i.differentiable());
      im.put("optional", i.optional());
      im.put("description", i.description());
      inputs.add(im);
    }
    m.put("inputs", inputs);
    List<Object> params = new ArrayList<>();
    for (ParamSpec p : s.params()) {
      Map<String, Object> pm = new LinkedHashMap<>();
      pm.put("name", p.name());
      pm.put("kind", p.kind().name().toLowerCase(java.util.Locale.ROOT));
      pm.put("default", p.defaultValue() == null ? null : ParamSpec.render(p.defaultValue()));
      pm.put("accepts", p.expectation());
      pm.put("description", p.description());
      params.add(pm);
    }
    m.put("params", params);
    List<String> reductions = new ArrayList<>();
    s.reductions().forEach(r -> reductions.add(r.id()));
    m.put("reductions", reductions);
    m.put("default-reduction", s.defaultReduction().id());
    List<String> traits = new ArrayList<>();
    for (Trait t : s.traits()) {
      traits.add(t.id());
    }
    m.put("traits", traits);
    List<String> tasks = new ArrayList<>();
    for (Task t : s.tasks()) {
      tasks.add(t.id());
    }
    m.put("tasks", tasks);
    m.put("equivalent", s.equivalent());
    m.put("when-to-use", s.whenToUse());
    List<Object> refs = new ArrayList<>();
    for (LossSpec.Reference r : s.references()) {
      refs.add(Map.of("citation", r.citation(), "url", r.url()));
    }
    m.put("references", refs);
    return m;
  }

  private static void table(PrintWriter out, List<LossSpec> specs) {
    int w = 4;
    for (LossSpec s : specs) {
      w = Math.max(w, s.id().length());
    }
    String fmt = "%-" + w + "s  %-14s  %-3s %s%n";
    out.printf(fmt, "ID", "FAMILY", "H", "NAME");
    for (LossSpec s : specs) {
      out.printf(fmt, s.id(), s.family().id(), s.has(Trait.HESSIAN) ? "H" : "", s.name());
    }
  }
}

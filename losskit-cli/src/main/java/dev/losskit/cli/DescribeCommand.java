package dev.losskit.cli;

import dev.losskit.InputSpec;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Reduction;
import dev.losskit.ReviewTerms;
import dev.losskit.Task;
import dev.losskit.Trait;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code losskit describe ID}: everything the catalogue knows about one loss. */
@Command(
    name = "describe",
    description = "Formula, gradient, inputs, parameters, references and when to use a loss.",
    mixinStandardHelpOptions = true)
final class DescribeCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec cmd;

  @Parameters(paramLabel = "ID", description = "A catalogue id, alias, or a term of the review.")
  String id;

  @Option(
      names = "--format",
      defaultValue = "text",
      description = "text or json (default: ${DEFAULT-VALUE}).")
  String format;

  @Override
  public Integer call() {
    PrintWriter out = cmd.commandLine().getOut();
    if (!format.equals("text") && !format.equals("json")) {
      throw new CommandLine.ParameterException(
          cmd.commandLine(), "--format: expected text or json, found '" + format + "'");
    }
    String term = ReviewTerms.explain(id);
    if (term != null) {
      out.println(
          format.equals("json")
              ? Json.of(java.util.Map.of("term", id, "meaning", term))
              : id + ": not a loss of its own; " + term);
      out.flush();
      return 0;
    }
    LossSpec s = Catalogs.spec(cmd.commandLine(), id);
    if (format.equals("json")) {
      out.println(Json.of(ListCommand.entry(s)));
    } else {
      out.print(text(s));
    }
    out.flush();
    return 0;
  }

  static String text(LossSpec s) {
    StringBuilder b = new StringBuilder();
    b.append(s.name())
        .append(" (")
        .append(s.id())
        .append(", ")
        .append(s.family().title().toLowerCase(java.util.Locale.ROOT))
        .append(")\n");
    if (!s.aliases().isEmpty()) {
      b.append("Aliases: ").append(String.join(", ", s.aliases())).append('\n');
    }
    b.append('\n').append(s.summary()).append("\n\n");
    b.append("Formula:   ").append(s.formula()).append('\n');
    b.append("Gradient:  ").append(s.gradient()).append("\n\n");
    b.append("Inputs:\n");
    for (InputSpec i : s.inputs()) {
      b.append("  ")
          .append(i.name())
          .append(i.optional() ? " (optional)" : "")
          .append(' ')
          .append(i.shape())
          .append(": ")
          .append(i.description())
          .append("; ")
          .append(i.domain().description())
          .append(i.differentiable() ? "; differentiable" : "")
          .append('\n');
    }
    b.append("\nParameters:");
    if (s.params().isEmpty()) {
      b.append(" none\n");
    } else {
      b.append('\n');
      for (ParamSpec p : s.params()) {
        b.append("  ").append(p.name());
        if (p.defaultValue() != null) {
          b.append(" (default ").append(ParamSpec.render(p.defaultValue())).append(')');
        }
        b.append(": ").append(p.description()).append("; ").append(p.expectation()).append('\n');
      }
    }
    List<String> reds = new ArrayList<>();
    for (Reduction r : s.reductions()) {
      reds.add(r.id() + (r == s.defaultReduction() ? " (default)" : ""));
    }
    b.append("\nReductions: ").append(String.join(", ", reds)).append('\n');
    List<String> traits = new ArrayList<>();
    for (Trait t : s.traits()) {
      traits.add(t.id());
    }
    if (!traits.isEmpty()) {
      b.append("Traits: ").append(String.join(", ", traits)).append('\n');
    }
    List<String> tasks = new ArrayList<>();
    for (Task t : s.tasks()) {
      tasks.add(t.id());
    }
    b.append("Tasks: ").append(String.join(", ", tasks)).append('\n');
    b.append("Equivalent: ")
        .append(
            s.equivalent().isEmpty()
                ? "none in PyTorch; the formula above is the definition"
                : s.equivalent())
        .append('\n');
    b.append("\nWhen to use: ").append(s.whenToUse()).append('\n');
    b.append("\nReferences:\n");
    for (LossSpec.Reference r : s.references()) {
      b.append("  ")
          .append(r.citation())
          .append(r.url().isEmpty() ? "" : " <" + r.url() + ">")
          .append('\n');
    }
    b.append("\nExample:\n  losskit eval ").append(s.id()).append(" --pred pred.npy");
    if (s.inputs().size() > 1) {
      b.append(" --target target.npy");
    }
    for (ParamSpec p : s.params()) {
      if (p.defaultValue() != null) {
        b.append(" --param ")
            .append(p.name())
            .append('=')
            .append(ParamSpec.render(p.defaultValue()));
        break;
      }
    }
    b.append(" --grad-out grad.npy\n");
    return b.toString();
  }
}

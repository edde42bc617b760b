package dev.losskit.cli;

import dev.losskit.Task;
import dev.losskit.guide.Condition;
import dev.losskit.guide.Guide;
import dev.losskit.guide.Ranking;
import dev.losskit.guide.Reason;
import dev.losskit.guide.Recommendation;
import dev.losskit.guide.Situation;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code losskit guide}: which loss to use for a task and the data's situation, with reasons. */
@Command(
    name = "guide",
    description = "Rank the catalogue's losses for a task and the data's situation, with reasons.",
    mixinStandardHelpOptions = true)
final class GuideCommand implements Callable<Integer> {
  enum Format {
    text,
    json
  }

  enum Imbalance {
    none,
    mild,
    severe
  }

  enum Goal {
    realism,
    fidelity
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec cmd;

  @Option(
      names = "--task",
      required = true,
      paramLabel = "TASK",
      description =
          "classification, regression, detection, tracking, action-recognition, segmentation,"
              + " image-to-image, text-to-image, audio-to-image, inpainting, dehazing, tabular,"
              + " time-series or representation.")
  String task;

  @Option(
      names = "--imbalance",
      defaultValue = "none",
      description = "Class imbalance: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Imbalance imbalance;

  @Option(names = "--outliers", description = "Some targets are far off.")
  boolean outliers;

  @Option(names = "--noisy-labels", description = "Some labels are wrong.")
  boolean noisyLabels;

  @Option(names = "--uncertainty", description = "Intervals or distributions are wanted.")
  boolean uncertainty;

  @Option(names = "--overlap", description = "The metric that matters is an overlap (IoU, Dice).")
  boolean overlap;

  @Option(names = "--counts", description = "Targets are non-negative counts or amounts.")
  boolean counts;

  @Option(
      names = "--hessian",
      description = "Second derivatives are needed (gradient boosting, Newton steps).")
  boolean hessian;

  @Option(names = "--unpaired", description = "Image-to-image data without aligned pairs.")
  boolean unpaired;

  @Option(
      names = "--goal",
      description =
          "For generation: ${COMPLETION-CANDIDATES} (realism: looks real; fidelity: matches).")
  Goal goal;

  @Option(
      names = "--top",
      defaultValue = "5",
      paramLabel = "N",
      description = "How many losses to show (default: ${DEFAULT-VALUE}).")
  int top;

  @Option(
      names = "--format",
      defaultValue = "text",
      description = "text or json (default: ${DEFAULT-VALUE}).")
  Format format;

  @Override
  public Integer call() {
    Task t;
    try {
      t = Task.parse(task);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cmd.commandLine(), "--" + e.getMessage());
    }
    if (top < 1) {
      throw new CommandLine.ParameterException(
          cmd.commandLine(), "--top: expected a positive number, found " + top);
    }
    Ranking ranking = Guide.builtin().rank(new Situation(t, conditions()));
    List<Recommendation> shown = ranking.recommendations();
    shown = shown.subList(0, Math.min(top, shown.size()));
    PrintWriter out = cmd.commandLine().getOut();
    if (format == Format.json) {
      out.println(Json.of(json(ranking, shown)));
    } else {
      text(out, ranking, shown);
    }
    out.flush();
    return 0;
  }

  private Set<Condition> conditions() {
    Set<Condition> c = EnumSet.noneOf(Condition.class);
    if (imbalance == Imbalance.mild) {
      c.add(Condition.MILD_IMBALANCE);
    } else if (imbalance == Imbalance.severe) {
      c.add(Condition.SEVERE_IMBALANCE);
    }
    add(c, outliers, Condition.OUTLIERS);
    add(c, noisyLabels, Condition.NOISY_LABELS);
    add(c, uncertainty, Condition.UNCERTAINTY);
    add(c, overlap, Condition.OVERLAP_METRIC);
    add(c, counts, Condition.COUNTS);
    add(c, hessian, Condition.NEEDS_HESSIAN);
    add(c, unpaired, Condition.UNPAIRED);
    add(c, goal == Goal.realism, Condition.REALISM);
    add(c, goal == Goal.fidelity, Condition.FIDELITY);
    return c;
  }

  private static void add(Set<Condition> set, boolean given, Condition c) {
    if (given) {
      set.add(c);
    }
  }

  private static void text(PrintWriter out, Ranking ranking, List<Recommendation> shown) {
    StringBuilder head = new StringBuilder("Losses for ").append(ranking.situation().task().id());
    String sep = " with ";
    for (Condition c : ranking.situation().conditions()) {
      head.append(sep).append(c.description());
      sep = ", ";
    }
    out.println(head.append(':'));
    for (Recommendation r : shown) {
      out.println();
      out.printf("%d. %s  (%s; score %d)%n", r.rank(), r.id(), r.name(), r.score());
      for (Reason why : r.reasons()) {
        String mark = why.weight() > 0 ? "+" : why.weight() < 0 ? "-" : "=";
        String source = why.source().equals("review") ? "" : " [" + why.source() + "]";
        out.printf("   %s %s%s%n", mark, why.text(), source);
      }
      out.println("   " + r.cli());
      out.println("   " + r.java());
    }
    if (shown.isEmpty()) {
      out.println();
      out.println("No catalogue loss fits every condition given.");
    }
    for (String note : ranking.notes()) {
      out.println();
      out.println("Note: " + note + ".");
    }
  }

  private static Map<String, Object> json(Ranking ranking, List<Recommendation> shown) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("task", ranking.situation().task().id());
    List<Object> conditions = new ArrayList<>();
    ranking.situation().conditions().forEach(c -> conditions.add(c.id()));
    doc.put("conditions", conditions);
    List<Object> recs = new ArrayList<>();
    for (Recommendation r : shown) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rank", r.rank());
      m.put("id", r.id());
      m.put("name", r.name());
      m.put("score", r.score());
      m.put("params", new LinkedHashMap<String, Object>(r.params()));
      List<Object> reasons = new ArrayList<>();
      for (Reason why : r.reasons()) {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("weight", why.weight());
        w.put("text", why.text());
        w.put("source", why.source());
        reasons.add(w);
      }
      m.put("reasons", reasons);
      m.put("cli", r.cli());
      m.put("java", r.java());
      recs.add(m);
    }
    doc.put("recommendations", recs);
    doc.put("notes", new ArrayList<Object>(ranking.notes()));
    return doc;
  }
}

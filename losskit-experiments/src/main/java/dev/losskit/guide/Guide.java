package dev.losskit.guide;

import dev.losskit.Catalog;
import dev.losskit.InputSpec;
import dev.losskit.LossSpec;
import dev.losskit.Trait;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A loss-selection advisor: ranks catalogue losses for a task and what is known about the data,
 * with the review's reasons and the project's own measurements.
 *
 * <pre>{@code
 * Ranking r = Guide.builtin().rank(Situation.of(Task.REGRESSION, Condition.OUTLIERS));
 * r.recommendations().get(0).id();   // "huber"
 * }</pre>
 */
public final class Guide {
  private final Catalog catalog;
  private final List<Evidence> evidence;

  /**
   * A guide over {@code catalog} with the given measurements.
   *
   * @param catalog resolves ids, names, traits and parameters
   * @param evidence measurements that add reasons (see {@link Evidence#builtin()})
   */
  public Guide(Catalog catalog, List<Evidence> evidence) {
    this.catalog = catalog;
    this.evidence = List.copyOf(evidence);
  }

  /** The built-in catalogue with the experiments' committed results. */
  public static Guide builtin() {
    return new Guide(Catalog.builtin(), Evidence.builtin());
  }

  /** The losses worth using in {@code situation}, best first. */
  public Ranking rank(Situation situation) {
    Map<String, Entry> entries = new LinkedHashMap<>();
    Set<Condition> used = EnumSet.noneOf(Condition.class);
    for (Guidance.Advice a : Guidance.all()) {
      if (a.tasks().contains(situation.task()) && situation.hasAll(a.when())) {
        used.addAll(a.when());
        Entry e = entries.computeIfAbsent(a.id(), Entry::new);
        e.add(new Reason(a.weight(), a.reason(), "review"));
        a.params().forEach(e.params::putIfAbsent);
      }
    }
    for (Evidence ev : evidence) {
      for (Evidence.Finding f : ev.findings(situation)) {
        used.addAll(f.when());
        entries.computeIfAbsent(f.id(), Entry::new).add(f.reason());
      }
    }
    List<String> notes = new ArrayList<>();
    boolean hessian = situation.conditions().contains(Condition.NEEDS_HESSIAN);
    if (hessian) {
      used.add(Condition.NEEDS_HESSIAN);
      notes.add("only losses with an exact Hessian (marked H in 'losskit list') are ranked");
    }
    for (Condition c : situation.conditions()) {
      if (!used.contains(c)) {
        notes.add(
            "no guidance on "
                + c.description()
                + " for "
                + situation.task().id()
                + "; it did not change the ranking");
      }
    }
    List<Entry> ranked = new ArrayList<>();
    for (Entry e : entries.values()) {
      LossSpec spec = catalog.get(e.id);
      if (e.score > 0 && (!hessian || spec.has(Trait.HESSIAN))) {
        ranked.add(e);
      }
    }
    // Stable sort: ties keep the order in which the guidance first named them.
    ranked.sort(Comparator.comparingInt((Entry e) -> -e.score));
    List<Recommendation> out = new ArrayList<>();
    for (Entry e : ranked) {
      LossSpec spec = catalog.get(e.id);
      spec.params(e.params); // rejects a parameter the catalogue does not accept
      List<Reason> reasons = new ArrayList<>(e.reasons);
      reasons.sort(Comparator.comparingInt((Reason r) -> -r.weight()));
      out.add(
          new Recommendation(
              out.size() + 1,
              e.id,
              spec.name(),
              e.score,
              Collections.unmodifiableMap(new LinkedHashMap<>(e.params)),
              List.copyOf(reasons),
              cli(spec, e.params),
              java(spec, e.params)));
    }
    return new Ranking(situation, List.copyOf(out), List.copyOf(notes));
  }

  private static String cli(LossSpec spec, Map<String, String> params) {
    StringBuilder b = new StringBuilder("./losskit eval ").append(spec.id());
    List<InputSpec> inputs = spec.inputs();
    for (int k = 0; k < inputs.size(); k++) {
      InputSpec in = inputs.get(k);
      if (k == 0) {
        b.append(" --pred ").append(in.name()).append(".npy");
      } else if (k == 1) {
        b.append(" --target ").append(in.name()).append(".npy");
      } else if (!in.optional()) {
        b.append(" --input ").append(in.name()).append('=').append(in.name()).append(".npy");
      }
    }
    params.forEach((k, v) -> b.append(" --param ").append(k).append('=').append(v));
    return b.toString();
  }

  private static String java(LossSpec spec, Map<String, String> params) {
    StringBuilder b = new StringBuilder("Loss loss = Catalog.builtin().create(\"");
    b.append(spec.id()).append('"');
    if (!params.isEmpty()) {
      b.append(", Map.of(");
      String sep = "";
      for (Map.Entry<String, String> p : params.entrySet()) {
        b.append(sep).append('"').append(p.getKey()).append("\", \"").append(p.getValue());
        b.append('"');
        sep = ", ";
      }
      b.append(')');
    }
    return b.append(");").toString();
  }

  /** The reasons gathered for one loss. */
  private static final class Entry {
    final String id;
    final Map<String, String> params = new LinkedHashMap<>();
    final List<Reason> reasons = new ArrayList<>();
    int score;

    Entry(String id) {
      this.id = id;
    }

    void add(Reason r) {
      reasons.add(r);
      score += r.weight();
    }
  }
}

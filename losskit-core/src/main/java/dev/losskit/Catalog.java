package dev.losskit;

import dev.losskit.box.BoxLosses;
import dev.losskit.classification.ClassificationLosses;
import dev.losskit.compose.ComposeLosses;
import dev.losskit.divergence.DivergenceLosses;
import dev.losskit.generative.GenerativeLosses;
import dev.losskit.image.ImageLosses;
import dev.losskit.metric.MetricLosses;
import dev.losskit.regression.RegressionLosses;
import dev.losskit.segmentation.SegmentationLosses;
import dev.losskit.tabular.TabularLosses;
import dev.losskit.timeseries.TimeseriesLosses;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Every loss by id and alias: the built-ins, listed explicitly, and those of {@link LossProvider}s
 * found through {@link ServiceLoader}.
 */
public final class Catalog {
  private static final class Holder {
    static final Catalog BUILTIN = load();
  }

  private final List<LossSpec> specs;
  private final Map<String, LossSpec> byName = new LinkedHashMap<>();

  /** A catalogue of exactly these entries. */
  public Catalog(List<LossSpec> specs) {
    this.specs = List.copyOf(specs);
    for (LossSpec s : this.specs) {
      register(s.id(), s);
    }
    for (LossSpec s : this.specs) {
      for (String a : s.aliases()) {
        register(a, s);
      }
    }
  }

  /** The built-in losses plus those of every {@link LossProvider} on the class path. */
  public static Catalog builtin() {
    return Holder.BUILTIN;
  }

  /** The built-in losses only, in catalogue order. */
  public static List<LossSpec> builtins() {
    List<LossSpec> all = new ArrayList<>();
    all.addAll(RegressionLosses.specs());
    all.addAll(ClassificationLosses.specs());
    all.addAll(SegmentationLosses.specs());
    all.addAll(BoxLosses.specs());
    all.addAll(MetricLosses.specs());
    all.addAll(DivergenceLosses.specs());
    all.addAll(ImageLosses.specs());
    all.addAll(GenerativeLosses.specs());
    all.addAll(TimeseriesLosses.specs());
    all.addAll(TabularLosses.specs());
    all.addAll(ComposeLosses.specs());
    return all;
  }

  private static Catalog load() {
    List<LossSpec> all = builtins();
    for (LossProvider p : ServiceLoader.load(LossProvider.class)) {
      all.addAll(p.specs());
    }
    return new Catalog(all);
  }

  private void register(String name, LossSpec s) {
    LossSpec old = byName.putIfAbsent(name, s);
    if (old != null) {
      throw new IllegalStateException(
          "catalogue: the name '" + name + "' is used by both " + old.id() + " and " + s.id());
    }
  }

  /** Every entry, in catalogue order. */
  public List<LossSpec> specs() {
    return specs;
  }

  /** The entries of one family, in catalogue order. */
  public List<LossSpec> specs(Family family) {
    List<LossSpec> out = new ArrayList<>();
    for (LossSpec s : specs) {
      if (s.family() == family) {
        out.add(s);
      }
    }
    return Collections.unmodifiableList(out);
  }

  /** The entry with this id or alias. */
  public Optional<LossSpec> find(String idOrAlias) {
    return Optional.ofNullable(byName.get(idOrAlias));
  }

  /**
   * The entry with this id or alias.
   *
   * @throws IllegalArgumentException naming the unknown loss and the nearest known names
   */
  public LossSpec get(String idOrAlias) {
    LossSpec s = byName.get(idOrAlias);
    if (s != null) {
      return s;
    }
    String mention = ReviewTerms.explain(idOrAlias);
    if (mention != null) {
      throw new IllegalArgumentException(
          "loss: '" + idOrAlias + "' is not a loss of its own: " + mention);
    }
    throw new IllegalArgumentException(
        "loss: expected a catalogue id or alias (see 'losskit list'), found '"
            + idOrAlias
            + "'"
            + suggestion(idOrAlias));
  }

  /** Creates the loss {@code idOrAlias} with the given parameters. */
  public Loss create(String idOrAlias, Map<String, ?> params) {
    return get(idOrAlias).create(params);
  }

  /** Creates the loss {@code idOrAlias} with default parameters. */
  public Loss create(String idOrAlias) {
    return get(idOrAlias).create();
  }

  private String suggestion(String name) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String known : byName.keySet()) {
      int d = distance(name, known);
      if (d < bestDistance) {
        bestDistance = d;
        best = known;
      }
    }
    return best != null && bestDistance <= Math.max(2, name.length() / 3)
        ? "; did you mean '" + best + "'?"
        : "";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}

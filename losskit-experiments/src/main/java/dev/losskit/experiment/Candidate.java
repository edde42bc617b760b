package dev.losskit.experiment;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import java.util.Map;
import java.util.TreeMap;

/**
 * A catalogue loss with its parameters, as one row of an experiment's table.
 *
 * @param id the catalogue id, as {@code losskit list} prints it
 * @param params parameter values, by catalogue name (empty for the defaults)
 */
public record Candidate(String id, Map<String, String> params) {
  /** Copies the parameters. */
  public Candidate {
    params = Map.copyOf(params);
  }

  /** The loss with its default parameters. */
  public static Candidate of(String id) {
    return new Candidate(id, Map.of());
  }

  /** The loss with one parameter set. */
  public static Candidate of(String id, String param, String value) {
    return new Candidate(id, Map.of(param, value));
  }

  /** The loss from the built-in catalogue; fails on an unknown id or parameter. */
  public Loss create() {
    return Catalog.builtin().get(id).create(params);
  }

  /** The row label: the id followed by its non-default parameters, e.g. {@code huber delta=2}. */
  public String label() {
    StringBuilder b = new StringBuilder(id);
    new TreeMap<>(params).forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
    return b.toString();
  }
}

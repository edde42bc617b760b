package dev.losskit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The parsed, checked parameter values of one loss instance, every declared parameter present. */
public final class Params {
  private final Map<String, Object> values;

  Params(Map<String, Object> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  public double real(String name) {
    return (Double) get(name);
  }

  public long integer(String name) {
    return (Long) get(name);
  }

  public boolean bool(String name) {
    return (Boolean) get(name);
  }

  /** A CHOICE or TEXT parameter. */
  public String text(String name) {
    return (String) get(name);
  }

  /** A REALS parameter (a copy). */
  public double[] reals(String name) {
    return ((double[]) get(name)).clone();
  }

  /** Whether the parameter has a value (parameters without a default may be absent). */
  public boolean has(String name) {
    return values.get(name) != null;
  }

  /** Every parameter in declaration order, in the text form the CLI accepts. */
  public Map<String, String> asText() {
    Map<String, String> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, v == null ? null : ParamSpec.render(v)));
    return out;
  }

  private Object get(String name) {
    if (!values.containsKey(name)) {
      throw new IllegalArgumentException("parameter " + name + ": not declared by this loss");
    }
    Object v = values.get(name);
    if (v == null) {
      throw new IllegalStateException("parameter " + name + ": has no value");
    }
    return v;
  }

  @Override
  public String toString() {
    return asText().toString();
  }
}

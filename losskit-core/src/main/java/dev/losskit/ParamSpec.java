package dev.losskit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One named parameter of a loss, with its kind, default and allowed values. Parameters are given as
 * text ({@code --param delta=0.5}) or as Java values and parsed here, once, when a loss is created.
 */
public final class ParamSpec {
  /** What kind of value a parameter holds. */
  public enum Kind {
    REAL,
    INTEGER,
    BOOLEAN,
    /** One of a fixed set of words. */
    CHOICE,
    /** A comma-separated list of numbers. */
    REALS,
    /** Free text, interpreted by the loss (e.g. the terms of a weighted sum). */
    TEXT
  }

  private final String name;
  private final Kind kind;
  private final Object defaultValue;
  private final Range range;
  private final List<String> choices;
  private final String description;

  private ParamSpec(
      String name,
      Kind kind,
      Object defaultValue,
      Range range,
      List<String> choices,
      String description) {
    this.name = name;
    this.kind = kind;
    this.range = range;
    this.choices = List.copyOf(choices);
    this.description = description;
    this.defaultValue = defaultValue == null ? null : parse(render(defaultValue));
  }

  public static ParamSpec real(String name, double defaultValue, Range range, String description) {
    return new ParamSpec(name, Kind.REAL, defaultValue, range, List.of(), description);
  }

  public static ParamSpec integer(String name, long defaultValue, Range range, String description) {
    return new ParamSpec(name, Kind.INTEGER, defaultValue, range, List.of(), description);
  }

  public static ParamSpec bool(String name, boolean defaultValue, String description) {
    return new ParamSpec(name, Kind.BOOLEAN, defaultValue, Range.ANY, List.of(), description);
  }

  public static ParamSpec choice(
      String name, String defaultValue, List<String> choices, String description) {
    return new ParamSpec(name, Kind.CHOICE, defaultValue, Range.ANY, choices, description);
  }

  public static ParamSpec reals(
      String name, double[] defaultValue, Range range, String description) {
    return new ParamSpec(name, Kind.REALS, defaultValue, range, List.of(), description);
  }

  public static ParamSpec text(String name, String defaultValue, String description) {
    return new ParamSpec(name, Kind.TEXT, defaultValue, Range.ANY, List.of(), description);
  }

  public String name() {
    return name;
  }

  public Kind kind() {
    return kind;
  }

  /** The parsed default: Double, Long, Boolean, String or double[]. */
  public Object defaultValue() {
    return defaultValue instanceof double[] d ? d.clone() : defaultValue;
  }

  public Range range() {
    return range;
  }

  public List<String> choices() {
    return choices;
  }

  public String description() {
    return description;
  }

  /** What the parameter accepts, in words. */
  public String expectation() {
    switch (kind) {
      case REAL:
        return range.describe();
      case INTEGER:
        return "an integer" + (range.equals(Range.ANY) ? "" : ", " + range.describe());
      case BOOLEAN:
        return "true or false";
      case CHOICE:
        return "one of " + String.join(", ", choices);
      case REALS:
        return "a comma-separated list of numbers, each " + range.describe();
      default:
        return "text";
    }
  }

  /**
   * Parses and checks a value given as text or as a Java value.
   *
   * @throws IllegalArgumentException naming the parameter, the expectation and the value found
   */
  public Object parse(Object value) {
    if (value == null) {
      throw error("null");
    }
    String s = render(value).trim();
    switch (kind) {
      case REAL:
        {
          double v = number(s);
          if (!range.contains(v)) {
            throw error(s);
          }
          return v;
        }
      case INTEGER:
        {
          long v;
          try {
            v = Long.parseLong(s);
          } catch (NumberFormatException e) {
            throw error(s);
          }
          if (!range.contains(v)) {
            throw error(s);
          }
          return v;
        }
      case BOOLEAN:
        {
          String b = s.toLowerCase(Locale.ROOT);
          if (b.equals("true") || b.equals("false")) {
            return Boolean.valueOf(b);
          }
          throw error(s);
        }
      case CHOICE:
        if (choices.contains(s)) {
          return s;
        }
        throw error(s);
      case REALS:
        {
          List<Double> parts = new ArrayList<>();
          for (String p : s.split(",", -1)) {
            double v = number(p.trim());
            if (!range.contains(v)) {
              throw error(s);
            }
            parts.add(v);
          }
          double[] out = new double[parts.size()];
          for (int i = 0; i < out.length; i++) {
            out[i] = parts.get(i);
          }
          return out;
        }
      default:
        return s;
    }
  }

  /** The text form of a value of this parameter, as the CLI accepts it. */
  public static String render(Object value) {
    if (value instanceof double[] d) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < d.length; i++) {
        b.append(i == 0 ? "" : ",").append(renderNumber(d[i]));
      }
      return b.toString();
    }
    if (value instanceof Double d) {
      return renderNumber(d);
    }
    if (value instanceof Float f) {
      return renderNumber(f.doubleValue());
    }
    return String.valueOf(value);
  }

  private static String renderNumber(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  private double number(String s) {
    String w = s.toLowerCase(Locale.ROOT);
    if (w.equals("inf") || w.equals("+inf")) {
      return Double.POSITIVE_INFINITY;
    }
    if (w.equals("-inf")) {
      return Double.NEGATIVE_INFINITY;
    }
    try {
      double v = Double.parseDouble(s);
      if (Double.isNaN(v)) {
        throw error(s);
      }
      return v;
    } catch (NumberFormatException e) {
      throw error(s);
    }
  }

  private IllegalArgumentException error(String found) {
    return new IllegalArgumentException(
        "parameter " + name + ": expected " + expectation() + ", found '" + found + "'");
  }
}

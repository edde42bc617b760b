package dev.losskit.compose;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code terms} parameter of the composite losses: parsed once, when a composite is created,
 * into catalogue losses and their weights; and the same text rendered back from losses built in
 * Java.
 *
 * <pre>{@code
 * terms  = term ("," term)*
 * term   = id [":" weight] ["(" params ")"]       e.g. huber:0.5(delta=2)
 * params = name "=" value (("," | ";") name "=" value)*
 * }</pre>
 *
 * <p>Ids and aliases are those of {@link Catalog#builtin()}. A weight is a finite non-negative
 * number (1 when left out). Inside the parentheses, a piece without {@code =} continues the value
 * before it, so that lists read naturally ({@code multi-quantile(quantiles=0.1,0.5,0.9)}), and
 * parentheses nest (a term may itself be a {@code weighted-sum} with its own {@code terms}).
 */
final class Terms {
  /** One parsed term: the loss, its weight and the text it came from. */
  record Term(Loss loss, double weight, String text) {}

  private Terms() {}

  /**
   * Parses {@code text} and creates each term's loss.
   *
   * @param weighted whether weights may be given ({@code false}: a weight is an error)
   * @throws IllegalArgumentException naming {@code terms}, what was expected and what was found
   */
  static List<Term> parse(String text, boolean weighted) {
    List<String> pieces = split(text, false);
    if (pieces.size() == 1 && pieces.get(0).isEmpty()) {
      throw error("at least one term", "''");
    }
    List<Term> out = new ArrayList<>();
    for (String piece : pieces) {
      out.add(term(piece, weighted));
    }
    return out;
  }

  private static Term term(String piece, boolean weighted) {
    if (piece.isEmpty()) {
      throw error("terms separated by single commas", "an empty term");
    }
    String head = piece;
    Map<String, String> params = new LinkedHashMap<>();
    int open = piece.indexOf('(');
    if (open >= 0) {
      if (!piece.endsWith(")") || depthAfter(piece) != 0) {
        throw error("'(' ... ')' closing at the end of the term", "'" + piece + "'");
      }
      head = piece.substring(0, open).trim();
      params = params(piece.substring(open + 1, piece.length() - 1), piece);
    } else if (piece.indexOf(')') >= 0) {
      throw error("'(' before ')'", "'" + piece + "'");
    }
    String id = head;
    double weight = 1;
    int colon = head.indexOf(':');
    if (colon >= 0) {
      id = head.substring(0, colon).trim();
      String w = head.substring(colon + 1).trim();
      if (!weighted) {
        throw error(
            "loss ids without weights (the weights are learned through log-var)",
            "'" + piece + "'");
      }
      weight = weight(w, piece);
    }
    if (id.isEmpty()) {
      throw error("a catalogue id before ':' or '('", "'" + piece + "'");
    }
    LossSpec spec;
    try {
      spec = Catalog.builtin().get(id);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "parameter terms: " + e.getMessage().replaceFirst("^loss: ", ""), e);
    }
    Loss loss;
    try {
      loss = spec.create(params);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "parameter terms: in term '" + piece + "': " + e.getMessage(), e);
    }
    return new Term(loss, weight, piece);
  }

  private static double weight(String w, String piece) {
    double v;
    try {
      v = Double.parseDouble(w);
    } catch (NumberFormatException e) {
      v = Double.NaN;
    }
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw error("a finite non-negative weight after ':'", "'" + w + "' in term '" + piece + "'");
    }
    return v;
  }

  private static Map<String, String> params(String inner, String piece) {
    Map<String, String> out = new LinkedHashMap<>();
    String last = null;
    for (String p : split(inner, true)) {
      int eq = topLevelEquals(p);
      if (eq < 0) {
        if (last == null) {
          throw error(
              "name=value parameters inside '(...)'", "'" + p + "' in term '" + piece + "'");
        }
        out.put(last, out.get(last) + "," + p);
        continue;
      }
      last = p.substring(0, eq).trim();
      if (last.isEmpty() || out.containsKey(last)) {
        throw error(
            "each parameter named once inside '(...)'", "'" + p + "' in term '" + piece + "'");
      }
      out.put(last, p.substring(eq + 1).trim());
    }
    return out;
  }

  /** Splits at commas (and semicolons when {@code semicolons}) outside parentheses; trims. */
  private static List<String> split(String text, boolean semicolons) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
        if (depth < 0) {
          throw error("'(' before ')'", "'" + text + "'");
        }
      } else if (depth == 0 && (c == ',' || (semicolons && c == ';'))) {
        out.add(text.substring(start, i).trim());
        start = i + 1;
      }
    }
    if (depth != 0) {
      throw error("a ')' for every '('", "'" + text + "'");
    }
    out.add(text.substring(start).trim());
    return out;
  }

  /** The nesting depth left after the first '(' closes, or -1 if it closes before the end. */
  private static int depthAfter(String piece) {
    int depth = 0;
    for (int i = piece.indexOf('('); i < piece.length(); i++) {
      char c = piece.charAt(i);
      depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      if (depth == 0 && i < piece.length() - 1) {
        return -1;
      }
    }
    return depth;
  }

  private static int topLevelEquals(String p) {
    int depth = 0;
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == '=' && depth == 0) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The text of one term built in Java: the loss's id, its weight when {@code weighted}, and the
   * parameters that differ from their defaults.
   */
  static String render(Loss loss, double weight, boolean weighted) {
    LossSpec spec = loss.spec();
    StringBuilder b = new StringBuilder(spec.id());
    if (weighted) {
      b.append(':').append(ParamSpec.render(weight));
    }
    Map<String, String> defaults = spec.defaults().asText();
    StringBuilder p = new StringBuilder();
    for (Map.Entry<String, String> e : loss.params().asText().entrySet()) {
      if (e.getValue() != null && !Objects.equals(e.getValue(), defaults.get(e.getKey()))) {
        p.append(p.length() == 0 ? "" : ",").append(e.getKey()).append('=').append(e.getValue());
      }
    }
    if (p.length() > 0) {
      b.append('(').append(p).append(')');
    }
    return b.toString();
  }

  private static IllegalArgumentException error(String expected, String found) {
    return new IllegalArgumentException(
        "parameter terms: expected " + expected + ", found " + found);
  }
}

package dev.losskit.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the catalogue's plain-text math into AsciiMath, which MathJax typesets in the browser. The
 * catalogue's notation is already close to AsciiMath ({@code r^2 / 2}, {@code sum_c}, {@code <=},
 * {@code |r|}); what needs care is words: Greek letters and functions stay symbols, every other
 * word ({@code pred}, {@code if}, {@code label-smoothing}) is quoted as upright text so that
 * AsciiMath neither splits it into italic letters nor reads it as one of its own symbols.
 */
public final class MathText {
  private static final Set<String> SYMBOLS =
      Set.of(
          "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
          "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi",
          "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Phi", "Psi", "Omega",
          "sin", "cos", "tan", "sinh", "cosh", "tanh", "log", "ln", "exp", "max", "min", "sqrt",
          "abs", "sum", "prod", "det", "lim");

  /** Words AsciiMath would misread, with what they mean here. */
  private static final java.util.Map<String, String> RENAMED =
      java.util.Map.of("eps", "epsilon", "inf", "oo");

  // A word: letters and digits, with inner hyphens (label-smoothing), starting with a letter.
  private static final Pattern WORD =
      Pattern.compile("[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z][A-Za-z0-9]*)*");

  private MathText() {}

  /** The formula as lines of AsciiMath: one per clause separated by "; ". */
  public static List<String> asciiMath(String plain) {
    List<String> out = new ArrayList<>();
    for (String clause : plain.split(";\\s+")) {
      if (!clause.isBlank()) {
        out.add(line(clause.trim().replace("`", "'").replace("\"", "'")));
      }
    }
    return out;
  }

  private static String line(String s) {
    StringBuilder b = new StringBuilder();
    Matcher m = WORD.matcher(s);
    int at = 0;
    while (m.find()) {
      b.append(s, at, m.start());
      String w = m.group();
      if (RENAMED.containsKey(w)) {
        b.append(RENAMED.get(w));
      } else if (w.length() == 1 || SYMBOLS.contains(w)) {
        b.append(w);
      } else {
        // A space beside a word stays a space, except where it would become the operand of a
        // fraction, power or subscript ("dC / (C + eps)^2").
        boolean spaceBefore =
            m.start() > 0
                && Character.isWhitespace(s.charAt(m.start() - 1))
                && "/^_(".indexOf(previous(s, m.start())) < 0;
        boolean spaceAfter =
            m.end() < s.length()
                && Character.isWhitespace(s.charAt(m.end()))
                && "/^_)".indexOf(following(s, m.end())) < 0;
        b.append(spaceBefore ? "\\ " : "")
            .append('"')
            .append(w)
            .append('"')
            .append(spaceAfter ? "\\ " : "");
      }
      at = m.end();
    }
    return b.append(s.substring(at)).toString();
  }

  /** The last non-blank character before {@code i}, or a space. */
  private static char previous(String s, int i) {
    for (int j = i - 1; j >= 0; j--) {
      if (!Character.isWhitespace(s.charAt(j))) {
        return s.charAt(j);
      }
    }
    return ' ';
  }

  /** The first non-blank character from {@code i}, or a space. */
  private static char following(String s, int i) {
    for (int j = i; j < s.length(); j++) {
      if (!Character.isWhitespace(s.charAt(j))) {
        return s.charAt(j);
      }
    }
    return ' ';
  }
}

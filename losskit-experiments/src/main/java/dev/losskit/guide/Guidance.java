package dev.losskit.guide;

import dev.losskit.Task;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The review's guidance on choosing a loss, read from {@code guidance.tsv} beside this class: in
 * these tasks, when this condition holds, this loss gains (or loses) this weight, for this reason.
 * Base rows (no condition) say what is used when nothing special is known; conditions then move
 * losses up or down. The file's header documents its columns.
 */
final class Guidance {
  /** One piece of guidance. */
  record Advice(
      Set<Task> tasks,
      Set<Condition> when,
      String id,
      Map<String, String> params,
      int weight,
      String reason) {}

  private static final String FILE = "guidance.tsv";
  private static final List<Advice> ALL = load();

  private Guidance() {}

  /** Every piece of guidance, in file order. */
  static List<Advice> all() {
    return ALL;
  }

  private static List<Advice> load() {
    try (InputStream in = Guidance.class.getResourceAsStream(FILE)) {
      if (in == null) {
        throw new IllegalStateException(FILE + ": not found beside " + Guidance.class.getName());
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      List<Advice> out = new ArrayList<>();
      int lineNo = 0;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lineNo++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        try {
          out.add(parse(line));
        } catch (RuntimeException e) {
          throw new IllegalStateException(FILE + " line " + lineNo + ": " + e.getMessage(), e);
        }
      }
      return Collections.unmodifiableList(out);
    } catch (IOException e) {
      throw new UncheckedIOException(FILE + ": cannot read", e);
    }
  }

  private static Advice parse(String line) {
    String[] f = line.split("\t", -1);
    if (f.length != 6) {
      throw new IllegalArgumentException("expected 6 tab-separated columns, found " + f.length);
    }
    Set<Task> tasks = EnumSet.noneOf(Task.class);
    for (String t : f[0].split(",")) {
      tasks.add(Task.parse(t.trim()));
    }
    Set<Condition> when = EnumSet.noneOf(Condition.class);
    if (!f[1].equals("-")) {
      when.add(Condition.parse(f[1]));
    }
    Map<String, String> params = new LinkedHashMap<>();
    if (!f[4].equals("-")) {
      for (String p : f[4].split(";")) {
        int eq = p.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("params: expected name=value, found '" + p + "'");
        }
        params.put(p.substring(0, eq), p.substring(eq + 1));
      }
    }
    return new Advice(
        Collections.unmodifiableSet(tasks),
        Collections.unmodifiableSet(when),
        f[2],
        Collections.unmodifiableMap(params),
        Integer.parseInt(f[3]),
        f[5]);
  }
}

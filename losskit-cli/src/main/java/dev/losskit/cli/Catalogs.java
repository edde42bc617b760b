package dev.losskit.cli;

import dev.losskit.Catalog;
import dev.losskit.LossSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Lookups shared by the commands, turning unknown names into usage errors (exit code 2). */
final class Catalogs {
  private Catalogs() {}

  static LossSpec spec(CommandLine cl, String id) {
    try {
      return Catalog.builtin().get(id);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cl, e.getMessage());
    }
  }

  /** Parses {@code NAME=VALUE} parameters and checks them against the entry. */
  static Map<String, String> params(CommandLine cl, LossSpec spec, List<String> given) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String p : given) {
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new CommandLine.ParameterException(
            cl, "--param: expected NAME=VALUE, found '" + p + "'");
      }
      out.put(p.substring(0, eq), p.substring(eq + 1));
    }
    try {
      spec.params(out);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cl, e.getMessage());
    }
    return out;
  }
}

package dev.losskit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The losskit side of the comparison has the baseline's cases, each runnable with a gradient. */
class PeerCasesTest {
  static List<String> names() {
    return PeerCases.names();
  }

  @Test
  void theCasesAreTheBaselinesInItsOrder() throws IOException {
    String script = Files.readString(Path.of("../tools/bench/torch_baseline.py"));
    Matcher m = Pattern.compile("R\\.append\\(\\(\"([a-z0-9_]+)\"").matcher(script);
    List<String> baseline = new ArrayList<>();
    while (m.find()) {
      baseline.add(m.group(1));
    }
    assertEquals(baseline, PeerCases.names());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void eachCaseGivesAFiniteValueAndANonZeroFiniteGradient(String name) {
    PeerCases.Case c = PeerCases.build(name, PeerCases.batchSized(name) ? 64 : 4096, 7);
    assertTrue(Double.isFinite(c.step()), name);
    boolean nonZero = false;
    for (float[] g : c.grads()) {
      if (g != null) {
        for (float x : g) {
          assertTrue(Float.isFinite(x), name);
          nonZero |= x != 0;
        }
      }
    }
    assertTrue(nonZero, name + ": every gradient entry is zero");
  }
}

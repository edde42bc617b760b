package dev.losskit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.testing.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchTest {
  @Test
  @SuppressWarnings("unchecked")
  void profilesTimeAllocationScalingAndStability() {
    Cli r =
        Cli.run(
            "bench",
            "mse",
            "cross-entropy",
            "zero-one",
            "--max-units",
            "1024",
            "--batch-seconds",
            "0.001",
            "--format",
            "json");
    assertEquals(0, r.exitCode(), r.err());
    List<Object> rows = (List<Object>) ((Map<String, Object>) Json.parse(r.out())).get("profiles");
    assertEquals(3, rows.size());
    for (Object o : rows) {
      Map<String, Object> p = (Map<String, Object>) o;
      List<Object> t = (List<Object>) p.get("value-and-gradient");
      assertEquals(3, t.size(), "sizes 64, 256 and 1024: " + t);
      Map<String, Object> stability = (Map<String, Object>) p.get("stability");
      assertEquals(
          0.0, stability.get("non-finite"), p.get("id") + " must never give a non-finite gradient");
      for (Object x : t) {
        assertTrue((Double) ((Map<String, Object>) x).get("ns-per-call") > 0);
      }
    }
    // mse allocates a small fixed amount per call (argument checks), nothing per element.
    List<Object> mse = (List<Object>) ((Map<String, Object>) rows.get(0)).get("value-and-gradient");
    double small = (Double) ((Map<String, Object>) mse.get(0)).get("bytes-per-call");
    double large = (Double) ((Map<String, Object>) mse.get(2)).get("bytes-per-call");
    assertTrue(large < small + 64 && large < 512, "allocation does not grow with size: " + mse);
    assertEquals(
        "n/a (no gradient)", ((Map<String, Object>) rows.get(2)).get("gradient-stability"));
  }

  @Test
  void markdownNamesTheCommandThatRegeneratesIt() {
    Cli r =
        Cli.run(
            "bench",
            "huber",
            "--max-units",
            "256",
            "--batch-seconds",
            "0.001",
            "--format",
            "markdown");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(
        r.out().contains("./losskit bench --format markdown > docs/computational-evaluation.md"));
    assertTrue(r.out().contains("| `huber` | regression |"), r.out());
  }

  @Test
  void unknownIdsAreUsageErrors() {
    assertEquals(2, Cli.run("bench", "no-such-loss").exitCode());
  }
}

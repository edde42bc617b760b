package dev.losskit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.LossSpec;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GradcheckTest {
  static List<LossSpec> specs() {
    return Catalog.builtin().specs();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void passesForEveryLoss(LossSpec s) {
    for (String seed : new String[] {"0", "1"}) {
      Cli r = Cli.run("gradcheck", s.id(), "--seed", seed);
      assertEquals(0, r.exitCode(), s.id() + ": " + r.out() + r.err());
      assertTrue(r.out().contains("\"passed\":true"), r.out());
    }
  }
}

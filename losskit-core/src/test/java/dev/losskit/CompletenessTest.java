package dev.losskit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.testing.LossContractTest;
import dev.losskit.testing.References;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fails when a catalogue entry lacks its contract test, its peer reference file or its row in
 * docs/losses.md.
 */
class CompletenessTest {
  static List<LossSpec> specs() {
    return Catalog.builtins();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void everyLossHasAContractTest(LossSpec s) {
    Class<?> lossClass = s.create().getClass();
    String testName = lossClass.getName() + "Test";
    Class<?> test;
    try {
      test = Class.forName(testName);
    } catch (ClassNotFoundException e) {
      throw new AssertionError(s.id() + ": no test class " + testName);
    }
    assertTrue(
        LossContractTest.class.isAssignableFrom(test), testName + " must extend LossContractTest");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void everyLossWithAPeerHasAReferenceFile(LossSpec s) {
    if (!s.peer().isEmpty()) {
      assertTrue(
          References.exists(s.id()),
          s.id() + ": no reference file from " + s.peer() + " in " + References.DIR);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void everyLossHasARowInTheDocs(LossSpec s) throws IOException {
    assertTrue(docs().contains("| `" + s.id() + "`"), s.id() + ": no row in docs/losses.md");
  }

  @Test
  void docsAreCurrent() throws IOException {
    assertEquals(
        CatalogTable.markdown(Catalog.builtins()),
        docs(),
        "docs/losses.md is stale: regenerate it with ./losskit list --format markdown > docs/losses.md");
  }

  private static String docs() throws IOException {
    Path p = Paths.get("..", "docs", "losses.md");
    return Files.readString(p, StandardCharsets.UTF_8);
  }
}

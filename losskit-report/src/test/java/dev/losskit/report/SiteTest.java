package dev.losskit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.LossSpec;
import dev.losskit.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiteTest {
  /** Written once; BrowserTest reads it too. */
  static final Path SITE = Path.of("target", "report-site");

  @BeforeAll
  static void writeSite() throws IOException {
    ensureSite();
  }

  private static boolean written;

  /** Writes the site once per test run (replacing one left by an earlier run). */
  static synchronized void ensureSite() throws IOException {
    if (!written) {
      new Site(Catalog.builtin(), Measurements.packaged()).write(SITE);
      written = true;
    }
  }

  @Test
  void theIndexLinksEveryLossByFamilyAndByTask() throws IOException {
    String all = Files.readString(SITE.resolve("index.html"));
    String index = all.substring(0, all.indexOf("<h2 id=\"experiments\">"));
    for (LossSpec s : Catalog.builtin().specs()) {
      String link = "href=\"losses/" + s.id() + ".html\"";
      // once in its family's table, once per task
      int count = index.split(java.util.regex.Pattern.quote(link), -1).length - 1;
      assertEquals(1 + s.tasks().size(), count, s.id());
    }
    for (Task t : Task.values()) {
      assertTrue(index.contains("id=\"task-" + t.id() + "\""), t.id());
    }
  }

  @Test
  void everyLossHasAPageFromItsSpecAndEveryAliasLeadsThere() throws IOException {
    Measurements m = Measurements.packaged();
    for (LossSpec s : Catalog.builtin().specs()) {
      String page = Files.readString(SITE.resolve("losses/" + s.id() + ".html"));
      assertTrue(page.contains(Site.esc(s.summary())), s.id() + " summary");
      assertTrue(page.contains(Site.esc(s.formula())), s.id() + " formula");
      assertTrue(page.contains(Site.esc(s.gradient())), s.id() + " gradient");
      assertTrue(page.contains(Site.esc(s.whenToUse())), s.id() + " when to use");
      assertTrue(page.contains("<svg"), s.id() + " plot");
      assertTrue(page.contains("./losskit eval " + s.id()), s.id() + " cli");
      assertTrue(page.contains("create(&quot;" + s.id() + "&quot;"), s.id() + " java");
      if (!s.equivalent().isEmpty()) {
        assertTrue(page.contains(Site.esc(s.equivalent())), s.id() + " equivalent");
      }
      for (String v : m.bench(s.id()).values()) {
        assertTrue(page.contains(Site.esc(v.replace("`", ""))), s.id() + " bench " + v);
      }
      for (String a : s.aliases()) {
        String alias = Files.readString(SITE.resolve("losses/" + a + ".html"));
        assertTrue(alias.contains("url=" + s.id() + ".html"), a);
      }
    }
  }

  @Test
  void theMathJaxFilesAreCopiedIntoTheSite() {
    for (String f : Site.MATHJAX_FILES) {
      assertTrue(Files.isRegularFile(SITE.resolve("mathjax/" + f)), f);
    }
  }

  @Test
  void anEarlierReportIsReplacedAndNoTemporaryFolderIsLeft(@TempDir Path dir) throws IOException {
    Site site =
        new Site(new Catalog(List.of(Catalog.builtin().get("mse"))), Measurements.packaged());
    Path out = dir.resolve("report");
    site.write(out);
    Files.writeString(out.resolve("stale.html"), "old");
    site.write(out);
    assertFalse(Files.exists(out.resolve("stale.html")));
    assertTrue(Files.exists(out.resolve("losses/mse.html")));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(out), s.toList());
    }
  }

  @Test
  void aFolderOfOtherFilesIsNeverReplaced(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("notes.txt"), "mine");
    Site site =
        new Site(new Catalog(List.of(Catalog.builtin().get("mse"))), Measurements.packaged());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> site.write(dir));
    assertTrue(e.getMessage().startsWith("--out: expected a new or empty folder"), e.getMessage());
    assertEquals("mine", Files.readString(dir.resolve("notes.txt")));
    try (Stream<Path> s = Files.list(dir.getParent())) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".report-")));
    }
  }

  @Test
  void benchFiguresAndExperimentsAreReadFromTheCommittedResults() throws IOException {
    Measurements m = Measurements.packaged();
    Map<String, String> huber = m.bench("huber");
    String docs = Files.readString(Path.of("..", "docs", "computational-evaluation.md"));
    String row = docs.lines().filter(l -> l.startsWith("| `huber` |")).findFirst().orElseThrow();
    assertEquals(row, "| " + String.join(" | ", huber.values()) + " |");
    assertTrue(huber.containsKey("|g| range"), huber.keySet().toString());
    Measurements.Experiment box = m.experimentsOf("giou").get(0);
    assertEquals("box-regression", box.name());
    String csv = Files.readString(Path.of("..", "docs", "experiments", "box-regression.csv"));
    String last = csv.strip().lines().reduce((a, b) -> b).orElseThrow();
    assertEquals(
        Double.parseDouble(last.split(",")[1 + box.columns().indexOf("giou")]),
        box.column("giou")[box.rows().size() - 1]);
  }

  @Test
  void trainingComparisonsAndGuideRanksAppearOnTheLossPages() throws IOException {
    Measurements m = Measurements.packaged();
    Measurements.Comparison noise = m.comparisonsOf("generalized-ce").get(0);
    assertEquals("label-noise", noise.name());
    assertTrue(noise.metrics().contains("test acc 40%"), noise.metrics().toString());
    assertTrue(m.comparisonsOf("cross-entropy").contains(noise), "label-smoothing variant");
    String page = Files.readString(SITE.resolve("losses/generalized-ce.html"));
    assertTrue(page.contains("<h3>Experiment: label-noise</h3>"), "comparison table");
    assertTrue(page.contains("<tr class=\"this\"><td>generalized-ce</td>"), "this loss marked");
    assertTrue(
        page.contains(
            "classification, noisy labels: rank 2 (<code>losskit guide --task"
                + " classification --noisy-labels</code>)"),
        "guide rank");
  }

  @Test
  void plainMathBecomesAsciiMathWithWordsAsText() {
    assertEquals(
        List.of(
            "l = r^2 / 2 \\ \"if\"\\  |r| <= delta \\ \"else\"\\  delta (|r| - delta / 2), r ="
                + " \\ \"pred\"\\  - \\ \"target\""),
        MathText.asciiMath(
            "l = r^2 / 2 if |r| <= delta else delta (|r| - delta / 2), r = pred - target"));
    assertEquals(
        List.of("\"dl\"/\"dpred\"\\  = q_c - 1", "epsilon = 1"),
        MathText.asciiMath("dl/dpred = q_c - 1; eps = 1"));
    assertEquals(
        List.of("\"label-smoothing\"\\  + sum_c log q_c"),
        MathText.asciiMath("label-smoothing + sum_c log q_c"));
    // No space may become the operand of a fraction.
    assertEquals(
        List.of("- \\ \"dC\" / (C + epsilon)^2"), MathText.asciiMath("- dC / (C + eps)^2"));
  }
}

package dev.losskit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Task;
import dev.losskit.guide.Condition;
import dev.losskit.guide.Guide;
import dev.losskit.guide.Situation;
import dev.losskit.testing.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GuideTest {
  @Test
  @SuppressWarnings("unchecked")
  void jsonIsTheLibrarysRanking() {
    Cli r = Cli.run("guide", "--task", "segmentation", "--imbalance", "severe", "--format", "json");
    assertEquals(0, r.exitCode(), r.err());
    Map<String, Object> doc = (Map<String, Object>) Json.parse(r.out());
    assertEquals("segmentation", doc.get("task"));
    assertEquals(List.of("severe-imbalance"), doc.get("conditions"));
    List<Object> recs = (List<Object>) doc.get("recommendations");
    var expected =
        Guide.builtin()
            .rank(Situation.of(Task.SEGMENTATION, Condition.SEVERE_IMBALANCE))
            .recommendations();
    assertEquals(Math.min(5, expected.size()), recs.size());
    for (int i = 0; i < recs.size(); i++) {
      Map<String, Object> m = (Map<String, Object>) recs.get(i);
      assertEquals(expected.get(i).id(), m.get("id"));
      assertEquals(expected.get(i).cli(), m.get("cli"));
      assertTrue(!((List<Object>) m.get("reasons")).isEmpty());
    }
  }

  @Test
  void textShowsReasonsCommandsAndNotes() {
    Cli r =
        Cli.run("guide", "--task", "regression", "--outliers", "--goal", "realism", "--top", "2");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().startsWith("Losses for regression with outliers in the targets"), r.out());
    assertTrue(r.out().contains("1. mae"), r.out());
    assertTrue(r.out().contains("2. huber"), r.out());
    assertTrue(r.out().contains("[losskit experiment outliers]"), r.out());
    assertTrue(
        r.out().contains("./losskit eval huber --pred pred.npy --target target.npy"), r.out());
    assertTrue(
        r.out().contains("Note: no guidance on realism over fidelity for regression"), r.out());
    assertTrue(!r.out().contains("3. "), r.out());
  }

  @Test
  void boxRegressionQuotesTheSimulation() {
    Cli r = Cli.run("guide", "--task", "detection");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("[losskit experiment box-regression]"), r.out());
  }

  @Test
  void unknownTaskIsAUsageErrorNamingTheChoices() {
    Cli r = Cli.run("guide", "--task", "astrology");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--task: expected one of classification"), r.err());
    assertTrue(r.err().contains("found 'astrology'"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void missingTaskAndBadTopAreUsageErrors() {
    assertEquals(2, Cli.run("guide").exitCode());
    Cli r = Cli.run("guide", "--task", "regression", "--top", "0");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--top: expected a positive number, found 0"), r.err());
  }
}

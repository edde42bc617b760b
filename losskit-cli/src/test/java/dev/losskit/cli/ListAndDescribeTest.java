package dev.losskit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.CatalogTable;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.testing.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListAndDescribeTest {
  @Test
  @SuppressWarnings("unchecked")
  void jsonListsEveryCatalogueIdOnce() {
    Cli r = Cli.run("list", "--format", "json");
    assertEquals(0, r.exitCode(), r.err());
    Map<String, Object> doc = (Map<String, Object>) Json.parse(r.out());
    List<Object> rows = (List<Object>) doc.get("losses");
    assertEquals(Catalog.builtin().specs().size(), rows.size());
    for (int i = 0; i < rows.size(); i++) {
      LossSpec s = Catalog.builtin().specs().get(i);
      Map<String, Object> row = (Map<String, Object>) rows.get(i);
      assertEquals(s.id(), row.get("id"));
      List<String> tasks = new ArrayList<>();
      s.tasks().forEach(t -> tasks.add(t.id()));
      assertEquals(tasks, row.get("tasks"), s.id());
    }
  }

  @Test
  void markdownIsTheCatalogueTable() {
    Cli r = Cli.run("list", "--format", "markdown");
    assertEquals(0, r.exitCode());
    assertEquals(CatalogTable.markdown(Catalog.builtin().specs()), r.out());
  }

  @Test
  void tableFiltersByFamily() {
    Cli r = Cli.run("list", "--family", "regression");
    assertEquals(0, r.exitCode());
    assertTrue(r.out().contains("huber"));
    for (LossSpec s : Catalog.builtin().specs()) {
      assertEquals(
          s.family().id().equals("regression"), r.out().contains("\n" + s.id() + " "), s.id());
    }
  }

  @Test
  void unknownFamilyIsAUsageError() {
    Cli r = Cli.run("list", "--family", "astrology");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("astrology"), r.err());
  }

  @Test
  void describeGivesFormulaGradientInputsParametersEquivalentAdviceAndReferences() {
    for (LossSpec s : Catalog.builtin().specs()) {
      Cli r = Cli.run("describe", s.id());
      assertEquals(0, r.exitCode(), r.err());
      String t = r.out();
      assertTrue(t.contains(s.formula()), s.id() + " formula");
      assertTrue(t.contains(s.gradient()), s.id() + " gradient");
      s.inputs().forEach(i -> assertTrue(t.contains(i.name()), s.id() + " input " + i.name()));
      for (ParamSpec p : s.params()) {
        assertTrue(t.contains(p.name()), s.id() + " param " + p.name());
        if (p.defaultValue() != null) {
          assertTrue(
              t.contains("default " + ParamSpec.render(p.defaultValue())),
              s.id() + " default of " + p.name());
        }
      }
      assertTrue(t.contains(s.whenToUse()), s.id() + " when to use");
      s.tasks().forEach(k -> assertTrue(t.contains(k.id()), s.id() + " task " + k.id()));
      assertTrue(t.contains(s.references().get(0).citation()), s.id() + " reference");
      if (!s.equivalent().isEmpty()) {
        assertTrue(t.contains(s.equivalent()), s.id() + " equivalent");
      }
    }
  }

  @Test
  void describeResolvesAliasesAndReviewTerms() {
    for (LossSpec s : Catalog.builtin().specs()) {
      for (String a : s.aliases()) {
        Cli r = Cli.run("describe", a);
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("(" + s.id() + ","), a + " -> " + s.id());
      }
    }
    Cli term = Cli.run("describe", "multi-task");
    assertEquals(0, term.exitCode());
    assertTrue(term.out().contains("weighted-sum"), term.out());
  }

  @Test
  void describeOfAnUnknownLossIsAUsageErrorWithASuggestion() {
    Cli r = Cli.run("describe", "hubber");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("hubber") && r.err().contains("huber"), r.err());
  }
}

package dev.losskit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogTest {
  @Test
  void idsAreUniqueKebabCaseAndFamiliesInCatalogueOrder() {
    List<LossSpec> specs = Catalog.builtins();
    for (int i = 1; i < specs.size(); i++) {
      assertTrue(
          specs.get(i - 1).family().ordinal() <= specs.get(i).family().ordinal(),
          specs.get(i).id());
    }
    new Catalog(specs); // throws on a repeated id or alias
  }

  @Test
  void everyBuiltinServesAtLeastOneOfTheReviewsTasks() {
    for (LossSpec s : Catalog.builtins()) {
      assertTrue(!s.tasks().isEmpty(), s.id() + ": no task");
    }
    // Every task of the review's tables has losses to offer.
    for (Task t : Task.values()) {
      assertTrue(
          Catalog.builtins().stream().anyMatch(s -> s.tasks().contains(t)), t.id() + ": no loss");
    }
  }

  @Test
  void tasksParseByIdAndNameTheChoicesWhenUnknown() {
    assertEquals(Task.TIME_SERIES, Task.parse("time-series"));
    assertEquals(Task.IMAGE_TO_IMAGE, Task.parse("Image-To-Image"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Task.parse("astrology"));
    assertTrue(
        e.getMessage().startsWith("task: expected one of classification, regression")
            && e.getMessage().endsWith("found 'astrology'"),
        e.getMessage());
  }

  @Test
  void thirdPartyLossesAreFoundThroughServiceLoader() {
    LossSpec s = Catalog.builtin().get("test-double-mse");
    assertEquals(ThirdPartyLosses.SPEC, s);
    assertEquals(
        8.0,
        s.create().value(Reduction.SUM, Tensor.of(new float[] {2}), Tensor.of(new float[] {0})),
        0);
  }

  @Test
  void unknownIdsSuggestTheNearestName() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Catalog.builtin().get("hubber"));
    assertTrue(
        e.getMessage().contains("'hubber'") && e.getMessage().contains("did you mean 'huber'"),
        e.getMessage());
  }

  @Test
  void reviewTermsAreExplainedNotCreated() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Catalog.builtin().get("multi-task"));
    assertTrue(e.getMessage().contains("weighted-sum"), e.getMessage());
  }

  @Test
  void aRepeatedNameIsRejected() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> new Catalog(List.of(ThirdPartyLosses.SPEC, ThirdPartyLosses.SPEC)));
    assertTrue(e.getMessage().contains("test-double-mse"), e.getMessage());
  }

  @Test
  void parametersParseFromTextAndJavaValues() {
    LossSpec huber = Catalog.builtin().get("huber");
    assertEquals(0.5, huber.params(Map.of("delta", "0.5")).real("delta"));
    assertEquals(0.5, huber.params(Map.of("delta", 0.5)).real("delta"));
    assertEquals(1.0, huber.defaults().real("delta"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> huber.create(Map.of("delta", "abc")));
    assertEquals("parameter delta: expected a positive number, found 'abc'", e.getMessage());
  }

  @Test
  void evaluationChecksArraysItIsGiven() {
    Loss mse = Catalog.builtin().create("mse");
    Tensor p = Tensor.of(new float[] {1, 2});
    Tensor t = Tensor.of(new float[] {1, 1});
    IllegalArgumentException wrongLength =
        assertThrows(
            IllegalArgumentException.class,
            () -> mse.evaluate(Reduction.NONE, new Tensor[] {p, t}, new float[3], null));
    assertTrue(wrongLength.getMessage().contains("values"), wrongLength.getMessage());
    IllegalArgumentException targetGrad =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                mse.evaluate(
                    Reduction.MEAN, new Tensor[] {p, t}, null, new float[][] {null, new float[2]}));
    assertTrue(targetGrad.getMessage().contains("target"), targetGrad.getMessage());
    IllegalArgumentException tooMany =
        assertThrows(IllegalArgumentException.class, () -> mse.value(Reduction.MEAN, p, t, t));
    assertTrue(tooMany.getMessage().contains("at most 2"), tooMany.getMessage());
  }

  @Test
  void emptyInputsHaveMeanZero() {
    Loss mse = Catalog.builtin().create("mse");
    Tensor e = Tensor.of(new float[0]);
    LossResult r = mse.evaluate(Reduction.MEAN, e, e);
    assertEquals(0.0, r.value());
    assertEquals(0, r.grad("pred").size());
  }

  @Test
  void sameInstanceForEveryLookupOfTheBuiltinCatalogue() {
    assertSame(Catalog.builtin(), Catalog.builtin());
  }
}

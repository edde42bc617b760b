package dev.losskit.guide;

import static dev.losskit.guide.Condition.FIDELITY;
import static dev.losskit.guide.Condition.MILD_IMBALANCE;
import static dev.losskit.guide.Condition.NEEDS_HESSIAN;
import static dev.losskit.guide.Condition.NOISY_LABELS;
import static dev.losskit.guide.Condition.OUTLIERS;
import static dev.losskit.guide.Condition.OVERLAP_METRIC;
import static dev.losskit.guide.Condition.REALISM;
import static dev.losskit.guide.Condition.SEVERE_IMBALANCE;
import static dev.losskit.guide.Condition.UNCERTAINTY;
import static dev.losskit.guide.Condition.UNPAIRED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.Task;
import dev.losskit.Trait;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GuideTest {
  private static final Guide GUIDE = Guide.builtin();

  private static List<String> ids(Task task, Condition... conditions) {
    List<String> out = new ArrayList<>();
    for (Recommendation r : GUIDE.rank(Situation.of(task, conditions)).recommendations()) {
      out.add(r.id());
    }
    return out;
  }

  private static int rankOf(List<String> ids, String id) {
    int i = ids.indexOf(id);
    return i < 0 ? Integer.MAX_VALUE : i;
  }

  @Test
  void everyPieceOfGuidanceNamesACatalogueLossWithParametersItAccepts() {
    for (Guidance.Advice a : Guidance.all()) {
      assertFalse(a.tasks().isEmpty(), a.id());
      assertFalse(a.reason().isBlank(), a.id());
      Catalog.builtin().get(a.id()).params(a.params());
    }
  }

  @ParameterizedTest
  @EnumSource(Task.class)
  void everyTaskGetsARankingWithPositiveDecreasingScores(Task task) {
    List<Recommendation> rs = GUIDE.rank(Situation.of(task)).recommendations();
    assertFalse(rs.isEmpty(), task.id());
    for (int i = 0; i < rs.size(); i++) {
      Recommendation r = rs.get(i);
      assertEquals(i + 1, r.rank());
      assertTrue(r.score() > 0, r.id());
      assertFalse(r.reasons().isEmpty(), r.id());
      if (i > 0) {
        assertTrue(rs.get(i - 1).score() >= r.score(), r.id());
      }
      assertTrue(r.cli().startsWith("./losskit eval " + r.id() + " --pred "), r.cli());
      assertTrue(r.java().contains("create(\"" + r.id() + "\""), r.java());
    }
  }

  @Test
  void outliersPreferRobustLossesToMse() {
    List<String> plain = ids(Task.REGRESSION);
    List<String> robust = ids(Task.REGRESSION, OUTLIERS);
    assertEquals("mse", plain.get(0));
    assertTrue(
        Set.of("huber", "pseudo-huber", "mae", "general-robust").containsAll(robust.subList(0, 3)),
        robust.toString());
    assertFalse(robust.contains("mse"), robust.toString());
  }

  @Test
  void severeImbalancePutsFocalAndBalancedLossesAboveCrossEntropy() {
    List<String> r = ids(Task.CLASSIFICATION, SEVERE_IMBALANCE);
    assertEquals("sigmoid-focal", r.get(0), r.toString());
    assertTrue(rankOf(r, "balanced-ce") < rankOf(r, "cross-entropy"), r.toString());
    List<String> mild = ids(Task.CLASSIFICATION, MILD_IMBALANCE);
    assertTrue(rankOf(mild, "balanced-ce") < 3, mild.toString());
  }

  @Test
  void noisyLabelsPreferBoundedLossesAndDropFocal() {
    List<String> r = ids(Task.CLASSIFICATION, NOISY_LABELS);
    assertEquals(Set.of("generalized-ce", "symmetric-ce"), Set.copyOf(r.subList(0, 2)));
    assertFalse(r.contains("sigmoid-focal"), r.toString());
    Recommendation ce =
        GUIDE.rank(Situation.of(Task.CLASSIFICATION, NOISY_LABELS)).recommendations().stream()
            .filter(x -> x.id().equals("cross-entropy"))
            .findFirst()
            .orElseThrow();
    assertEquals("0.1", ce.params().get("label-smoothing"));
    assertTrue(ce.cli().endsWith("--param label-smoothing=0.1"), ce.cli());
  }

  @Test
  void overlapDrivenSegmentationPrefersIouSurrogates() {
    List<String> r = ids(Task.SEGMENTATION, OVERLAP_METRIC);
    assertEquals("lovasz-softmax", r.get(0), r.toString());
    assertTrue(r.subList(0, 5).contains("jaccard"), r.toString());
    assertTrue(rankOf(r, "cross-entropy") > 4, r.toString());
    List<String> small = ids(Task.SEGMENTATION, SEVERE_IMBALANCE);
    assertEquals("focal-tversky", small.get(0), small.toString());
    assertTrue(rankOf(small, "tversky") < 3, small.toString());
  }

  @Test
  void boxRegressionPrefersDistanceAwareIouAndQuotesTheSimulation() {
    Ranking ranking = GUIDE.rank(Situation.of(Task.DETECTION));
    List<String> r = new ArrayList<>();
    ranking.recommendations().forEach(x -> r.add(x.id()));
    assertTrue(Set.of("ciou", "diou").contains(r.get(0)), r.toString());
    assertFalse(r.contains("iou"), r.toString());
    Recommendation first = ranking.recommendations().get(0);
    assertTrue(
        first.reasons().stream()
            .anyMatch(x -> x.source().equals("losskit experiment box-regression")),
        first.reasons().toString());
  }

  @Test
  void forecastingUncertaintyPrefersDistributionalLosses() {
    List<String> r = ids(Task.TIME_SERIES, UNCERTAINTY);
    assertTrue(
        Set.of("multi-quantile", "gaussian-nll", "crps-gaussian").containsAll(r.subList(0, 3)),
        r.toString());
  }

  @Test
  void generativeRealismAndFidelityDiffer() {
    List<String> realism = ids(Task.IMAGE_TO_IMAGE, REALISM);
    List<String> fidelity = ids(Task.IMAGE_TO_IMAGE, FIDELITY);
    assertEquals("gan-generator", realism.get(0), realism.toString());
    assertFalse(realism.contains("mse"), realism.toString());
    assertTrue(Set.of("ssim", "mae", "ms-ssim").contains(fidelity.get(0)), fidelity.toString());
    assertFalse(fidelity.contains("gan-generator"), fidelity.toString());
    assertEquals("cycle-consistency", ids(Task.IMAGE_TO_IMAGE, UNPAIRED).get(0));
  }

  @Test
  void needsHessianKeepsOnlyTwiceDifferentiableLosses() {
    Ranking r = GUIDE.rank(Situation.of(Task.TABULAR, NEEDS_HESSIAN, OUTLIERS));
    assertFalse(r.recommendations().isEmpty());
    for (Recommendation x : r.recommendations()) {
      assertTrue(Catalog.builtin().get(x.id()).has(Trait.HESSIAN), x.id());
    }
    assertTrue(r.notes().get(0).contains("exact Hessian"), r.notes().toString());
  }

  @Test
  void aConditionWithoutGuidanceForTheTaskIsNoted() {
    Ranking r = GUIDE.rank(Situation.of(Task.REGRESSION, UNPAIRED));
    assertEquals(1, r.notes().size(), r.notes().toString());
    assertTrue(r.notes().get(0).contains("unpaired data"), r.notes().get(0));
    assertEquals(ids(Task.REGRESSION), ids(Task.REGRESSION, UNPAIRED));
  }

  @Test
  void contradictoryConditionsAreRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Situation.of(Task.CLASSIFICATION, MILD_IMBALANCE, SEVERE_IMBALANCE));
    assertTrue(e.getMessage().contains("mild-imbalance and severe-imbalance"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> Situation.of(Task.IMAGE_TO_IMAGE, REALISM, FIDELITY));
  }

  @Test
  void trainingExperimentsAddMeasuredReasonsOnlyForTheirCondition() {
    Ranking noisy = GUIDE.rank(Situation.of(Task.CLASSIFICATION, NOISY_LABELS));
    Recommendation first = noisy.recommendations().get(0);
    Reason measured =
        first.reasons().stream()
            .filter(x -> x.source().equals("losskit experiment label-noise"))
            .findFirst()
            .orElseThrow();
    assertTrue(measured.weight() > 0, measured.toString());
    assertTrue(measured.text().contains("rank 1 of"), measured.text());
    for (Recommendation r : GUIDE.rank(Situation.of(Task.CLASSIFICATION)).recommendations()) {
      assertTrue(r.reasons().stream().allMatch(x -> x.source().equals("review")), r.toString());
    }
  }

  @Test
  void measurementsWithoutAClearWinnerCarryNoWeight() {
    // The forecasting models end within a fraction of their spread of each other (CRPS
    // 0.314-0.316).
    for (Recommendation r :
        GUIDE.rank(Situation.of(Task.TIME_SERIES, UNCERTAINTY)).recommendations()) {
      for (Reason x : r.reasons()) {
        if (x.source().equals("losskit experiment forecasting")) {
          assertEquals(0, x.weight(), x.text());
          assertTrue(x.text().contains("no clear difference"), x.text());
        }
      }
    }
  }

  @Test
  void committedExperimentTablesArePackaged() {
    assertNotNull(Evidence.table("box-regression"));
    assertEquals(null, Evidence.table("no-such-experiment"));
  }
}

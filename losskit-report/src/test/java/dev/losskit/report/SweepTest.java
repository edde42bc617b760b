package dev.losskit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SweepTest {
  @Test
  void everyLossHasAPlotWithFiniteValuesForEachParameterSet() {
    for (LossSpec s : Catalog.builtins()) {
      List<Params> sets = Sweep.variants(s);
      List<Sweep.Curve> curves = Plots.curves(s, sets);
      assertEquals(sets.size(), curves.size(), s.id());
      for (Sweep.Curve c : curves) {
        long finite = java.util.Arrays.stream(c.value()).filter(Double::isFinite).count();
        assertTrue(finite > c.x().length / 2, s.id() + " " + c.name() + ": " + finite + " points");
        if (!s.has(Trait.NOT_DIFFERENTIABLE)) {
          assertTrue(
              java.util.Arrays.stream(c.slope()).anyMatch(Double::isFinite), s.id() + " slope");
        }
      }
    }
  }

  @Test
  void theSlopeIsTheDerivativeOfTheValueAlongThePath() {
    // Central differences of the loss (frozen where its gradient holds a factor constant) at
    // points along each smooth loss's path: the plotted gradient is the value's derivative.
    double h = 1e-3;
    for (LossSpec s : Catalog.builtins()) {
      if (!s.has(Trait.SMOOTH) || s.has(Trait.NOT_DIFFERENTIABLE)) {
        continue;
      }
      Params p = s.defaults();
      Sweep sweep = Sweep.of(s, p);
      Loss loss = Sweep.create(s, p);
      Sweep.Curve c = sweep.curve(loss, "default");
      for (int i = 10; i < c.x().length - 10; i += 37) {
        double x = c.x()[i];
        if (!Double.isFinite(c.slope()[i])) {
          continue;
        }
        Loss frozen = loss.frozenAt(sweep.inputs(x));
        Reduction r = s.defaultReduction();
        double up = frozen.value(r, sweep.inputs(x + h));
        double down = frozen.value(r, sweep.inputs(x - h));
        double numeric = (up - down) / (2 * h);
        assertEquals(
            numeric,
            c.slope()[i],
            2e-2 * Math.max(1, Math.abs(numeric)),
            s.id() + " at x = " + x + " along " + sweep.label());
      }
    }
  }

  @Test
  void theRegressionPathIsThePredictionAgainstTargetOne() {
    LossSpec huber = Catalog.builtin().get("huber");
    Sweep sweep = Sweep.of(huber, huber.defaults());
    assertEquals("pred (target = 1)", sweep.label());
    Sweep.Curve c = sweep.curve(huber.create(), "default");
    for (int i = 0; i < c.x().length; i += 20) {
      double r = c.x()[i] - 1; // Huber with delta 1, written out
      double expected = Math.abs(r) <= 1 ? r * r / 2 : Math.abs(r) - 0.5;
      assertEquals(expected, c.value()[i], 1e-5, "x = " + c.x()[i]);
      assertEquals(Math.max(-1, Math.min(1, r)), c.slope()[i], 1e-5, "x = " + c.x()[i]);
    }
  }

  @Test
  void boxesShiftSidewaysThroughOverlap() {
    LossSpec iou = Catalog.builtin().get("iou");
    Sweep sweep = Sweep.of(iou, iou.defaults());
    Sweep.Curve c = sweep.curve(iou.create(), "default");
    for (int i = 0; i < c.x().length; i += 10) {
      double shift = Math.abs(c.x()[i]);
      double inter = Math.max(0, 1 - shift);
      assertEquals(1 - inter / (2 - inter), c.value()[i], 1e-5, "shift " + c.x()[i]);
    }
    Tensor[] at = sweep.inputs(0.5);
    assertEquals(List.of(0.5f, 0f, 1.5f, 1f), floats(at[0]));
  }

  @Test
  void variantsChangeTheShapeParameterWithinItsDomain() {
    LossSpec focal = Catalog.builtin().get("sigmoid-focal");
    List<Params> sets = Sweep.variants(focal);
    assertEquals(3, sets.size());
    assertEquals(2.0, sets.get(0).real("gamma"));
    assertEquals(1.0, sets.get(1).real("gamma"));
    assertEquals(4.0, sets.get(2).real("gamma"));
    // quantile lives in (0, 1): 2 * 0.5 is out, 0.25 is next.
    List<Params> q = Sweep.variants(Catalog.builtin().get("quantile"));
    assertEquals(List.of(0.5, 0.25, 0.125), q.stream().map(p -> p.real("quantile")).toList());
    assertEquals(1, Sweep.variants(Catalog.builtin().get("mse")).size());
  }

  @Test
  void naturalInputsFollowTheInputLayout() {
    Map<String, String> expected =
        Map.of(
            "bce", "probability given to the correct label",
            "bce-with-logits", "logit toward the correct label",
            "hinge", "margin t * pred",
            "cross-entropy", "score (logit) of the true class",
            "kl", "probability of the true class",
            "dice", "probability given to the correct label",
            "contrastive", "x1 = (1 + x, 1)",
            "giou", "horizontal shift of the predicted box");
    expected.forEach(
        (id, label) -> {
          LossSpec s = Catalog.builtin().get(id);
          String found = Sweep.of(s, s.defaults()).label();
          assertTrue(found.startsWith(label), id + ": " + found);
        });
  }

  private static List<Float> floats(Tensor t) {
    List<Float> out = new java.util.ArrayList<>();
    for (float f : t.data()) {
      out.add(f);
    }
    return out;
  }
}

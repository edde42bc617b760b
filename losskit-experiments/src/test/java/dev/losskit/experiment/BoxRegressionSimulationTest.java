package dev.losskit.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.experiment.BoxRegressionSimulation.Curve;
import dev.losskit.experiment.BoxRegressionSimulation.Settings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BoxRegressionSimulationTest {
  @Test
  void casesFollowThePaperSetting() {
    float[][] c = BoxRegressionSimulation.cases(3, 1);
    assertEquals(3 * 7 * 7 * 7 * 4, c[0].length);
    for (int k = 0; k < c[0].length / 4; k++) {
      double dx = c[0][4 * k] - 10;
      double dy = c[0][4 * k + 1] - 10;
      assertTrue(dx * dx + dy * dy <= 9 + 1e-4, "anchor centre within radius 3");
      assertEquals(1.0, c[1][4 * k + 2] * c[1][4 * k + 3], 1e-5, "targets of unit area");
      double area = c[0][4 * k + 2] * c[0][4 * k + 3];
      assertTrue(area > 0.49 && area < 2.01, "anchor area among the seven scales");
    }
  }

  @Test
  void reproducesTheQualitativeFindings() {
    Settings s = new Settings(4, 150, 0.1, 0, List.of("iou", "giou", "diou", "ciou", "smooth-l1"));
    Map<String, Curve> curves = BoxRegressionSimulation.run(s);
    double start = curves.get("iou").error()[0];
    for (Curve c : curves.values()) {
      assertEquals(start, c.error()[0], 0, "every loss starts from the same anchors");
      assertTrue(c.error()[150] < start, c.loss() + " reduces the error");
    }
    // IoU loss has no gradient for non-overlapping boxes: it stalls far above the others.
    for (String id : List.of("giou", "diou", "ciou")) {
      assertTrue(
          curves.get(id).error()[150] < 0.5 * curves.get("iou").error()[150], id + " beats iou");
    }
    // CIoU ends closer to the targets than GIoU.
    assertTrue(curves.get("ciou").error()[150] < curves.get("giou").error()[150]);
  }
}

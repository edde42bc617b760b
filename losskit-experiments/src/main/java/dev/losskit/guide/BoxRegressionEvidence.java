package dev.losskit.guide;

import dev.losskit.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The box-regression simulation ({@code losskit experiment box-regression}): how far each IoU-based
 * loss brings anchors to their targets. The best two gain weight, IoU (which stalls on boxes that
 * do not overlap) loses it. Losses outside the IoU family are not ranked by it: the simulation is
 * noise-free and well scaled, which favours them in a way real detection data does not.
 */
final class BoxRegressionEvidence implements Evidence {
  private static final List<String> IOU_FAMILY = List.of("iou", "giou", "diou", "ciou", "eiou");
  private static final String SOURCE = "losskit experiment box-regression";

  @Override
  public List<Finding> findings(Situation situation) {
    if (situation.task() != Task.DETECTION && situation.task() != Task.TRACKING) {
      return List.of();
    }
    List<String[]> rows = Evidence.table("box-regression");
    if (rows == null || rows.size() < 2) {
      return List.of();
    }
    String[] header = rows.get(0);
    String[] first = rows.get(1);
    String[] last = rows.get(rows.size() - 1);
    List<String> ids = new ArrayList<>();
    List<Double> remaining = new ArrayList<>();
    for (int c = 1; c < header.length; c++) {
      if (IOU_FAMILY.contains(header[c])) {
        ids.add(header[c]);
        remaining.add(Double.parseDouble(last[c]) / Double.parseDouble(first[c]));
      }
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      order.add(i);
    }
    order.sort((a, b) -> Double.compare(remaining.get(a), remaining.get(b)));
    List<Finding> out = new ArrayList<>();
    String iterations = last[0];
    for (int rank = 0; rank < order.size(); rank++) {
      int i = order.get(rank);
      String text =
          String.format(
              Locale.ROOT,
              "measured: after %s gradient steps %.1f%% of the initial box error remains (rank %d of"
                  + " %d IoU-based losses)",
              iterations,
              100 * remaining.get(i),
              rank + 1,
              order.size());
      int weight = rank == 0 ? 2 : rank == 1 ? 1 : rank == order.size() - 1 ? -1 : 0;
      out.add(new Finding(ids.get(i), Set.of(), new Reason(weight, text, SOURCE)));
    }
    return out;
  }
}

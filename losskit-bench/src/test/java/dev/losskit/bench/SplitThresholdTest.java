package dev.losskit.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The threshold is the smallest size from which every loss gains, at it and at every larger size.
 */
class SplitThresholdTest {
  private static TreeMap<Integer, Double> times(double... ns) {
    TreeMap<Integer, Double> m = new TreeMap<>();
    for (int k = 0; k < ns.length; k++) {
      m.put(1 << (12 + k), ns[k]);
    }
    return m;
  }

  @Test
  void theThresholdIsWhereEveryLossKeepsGaining() {
    var one = Map.of("mse", times(10, 20, 40, 80, 160), "log-cosh", times(10, 20, 40, 80, 160));
    // mse gains at 2^13 once, loses at 2^14, then gains for good; log-cosh gains from 2^13.
    var split = Map.of("mse", times(12, 10, 50, 50, 90), "log-cosh", times(12, 12, 25, 45, 85));
    String report = SplitThreshold.compare(one, split, 1.1);
    assertTrue(report.contains("threshold: 32768 "), report);
  }

  @Test
  void noThresholdWhenTheLargestSizeLoses() {
    var one = Map.of("mse", times(10, 20, 40));
    var split = Map.of("mse", times(5, 10, 40));
    assertTrue(SplitThreshold.compare(one, split, 1.1).contains("threshold: none"));
  }
}

package dev.losskit.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.internal.Samples;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogCoshDiceLossTest extends RegionLossContract {
  @Override
  protected String id() {
    return "log-cosh-dice";
  }

  @Override
  protected SegOracle.PerClass perClass(Params p) {
    double s = p.real("smooth");
    return (i, ps, t, fp, fn, q, r) -> {
      double d = SegOracle.ratioLoss(2 * i + s, ps + t + s);
      return Math.log((Math.exp(d) + Math.exp(-d)) / 2);
    };
  }

  @Test
  void logCoshOfTheDiceLossOfABinaryMask() {
    double dice = 1 - 4 / 4.8;
    assertEquals(
        Math.log(Math.cosh(dice)),
        SegChecks.value(spec(), Map.of(), Reduction.MEAN, DiceLossTest.PRED, DiceLossTest.MASK),
        1e-8);
  }

  @Test
  void multiClassAppliesLogCoshPerClassBeforeTheMean() {
    SplittableRandom r = new SplittableRandom(12);
    Tensor pred = Samples.simplex(r, 2, 3, 4, 4);
    Tensor y = Samples.classes(r, 3, 2, 4, 4);
    double expected = 0;
    for (int c = 0; c < 3; c++) {
      float[] w = new float[3];
      w[c] = 1;
      double dice =
          SegChecks.value(DiceLossTest.specOf("dice"), Map.of(), Reduction.MEAN, pred, y, f(w, 3));
      expected += Math.log(Math.cosh(dice)) / 3;
    }
    assertEquals(expected, SegChecks.value(spec(), Map.of(), Reduction.MEAN, pred, y), 1e-7);
  }
}

package dev.losskit.segmentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.internal.Samples;
import dev.losskit.testing.LossContractTest;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ComboLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "combo";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("alpha", 0.2, "beta", 0.8),
        Map.of("alpha", 1, "beta", 0),
        Map.of("alpha", 0, "smooth", 0),
        Map.of("beta", 1, "smooth", 3));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    return oracle(SegOracle.Raw.of(in), p);
  }

  static Oracle oracle(SegOracle.Raw in, Params p) {
    double a = p.real("alpha");
    double b = p.real("beta");
    double s = p.real("smooth");
    double[] x = in.get(0);
    double[] t = in.get(1);
    double wbce = 0;
    double i = 0;
    double ps = 0;
    double ts = 0;
    for (int k = 0; k < x.length; k++) {
      wbce -=
          b * t[k] * Math.max(Math.log(x[k]), -100)
              + (1 - b) * (1 - t[k]) * Math.max(Math.log(1 - x[k]), -100);
      i += x[k] * t[k];
      ps += x[k];
      ts += t[k];
    }
    double dsc = 1 - SegOracle.dice(s, i, ps, ts);
    return Oracle.of(a * wbce / x.length - (1 - a) * dsc);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    List<Tensor[]> out = new ArrayList<>();
    out.add(
        new Tensor[] {RegionLossContract.extremes(r, false, 2, 3, 4), Samples.binary(r, 2, 3, 4)});
    out.add(
        new Tensor[] {
          Tensor.shaped(new float[12], new int[] {1, 1, 3, 4}),
          Tensor.shaped(new float[12], new int[] {1, 1, 3, 4})
        });
    out.add(
        new Tensor[] {
          Tensor.shaped(RegionLossContract.filled(6, 1), new int[] {2, 3}),
          Tensor.shaped(new float[6], new int[] {2, 3})
        });
    return out;
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "mask of another shape",
            new Tensor[] {Samples.probabilities(r, 2, 3, 4), Samples.binary(r, 3, 2, 4)},
            "target",
            "(2, 3, 4)"),
        new BadInput(
            "several channels",
            new Tensor[] {Samples.probabilities(r, 2, 2, 2, 2), Samples.binary(r, 2, 2, 2, 2)},
            "pred",
            "binary masks"),
        new BadInput(
            "probability below 0",
            new Tensor[] {
              Tensor.shaped(new float[] {-0.5f, 0.5f}, new int[] {1, 2}),
              Tensor.shaped(new float[2], new int[] {1, 2})
            },
            "pred",
            "-0.5"));
  }

  @Test
  void handComputedValue() {
    Tensor p = BceDiceLossTest.P;
    Tensor t = BceDiceLossTest.T;
    // beta 0.8 on the positives, 0.2 on the negatives
    double wbce =
        -(0.8 * Math.log(0.9f)
                + 0.2 * Math.log(1 - 0.2f)
                + 0.8 * Math.log(0.6f)
                + 0.2 * Math.log(1 - 0.1f))
            / 4;
    double dsc = 4 / 4.8;
    assertEquals(
        0.3 * wbce - 0.7 * dsc,
        spec().create(Map.of("alpha", 0.3, "beta", 0.8)).value(Reduction.MEAN, p, t),
        1e-6);
  }

  @Test
  void halfWeightedBceIsHalfTheBce() {
    SplittableRandom r = new SplittableRandom(51);
    Tensor p = Samples.probabilities(r, 2, 7);
    Tensor t = Samples.uniform(r, 0, 1, 2, 7);
    double combo = spec().create(Map.of("alpha", 1)).value(Reduction.MEAN, p, t);
    double bce =
        BceDiceLossTest.oracle(
                SegOracle.Raw.of(p, t), DiceLossTest.specOf("bce-dice").params(Map.of("w-dice", 0)))
            .sum();
    assertEquals(0.5 * bce, combo, 1e-6);
  }

  @Test
  void withoutBceItIsMinusTheDiceCoefficient() {
    SplittableRandom r = new SplittableRandom(52);
    Tensor p = Samples.probabilities(r, 3, 4);
    Tensor t = Samples.binary(r, 3, 4);
    double dice = SegChecks.value(DiceLossTest.specOf("dice"), Map.of(), Reduction.MEAN, p, t);
    assertEquals(dice - 1, spec().create(Map.of("alpha", 0)).value(Reduction.MEAN, p, t), 1e-7);
    assertArrayEquals(
        SegChecks.grad(DiceLossTest.specOf("dice"), Map.of(), Reduction.MEAN, p, t),
        SegChecks.grad(spec(), Map.of("alpha", 0), Reduction.MEAN, p, t),
        1e-7f);
  }

  @Test
  void negativeWithItsMinimumAtAPerfectBinaryPrediction() {
    Tensor m = Tensor.shaped(new float[] {1, 0, 0, 1, 1, 0}, new int[] {2, 3});
    assertEquals(-0.5, spec().create().value(Reduction.MEAN, m, m), 1e-12);
    assertEquals(-0.25, spec().create(Map.of("alpha", 0.75)).value(Reduction.MEAN, m, m), 1e-12);
    assertTrue(spec().create().value(Reduction.MEAN, BceDiceLossTest.P, BceDiceLossTest.T) < 0);
  }
}

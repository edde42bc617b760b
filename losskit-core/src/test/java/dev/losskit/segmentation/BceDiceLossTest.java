package dev.losskit.segmentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.losskit.LossResult;
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

class BceDiceLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "bce-dice";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("w-bce", 0.3, "w-dice", 2),
        Map.of("from-logits", true),
        Map.of("from-logits", true, "smooth", 0, "w-bce", 0),
        Map.of("w-dice", 0, "smooth", 0.5));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    return oracle(SegOracle.Raw.of(in), p);
  }

  static Oracle oracle(SegOracle.Raw in, Params p) {
    boolean logits = p.bool("from-logits");
    double s = p.real("smooth");
    double[] x = in.get(0);
    double[] t = in.get(1);
    double bce = 0;
    double i = 0;
    double ps = 0;
    double ts = 0;
    for (int k = 0; k < x.length; k++) {
      double q = logits ? 1 / (1 + Math.exp(-x[k])) : x[k];
      if (logits) {
        // log(1 + exp(x)) - t x, written without overflow for moderate x
        bce += Math.log1p(Math.exp(-Math.abs(x[k]))) + Math.max(x[k], 0) - t[k] * x[k];
      } else {
        bce -= t[k] * Math.max(Math.log(q), -100) + (1 - t[k]) * Math.max(Math.log(1 - q), -100);
      }
      i += q * t[k];
      ps += q;
      ts += t[k];
    }
    double dice = SegOracle.dice(s, i, ps, ts);
    return Oracle.of(
        p.real("w-bce") * (x.length == 0 ? 0 : bce / x.length) + p.real("w-dice") * dice);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    boolean logits = p.bool("from-logits");
    List<Tensor[]> out = new ArrayList<>();
    out.add(
        new Tensor[] {RegionLossContract.extremes(r, logits, 2, 3, 4), Samples.binary(r, 2, 3, 4)});
    out.add(
        new Tensor[] {
          Tensor.shaped(RegionLossContract.filled(12, logits ? -1000 : 0), new int[] {1, 1, 3, 4}),
          Tensor.shaped(new float[12], new int[] {1, 1, 3, 4})
        });
    out.add(
        new Tensor[] {
          Tensor.shaped(RegionLossContract.filled(6, logits ? 1000 : 1), new int[] {2, 3}),
          Tensor.shaped(new float[6], new int[] {2, 3})
        });
    return out;
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "mask of another shape",
            new Tensor[] {Samples.probabilities(r, 2, 3, 4), Samples.binary(r, 2, 4, 3)},
            "target",
            "(2, 3, 4)"),
        new BadInput(
            "several channels",
            new Tensor[] {Samples.probabilities(r, 2, 3, 2, 2), Samples.binary(r, 2, 3, 2, 2)},
            "pred",
            "binary masks",
            "(2, 3, 2, 2)"),
        new BadInput(
            "probability above 1",
            new Tensor[] {
              Tensor.shaped(new float[] {0.5f, 2}, new int[] {1, 2}),
              Tensor.shaped(new float[2], new int[] {1, 2})
            },
            "pred",
            "probabilities",
            "2.0"),
        new BadInput(
            "soft target above 1",
            new Tensor[] {
              Samples.probabilities(r, 1, 2), Tensor.shaped(new float[] {0, 3}, new int[] {1, 2})
            },
            "target"));
  }

  static final Tensor P = Tensor.shaped(new float[] {0.9f, 0.2f, 0.6f, 0.1f}, new int[] {1, 4});
  static final Tensor T = Tensor.shaped(new float[] {1, 0, 1, 0}, new int[] {1, 4});

  @Test
  void handComputedValue() {
    double bce = -(Math.log(0.9f) + Math.log(1 - 0.2f) + Math.log(0.6f) + Math.log(1 - 0.1f)) / 4;
    double dice = 1 - 4 / 4.8;
    assertEquals(bce + dice, spec().create().value(Reduction.MEAN, P, T), 1e-6);
    assertEquals(
        0.5 * bce + 2 * dice,
        spec().create(Map.of("w-bce", 0.5, "w-dice", 2)).value(Reduction.MEAN, P, T),
        1e-6);
  }

  @Test
  void withoutBceItIsTheDiceLoss() {
    SplittableRandom r = new SplittableRandom(41);
    Tensor p = Samples.probabilities(r, 3, 1, 2, 5);
    Tensor t = Samples.binary(r, 3, 1, 2, 5);
    Map<String, ?> given = Map.of("w-bce", 0, "smooth", 0.5);
    assertEquals(
        SegChecks.value(DiceLossTest.specOf("dice"), Map.of("smooth", 0.5), Reduction.MEAN, p, t),
        SegChecks.value(spec(), given, Reduction.MEAN, p, t),
        1e-7);
    assertArrayEquals(
        SegChecks.grad(DiceLossTest.specOf("dice"), Map.of("smooth", 0.5), Reduction.MEAN, p, t),
        SegChecks.grad(spec(), given, Reduction.MEAN, p, t),
        1e-7f);
  }

  @Test
  void probabilitiesOfExactlyZeroAndOneFollowPyTorch() {
    // log clamped at -100; gradient (p - t) / max(p (1 - p), 1e-12).
    Tensor p = Tensor.shaped(new float[] {0, 1}, new int[] {1, 2});
    Tensor t = Tensor.shaped(new float[] {1, 0}, new int[] {1, 2});
    LossResult r = spec().create(Map.of("w-dice", 0)).evaluate(Reduction.MEAN, p, t);
    assertEquals(100.0, r.value(), 1e-9);
    assertArrayEquals(new float[] {-0.5e12f, 0.5e12f}, r.grad(0).data(), 1e3f);
  }

  @Test
  void logitsOfThousandsAreStable() {
    Tensor x = Tensor.shaped(new float[] {1000, -1000, 1000, -1000}, new int[] {1, 4});
    Tensor t = Tensor.shaped(new float[] {1, 0, 0, 1}, new int[] {1, 4});
    LossResult r =
        spec().create(Map.of("from-logits", true, "w-dice", 0)).evaluate(Reduction.MEAN, x, t);
    assertEquals(500.0, r.value(), 1e-9);
    assertArrayEquals(new float[] {0, 0, 0.25f, -0.25f}, r.grad(0).data(), 1e-7f);
  }
}

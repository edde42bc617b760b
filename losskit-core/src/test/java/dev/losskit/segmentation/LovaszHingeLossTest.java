package dev.losskit.segmentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

class LovaszHingeLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "lovasz-hinge";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("per-image", false));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    return oracle(SegOracle.Raw.of(in), p);
  }

  static Oracle oracle(SegOracle.Raw in, Params p) {
    double[] x = in.get(0);
    double[] t = in.get(1);
    int n = in.shape(0)[0];
    boolean perImage = p.bool("per-image");
    int groups = perImage ? n : 1;
    int size = perImage ? (n == 0 ? 0 : x.length / n) : x.length;
    double[] values = new double[groups];
    for (int g = 0; g < groups; g++) {
      double[] e = new double[size];
      double[] gt = new double[size];
      for (int j = 0; j < size; j++) {
        int i = g * size + j;
        e[j] = 1 - x[i] * (2 * t[i] - 1);
        gt[j] = t[i];
      }
      values[g] = SegOracle.lovasz(e, gt, true);
    }
    return Oracle.of(values);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    List<Tensor[]> out = new ArrayList<>();
    float[] x = new float[24];
    for (int i = 0; i < x.length; i++) {
      x[i] = (r.nextBoolean() ? 1000 : -1000) + i * 0.5f;
    }
    out.add(new Tensor[] {Tensor.shaped(x, new int[] {2, 3, 4}), Samples.binary(r, 2, 3, 4)});
    out.add(
        new Tensor[] {
          Samples.normal(r, 3, 2, 1, 3, 4), Tensor.shaped(new float[24], new int[] {2, 1, 3, 4})
        });
    out.add(
        new Tensor[] {
          Samples.normal(r, 3, 2, 6),
          Tensor.shaped(RegionLossContract.filled(12, 1), new int[] {2, 6})
        });
    float[] one = new float[9];
    one[4] = 1;
    out.add(
        new Tensor[] {Samples.normal(r, 1e30, 1, 3, 3), Tensor.shaped(one, new int[] {1, 3, 3})});
    return out;
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "labels of another shape",
            new Tensor[] {Samples.normal(r, 1, 2, 3, 4), Samples.binary(r, 2, 4, 3)},
            "target",
            "(2, 3, 4)",
            "(2, 4, 3)"),
        new BadInput(
            "soft labels",
            new Tensor[] {
              Samples.normal(r, 1, 1, 3), Tensor.shaped(new float[] {0, 0.5f, 1}, new int[] {1, 3})
            },
            "target",
            "0 or 1",
            "0.5"),
        new BadInput(
            "scalar pred",
            new Tensor[] {Tensor.scalar(1), Tensor.scalar(1)},
            "pred",
            "at least one dimension"));
  }

  @Test
  void handComputedValueAndGradient() {
    // errors 1 - x s = (-1, 0, 1.5, 0.8); sorted 1.5, 0.8, 0, -1 with labels 0, 1, 0, 1;
    // lovasz_grad = (1/3, 1/3, 1/12, 1/4).
    Tensor x = Tensor.shaped(new float[] {2, -1, 0.5f, 0.2f}, new int[] {1, 4});
    Tensor t = Tensor.shaped(new float[] {1, 0, 0, 1}, new int[] {1, 4});
    LossResult r = spec().create().evaluate(Reduction.MEAN, x, t);
    assertEquals(2.3 / 3, r.value(), 1e-7);
    assertArrayEquals(new float[] {0, 0, 1f / 3, -1f / 3}, r.grad(0).data(), 1e-7f);
  }

  @Test
  void zeroWithZeroGradientWhenEveryMarginIsMet() {
    Tensor x = Tensor.shaped(new float[] {3, -2, 1, -1.5f, 7, -4}, new int[] {2, 3});
    Tensor t = Tensor.shaped(new float[] {1, 0, 1, 0, 1, 0}, new int[] {2, 3});
    for (Map<String, ?> given : List.<Map<String, ?>>of(Map.of(), Map.of("per-image", false))) {
      LossResult r = spec().create(given).evaluate(Reduction.MEAN, x, t);
      assertEquals(0.0, r.value());
      assertArrayEquals(new float[6], r.grad(0).data());
    }
  }

  @Test
  void perImageIsTheMeanOfEachImageAlone() {
    SplittableRandom r = new SplittableRandom(21);
    Tensor x = Samples.normal(r, 2, 3, 2, 5);
    Tensor t = Samples.binary(r, 3, 2, 5);
    double mean = 0;
    for (int n = 0; n < 3; n++) {
      float[] xn = new float[10];
      float[] tn = new float[10];
      System.arraycopy(x.data(), n * 10, xn, 0, 10);
      System.arraycopy(t.data(), n * 10, tn, 0, 10);
      mean +=
          spec()
                  .create(Map.of("per-image", false))
                  .value(
                      Reduction.MEAN,
                      Tensor.shaped(xn, new int[] {1, 2, 5}),
                      Tensor.shaped(tn, new int[] {1, 2, 5}))
              / 3;
    }
    assertEquals(mean, spec().create().value(Reduction.MEAN, x, t), 1e-6);
    double global = spec().create(Map.of("per-image", false)).value(Reduction.MEAN, x, t);
    assertTrue(Math.abs(global - mean) > 1e-6);
  }

  @Test
  void tiesDoNotChangeTheValue() {
    // Equal errors in either order give the same Lovasz extension.
    Tensor x = Tensor.shaped(new float[] {0.5f, -0.5f, 0.5f, 2, -0.5f}, new int[] {1, 5});
    Tensor t = Tensor.shaped(new float[] {1, 0, 1, 0, 0}, new int[] {1, 5});
    Tensor xr = Tensor.shaped(new float[] {-0.5f, 2, 0.5f, -0.5f, 0.5f}, new int[] {1, 5});
    Tensor tr = Tensor.shaped(new float[] {0, 0, 1, 0, 1}, new int[] {1, 5});
    assertEquals(
        spec().create().value(Reduction.SUM, x, t),
        spec().create().value(Reduction.SUM, xr, tr),
        1e-7);
    assertEquals(
        oracle(SegOracle.Raw.of(x, t), spec().defaults()).sum(),
        spec().create().value(Reduction.SUM, x, t),
        1e-7);
  }
}

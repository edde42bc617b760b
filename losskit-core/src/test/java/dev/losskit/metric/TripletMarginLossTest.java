package dev.losskit.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.losskit.Catalog;
import dev.losskit.LossResult;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.testing.LossContractTest;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TripletMarginLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "triplet-margin";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("margin", "0.5", "swap", "true"),
        Map.of("p", 1.0),
        Map.of("p", "3", "eps", "0", "margin", "2"),
        Map.of("p", 1.5, "swap", true, "margin", -0.5));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double margin = p.real("margin");
    double norm = p.real("p");
    double eps = p.real("eps");
    double[] a = in.get(0);
    double[] pos = in.get(1);
    double[] neg = in.get(2);
    int n = in.shape(0)[0];
    int dim = in.shape(0)[1];
    double[] l = new double[n];
    for (int i = 0; i < n; i++) {
      double dap = Naive.distance(a, i, pos, i, dim, norm, eps);
      double dan = Naive.distance(a, i, neg, i, dim, norm, eps);
      if (p.bool("swap")) {
        dan = Math.min(dan, Naive.distance(pos, i, neg, i, dim, norm, eps));
      }
      l[i] = Math.max(0, margin + dap - dan);
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    float[] same = {1, 2, 3, -1, 0, 4};
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[6], 2, 3),
          Tensor.of(new float[6], 2, 3),
          Tensor.of(new float[6], 2, 3)
        },
        new Tensor[] {
          Tensor.of(same, 2, 3), Tensor.of(same.clone(), 2, 3), Tensor.of(same.clone(), 2, 3)
        },
        new Tensor[] {
          Tensor.of(new float[] {1e30f, -1e30f, 1e38f}, 1, 3),
          Tensor.of(new float[] {-1e30f, 1e30f, -1e38f}, 1, 3),
          Tensor.of(new float[] {1e-30f, 0, 1e38f}, 1, 3)
        });
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor x = Tensor.of(new float[6], 2, 3);
    return List.of(
        new BadInput(
            "negative of another shape",
            new Tensor[] {x, x, Tensor.of(new float[4], 2, 2)},
            "negative",
            "(2, 3)",
            "(2, 2)"),
        new BadInput(
            "positive of another batch size",
            new Tensor[] {x, Tensor.of(new float[3], 1, 3), x},
            "positive",
            "(1, 3)"),
        new BadInput(
            "anchor of rank 1",
            new Tensor[] {
              Tensor.of(new float[3]), Tensor.of(new float[3]), Tensor.of(new float[3])
            },
            "anchor",
            "(N, D)"),
        new BadInput(
            "p below 1", Map.of("p", "0.5"), new Tensor[] {x, x, x}, "parameter p", "0.5"));
  }

  @Test
  void swapUsesThePositiveNegativeDistanceWhenItIsSmaller() {
    Tensor a = Tensor.of(new float[] {0, 0}, 1, 2);
    Tensor p = Tensor.of(new float[] {1, 0}, 1, 2);
    Tensor n = Tensor.of(new float[] {1.5f, 0}, 1, 2);
    Map<String, Object> noEps = Map.of("eps", 0.0);
    double plain = Catalog.builtin().create("triplet-margin", noEps).value(a, p, n);
    LossResult swapped =
        Catalog.builtin()
            .create("triplet-margin", Map.of("eps", 0.0, "swap", true))
            .evaluate(Reduction.SUM, a, p, n);
    assertEquals(1 + 1 - 1.5, plain, 1e-7);
    assertEquals(1 + 1 - 0.5, swapped.value(), 1e-7);
    // d(p, n) is the negative distance: the anchor only sees d(a, p).
    assertEquals(-1, swapped.grad("anchor").data()[0], 1e-7);
    assertEquals(1 + 1, swapped.grad("positive").data()[0], 1e-7);
    assertEquals(-1, swapped.grad("negative").data()[0], 1e-7);
  }

  @Test
  void atTheKinkTheGradientIsTheActiveSideAsInPyTorch() {
    // a = p = n = 0, margin 0: value 0; PyTorch passes the gradient of d(a, p) - d(a, n), whose
    // direction is eps (1, 1, 1) / |eps (1, 1, 1)|: -1/sqrt(3) for p, +1/sqrt(3) for n.
    Tensor z = Tensor.of(new float[3], 1, 3);
    LossResult r =
        Catalog.builtin()
            .create("triplet-margin", Map.of("margin", 0.0))
            .evaluate(Reduction.SUM, z, z, z);
    assertEquals(0, r.value(), 0);
    assertEquals(0, r.grad("anchor").data()[0], 1e-7);
    assertEquals(-1 / Math.sqrt(3), r.grad("positive").data()[0], 1e-6);
    assertEquals(1 / Math.sqrt(3), r.grad("negative").data()[0], 1e-6);
  }

  @Test
  void epsIsAddedToTheDifferenceBeforeTheNorm() {
    Tensor a = Tensor.of(new float[] {0, 0}, 1, 2);
    Tensor p = Tensor.of(new float[] {0, 0}, 1, 2);
    Tensor n = Tensor.of(new float[] {-3, -4}, 1, 2);
    double v =
        Catalog.builtin().create("triplet-margin", Map.of("eps", 0.5, "margin", 10)).value(a, p, n);
    // d(a, p) = |(0.5, 0.5)|, d(a, n) = |(3.5, 4.5)|
    assertEquals(10 + Math.sqrt(0.5) - Math.hypot(3.5, 4.5), v, 1e-6);
  }
}

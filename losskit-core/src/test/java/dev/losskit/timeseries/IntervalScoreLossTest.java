package dev.losskit.timeseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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

class IntervalScoreLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "interval-score";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("alpha", 0.5), Map.of("alpha", "0.01"));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double alpha = p.real("alpha");
    double[] lo = in.get(0);
    double[] y = in.get(1);
    double[] hi = in.get(2);
    double[] l = new double[lo.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = hi[i] - lo[i];
      if (y[i] < lo[i]) {
        l[i] += 2 / alpha * (lo[i] - y[i]);
      }
      if (y[i] > hi[i]) {
        l[i] += 2 / alpha * (y[i] - hi[i]);
      }
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {-1, 0, 2, 5, -3, 1}, 3, 2),
          Tensor.of(new float[] {0, 3, 1, 5.5f, -2, -4}, 3, 2),
          Tensor.of(new float[] {1, 2, 2, 6, 4, 1.5f}, 3, 2)
        });
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {-1e30f, 0, 1e30f, 2, 2}),
          Tensor.of(new float[] {1e30f, 0, -1e30f, 2, 3}),
          Tensor.of(new float[] {1e30f, 0, 1e30f, 2, 2})
        });
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor three = Tensor.of(new float[] {1, 2, 3});
    return List.of(
        new BadInput(
            "an upper bound below the lower one",
            new Tensor[] {three, three, Tensor.of(new float[] {1, 1.5f, 3})},
            "upper",
            "at least pred",
            "1.5",
            "index 1"),
        new BadInput(
            "upper bounds of another shape",
            new Tensor[] {three, three, Tensor.of(new float[] {1, 1.5f, 3, 4}, 4)},
            "upper",
            "(3)",
            "(4)"),
        new BadInput(
            "targets of another shape",
            new Tensor[] {three, Tensor.of(new float[] {1}, 1), three},
            "target",
            "(1)"));
  }

  /** Hand values at alpha = 0.2 (penalty factor 10): below, inside, above, on the bounds. */
  @Test
  void handValues() {
    Tensor lo = Tensor.of(new float[] {1, 1, 1, 1, 1});
    Tensor y = Tensor.of(new float[] {0.5f, 2, 4, 1, 3});
    Tensor hi = Tensor.of(new float[] {3, 3, 3, 3, 3});
    LossResult res =
        Catalog.builtin()
            .get("interval-score")
            .create(Map.of("alpha", 0.2))
            .evaluate(Reduction.NONE, lo, y, hi);
    assertArrayEquals(new float[] {7, 2, 12, 2, 2}, res.values().data(), 1e-6f);
    assertArrayEquals(new float[] {9, -1, -1, -1, -1}, res.grad(0).data(), 0f);
    assertArrayEquals(new float[] {1, 1, -9, 1, 1}, res.grad(2).data(), 0f);
  }
}

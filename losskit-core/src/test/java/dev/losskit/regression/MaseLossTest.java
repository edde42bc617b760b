package dev.losskit.regression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.losskit.Catalog;
import dev.losskit.Loss;
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

class MaseLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "mase";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("season", "4"), Map.of("season", 12L));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    int m = (int) p.integer("season");
    double[] x = in.get(0);
    double[] y = in.get(1);
    double[] h = in.get(2);
    int[] hs = in.shape(2);
    int series = hs.length == 2 ? hs[0] : 1;
    int length = hs[hs.length - 1];
    double[] scales = new double[series];
    for (int s = 0; s < series; s++) {
      double sum = 0;
      for (int t = m; t < length; t++) {
        sum += Math.abs(h[s * length + t] - h[s * length + t - m]);
      }
      scales[s] = sum / (length - m);
    }
    double[] l = new double[x.length];
    int per = x.length / series;
    for (int i = 0; i < l.length; i++) {
      l[i] = Math.abs(x[i] - y[i]) / scales[i / per];
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    int m = (int) p.integer("season");
    float[] walk = new float[m + 3];
    for (int t = 0; t < walk.length; t++) {
      walk[t] = t % 2 == 0 ? t * 1e-6f : -t * 1e-6f;
    }
    float[] big = new float[2 * (m + 2)];
    for (int t = 0; t < big.length; t++) {
      big[t] = t * 1e30f;
    }
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {1e30f, -1e30f, 0}),
          Tensor.of(new float[] {-1e30f, 0, 0}),
          Tensor.of(walk)
        },
        new Tensor[] {
          Tensor.of(new float[] {1, 2, 3, 4}, 2, 2),
          Tensor.of(new float[] {1, -2, 3e30f, 4}, 2, 2),
          Tensor.of(big, 2, m + 2)
        });
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor p = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
    Tensor series = Tensor.of(new float[] {1, 3, 2, 5, 4});
    return List.of(
        new BadInput(
            "constant in-sample series",
            new Tensor[] {p, p, Tensor.of(new float[] {2, 2, 2, 2})},
            "insample",
            "series 0"),
        new BadInput(
            "second series constant at the seasonal lag",
            Map.of("season", 2),
            new Tensor[] {p, p, Tensor.of(new float[] {1, 3, 2, 5, 1, 2, 1, 2}, 2, 4)},
            "insample",
            "season = 2",
            "series 1"),
        new BadInput(
            "in-sample series no longer than the season",
            Map.of("season", 5),
            new Tensor[] {p, p, series},
            "insample",
            "more than season = 5",
            "found 5"),
        new BadInput(
            "one in-sample row per series, not three",
            new Tensor[] {p, p, Tensor.of(new float[15], 3, 5)},
            "insample",
            "(N, T)",
            "(3, 5)"),
        new BadInput(
            "rank-2 insample with 1-D pred",
            new Tensor[] {
              Tensor.of(new float[2]), Tensor.of(new float[2]), Tensor.of(new float[10], 2, 5)
            },
            "insample",
            "(2, 5)"),
        new BadInput(
            "rank-3 insample",
            new Tensor[] {p, p, Tensor.of(new float[8], 2, 2, 2)},
            "insample",
            "(2, 2, 2)"),
        new BadInput(
            "target of another shape",
            new Tensor[] {p, Tensor.of(new float[4]), series},
            "target",
            "(2, 2)",
            "(4)"));
  }

  private static Loss mase(Map<String, ?> params) {
    return Catalog.builtin().get("mase").create(params);
  }

  @Test
  void oneScaleFromA1dHistory() {
    // |diffs| = 2, 2, 2: scale 2; errors 1 and 4.
    Tensor insample = Tensor.of(new float[] {0, 2, 4, 6});
    LossResult res =
        mase(Map.of())
            .evaluate(
                Reduction.MEAN,
                Tensor.of(new float[] {1, 5}),
                Tensor.of(new float[] {2, 1}),
                insample);
    assertEquals(1.25, res.value(), 1e-7);
    assertArrayEquals(new float[] {-0.25f, 0.25f}, res.grad(0).data(), 1e-7f);
    assertNull(res.grad("insample"));
  }

  @Test
  void perSeriesScalesGiveTheMeanOfPerSeriesMase() {
    Tensor insample = Tensor.of(new float[] {0, 1, 2, 0, 4, 8}, 2, 3);
    Tensor pred = Tensor.of(new float[] {1, 1, 1, 1}, 2, 2);
    Tensor target = Tensor.of(new float[4], 2, 2);
    LossResult res = mase(Map.of()).evaluate(Reduction.NONE, pred, target, insample);
    assertArrayEquals(new float[] {1, 1, 0.25f, 0.25f}, res.values().data(), 1e-7f);
    assertEquals((1 + 0.25) / 2, mase(Map.of()).value(pred, target, insample), 1e-7);
  }

  @Test
  void seasonSetsTheLagOfTheNaiveForecast() {
    Tensor insample = Tensor.of(new float[] {1, 5, 2, 6, 3, 7});
    Tensor pred = Tensor.of(new float[] {3.6f});
    Tensor target = Tensor.of(new float[] {0});
    // lag 1: |diffs| 4, 3, 4, 3, 4, mean 3.6; lag 2: all 1.
    assertEquals(1.0, mase(Map.of()).value(pred, target, insample), 1e-6);
    assertEquals(3.6, mase(Map.of("season", 2)).value(pred, target, insample), 1e-6);
  }
}

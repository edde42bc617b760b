package dev.losskit.timeseries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.internal.Samples;
import dev.losskit.testing.LossContractTest;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SoftDtwLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "soft-dtw";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("gamma", 0.1),
        Map.of("gamma", "10"),
        Map.of("normalize", true),
        Map.of("normalize", "true", "gamma", 0.5));
  }

  /** The dynamic program of Cuturi and Blondel (2017), Algorithm 1, on a full matrix. */
  static double sdtw(double[] a, int ao, int ta, double[] b, int bo, int tb, int d, double gamma) {
    double[][] r = new double[ta + 1][tb + 1];
    for (double[] row : r) {
      java.util.Arrays.fill(row, Double.POSITIVE_INFINITY);
    }
    r[0][0] = 0;
    for (int i = 1; i <= ta; i++) {
      for (int j = 1; j <= tb; j++) {
        double cost = 0;
        for (int k = 0; k < d; k++) {
          double diff = a[ao + (i - 1) * d + k] - b[bo + (j - 1) * d + k];
          cost += diff * diff;
        }
        double[] prev = {r[i - 1][j - 1], r[i - 1][j], r[i][j - 1]};
        double min = Math.min(prev[0], Math.min(prev[1], prev[2]));
        double s = 0;
        for (double v : prev) {
          s += Math.exp(-(v - min) / gamma);
        }
        r[i][j] = cost + min - gamma * Math.log(s);
      }
    }
    return r[ta][tb];
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double gamma = p.real("gamma");
    double[] x = in.get(0);
    double[] y = in.get(1);
    int[] xs = in.shape(0);
    int[] ys = in.shape(1);
    int t = xs[1];
    int t2 = ys[1];
    int d = xs[2];
    double[] l = new double[xs[0]];
    for (int n = 0; n < l.length; n++) {
      l[n] = sdtw(x, n * t * d, t, y, n * t2 * d, t2, d, gamma);
      if (p.bool("normalize")) {
        l[n] -=
            0.5
                * (sdtw(x, n * t * d, t, x, n * t * d, t, d, gamma)
                    + sdtw(y, n * t2 * d, t2, y, n * t2 * d, t2, d, gamma));
      }
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {Samples.normal(r, 1, 2, 1, 2), Samples.normal(r, 1, 2, 1, 2)},
        new Tensor[] {Samples.normal(r, 1, 1, 30, 1), Samples.normal(r, 1, 1, 21, 1)},
        new Tensor[] {Samples.normal(r, 1, 3, 1, 4), Samples.normal(r, 1, 3, 6, 4)});
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    float[] x = Samples.normal(r, 1e15, 2, 5, 2).data();
    float[] y = Samples.normal(r, 1e15, 2, 4, 2).data();
    return List.<Tensor[]>of(
        new Tensor[] {Tensor.of(x, 2, 5, 2), Tensor.of(y, 2, 4, 2)},
        new Tensor[] {Tensor.of(new float[0], 0, 3, 2), Tensor.of(new float[0], 0, 2, 2)});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "series without a channel axis",
            new Tensor[] {Tensor.of(new float[6], 2, 3), Tensor.of(new float[6], 2, 3)},
            "pred",
            "(N, T, D)",
            "(2, 3)"),
        new BadInput(
            "another number of channels",
            new Tensor[] {Tensor.of(new float[12], 2, 3, 2), Tensor.of(new float[18], 2, 3, 3)},
            "target",
            "(2, T', 2)",
            "(2, 3, 3)"),
        new BadInput(
            "another number of series",
            new Tensor[] {Tensor.of(new float[12], 2, 3, 2), Tensor.of(new float[18], 3, 3, 2)},
            "target",
            "(3, 3, 2)"),
        new BadInput(
            "an empty target series",
            new Tensor[] {Tensor.of(new float[12], 2, 3, 2), Tensor.of(new float[0], 2, 0, 2)},
            "target",
            "at least one step"));
  }

  private static Loss softDtw(Map<String, ?> params) {
    return Catalog.builtin().get("soft-dtw").create(params);
  }

  /** A small gamma approaches the hard DTW distance, whose minimum here is known by hand. */
  @Test
  void smallGammaApproachesDtw() {
    // x = 0 1 2, y = 0 2: best path (0,0) (1,?) (2,1): costs 0 + min(1, 1) + 0 = 1.
    Tensor x = Tensor.of(new float[] {0, 1, 2}, 1, 3, 1);
    Tensor y = Tensor.of(new float[] {0, 2}, 1, 2, 1);
    double v = softDtw(Map.of("gamma", 1e-3)).value(Reduction.SUM, x, y);
    assertEquals(1, v, 5e-3);
    assertTrue(v <= 1, "soft minimum below the hard one");
  }

  /** The normalised form is a divergence: 0 with a zero gradient at pred = target. */
  @Test
  void normalizedIsZeroWithZeroGradientAtTheTarget() {
    Tensor x = Samples.normal(new SplittableRandom(5), 1, 2, 7, 3);
    LossResult res = softDtw(Map.of("normalize", true)).evaluate(Reduction.SUM, x, x.copy());
    assertEquals(0, res.value(), 1e-9);
    for (float g : res.grad(0).data()) {
      assertEquals(0, g, 1e-5);
    }
    LossResult plain = softDtw(Map.of()).evaluate(Reduction.SUM, x, x.copy());
    assertTrue(plain.value() < 0, "the unnormalised cost at pred = target is negative");
  }

  /** Series of 1000 steps: value against the oracle and a few gradient entries by differences. */
  @Test
  void handlesSeriesOfAThousandSteps() {
    SplittableRandom r = new SplittableRandom(9);
    int t = 1000;
    float[] xs = new float[t];
    float[] ys = new float[t];
    for (int i = 0; i < t; i++) {
      xs[i] = (float) (Math.sin(i * 0.02) + 0.1 * Samples.gaussian(r));
      ys[i] = (float) Math.sin(i * 0.02 + 0.3);
    }
    Tensor x = Tensor.of(xs, 1, t, 1);
    Tensor y = Tensor.of(ys, 1, t, 1);
    Params p = spec().params(Map.of("gamma", 0.1));
    LossResult res = softDtw(Map.of("gamma", 0.1)).evaluate(Reduction.SUM, x, y);
    OracleInputs oi = new OracleInputs(new Tensor[] {x, y});
    double expected = oracle(oi, p).sum();
    assertEquals(expected, res.value(), 1e-9 * (1 + Math.abs(expected)));
    double[] xd = oi.get(0);
    for (int i : new int[] {0, 137, 999}) {
      double x0 = xd[i];
      double h = 1e-5;
      xd[i] = x0 + h;
      double up = oracle(oi, p).sum();
      xd[i] = x0 - h;
      double down = oracle(oi, p).sum();
      xd[i] = x0;
      double numeric = (up - down) / (2 * h);
      assertEquals(numeric, res.grad(0).data()[i], 1e-4 * (1 + Math.abs(numeric)), "d/dx" + i);
    }
  }
}

package dev.losskit.classification;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

class FocalLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "focal";
  }

  /** -alpha_t (1 - p_t)^gamma log p_t with p clipped to [eps, 1 - eps]. */
  static double[] formula(double[][] in, int[][] shapes, Params params) {
    double alpha = params.real("alpha");
    double gamma = params.real("gamma");
    double eps = params.real("eps");
    double[] p = in[0];
    double[] t = in[1];
    double[] l = new double[p.length];
    for (int i = 0; i < l.length; i++) {
      double c = Math.min(Math.max(p[i], eps), 1 - eps);
      double pt = t[i] == 1 ? c : 1 - c;
      double at = t[i] == 1 ? alpha : 1 - alpha;
      l[i] = -at * Math.pow(1 - pt, gamma) * Math.log(pt);
    }
    return l;
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    return Oracle.of(BinaryLossChecks.values(FocalLossTest::formula, in, p));
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("alpha", 0.5),
        Map.of("alpha", 0.0),
        Map.of("alpha", "1"),
        Map.of("gamma", 0.0),
        Map.of("gamma", 0.5),
        Map.of("gamma", 1.0),
        Map.of("gamma", 5.0, "alpha", 0.75),
        Map.of("eps", 1e-3),
        Map.of("eps", 0.05, "gamma", 0.25));
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    Tensor pred = Tensor.of(new float[] {0, 1, 0, 1, 1e-45f, 1 - 6e-8f, 1e-8f});
    Tensor target = Tensor.of(new float[] {0, 1, 1, 0, 1, 0, 1});
    return List.<Tensor[]>of(new Tensor[] {pred, target});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "soft target",
            new Tensor[] {
              Tensor.of(new float[] {0.5f, 0.5f, 0.5f}), Tensor.of(new float[] {0, 1, 0.5f})
            },
            "target",
            "0 or 1",
            "0.5",
            "index 2"),
        new BadInput(
            "probability above 1",
            new Tensor[] {Tensor.of(new float[] {1.5f}), Tensor.of(new float[] {1})},
            "pred",
            "probabilities in [0, 1]",
            "1.5"),
        new BadInput(
            "target of another shape",
            new Tensor[] {Tensor.of(new float[3]), Tensor.of(new float[2])},
            "target",
            "(3)",
            "(2)"),
        new BadInput(
            "eps of 0.5",
            Map.of("eps", 0.5),
            new Tensor[] {Tensor.of(new float[] {0.5f}), Tensor.of(new float[] {1})},
            "eps",
            "(0, 0.5)"),
        new BadInput(
            "negative gamma",
            Map.of("gamma", -0.5),
            new Tensor[] {Tensor.of(new float[] {0.5f}), Tensor.of(new float[] {1})},
            "gamma",
            "-0.5"));
  }

  @Test
  void gradientIsZeroWherePWasClipped() {
    Loss loss = Catalog.builtin().get("focal").create(Map.of("eps", 1e-3));
    Tensor p = Tensor.of(new float[] {0, 1, 1e-4f, 0.9999f, 0, 1, 0.5f, 0.5f});
    Tensor t = Tensor.of(new float[] {1, 0, 1, 0, 0, 1, 1, 0});
    LossResult res = loss.evaluate(Reduction.SUM, p, t);
    float[] g = res.grad(0).data();
    for (int i = 0; i < 6; i++) {
      assertEquals(0f, g[i], 0f, "clipped p[" + i + "]");
    }
    // Inside the clip: alpha_t (gamma (1 - p_t) log p_t - (1 - p_t)^2 / p_t) times +/-1.
    double inside = 0.25 * (2 * 0.5 * Math.log(0.5) - 0.25 / 0.5);
    BinaryLossChecks.close(inside, g[6], 1e-6, 0, "t = 1");
    BinaryLossChecks.close(-0.75 * (2 * 0.5 * Math.log(0.5) - 0.25 / 0.5), g[7], 1e-6, 0, "t = 0");
    // The clipped values are those at the clip bounds.
    float[] v = loss.evaluate(Reduction.NONE, p, t).values().data();
    double atBound = -0.25 * Math.pow(1 - 1e-3, 2) * Math.log(1e-3);
    BinaryLossChecks.close(atBound, v[0], 1e-6, 0, "p = 0, t = 1");
    BinaryLossChecks.close(atBound, v[2], 1e-6, 0, "p = 1e-4, t = 1");
    BinaryLossChecks.close(
        -0.75 * Math.pow(1 - 1e-3, 2) * Math.log(1e-3), v[1], 1e-6, 0, "p = 1, t = 0");
    BinaryLossChecks.close(-0.75 * 1e-6 * Math.log1p(-1e-3), v[4], 1e-6, 0, "p = 0, t = 0");
  }

  @Test
  void valueIsBoundedByTheClip() {
    Loss loss = Catalog.builtin().get("focal").create(Map.of("alpha", 0.5, "gamma", 0.0));
    float v =
        loss.evaluate(Reduction.NONE, Tensor.of(new float[] {0}), Tensor.of(new float[] {1}))
            .values()
            .data()[0];
    BinaryLossChecks.close(-0.5 * Math.log(1e-7), v, 1e-6, 0, "the largest value");
  }

  @Test
  void gammaZeroEqualsAlphaWeightedBce() {
    SplittableRandom r = new SplittableRandom(41);
    int n = 37;
    float[] p = new float[n];
    float[] t = new float[n];
    float[] w = new float[n];
    double alpha = 0.3;
    for (int i = 0; i < n; i++) {
      p[i] = (float) (0.01 + 0.98 * r.nextDouble());
      t[i] = r.nextBoolean() ? 1f : 0f;
      w[i] = (float) (t[i] == 1 ? alpha : 1 - alpha);
    }
    Loss focal = Catalog.builtin().get("focal").create(Map.of("alpha", alpha, "gamma", 0.0));
    Loss bce = Catalog.builtin().get("bce").create();
    LossResult a = focal.evaluate(Reduction.NONE, Tensor.of(p), Tensor.of(t));
    LossResult b = bce.evaluate(Reduction.NONE, Tensor.of(p), Tensor.of(t), Tensor.of(w));
    for (int i = 0; i < n; i++) {
      BinaryLossChecks.close(b.values().data()[i], a.values().data()[i], 1e-6, 0, "value " + i);
      BinaryLossChecks.close(b.grad(0).data()[i], a.grad(0).data()[i], 1e-6, 0, "gradient " + i);
    }
  }

  @Test
  void shapesAndSmallGammas() {
    SplittableRandom r = new SplittableRandom(42);
    int[][] shapes = {{1}, {3, 4}, {2, 3, 4, 5}};
    for (double gamma : new double[] {0, 0.1, 0.5, 1, 1.5, 2, 3}) {
      for (int[] s : shapes) {
        Tensor p = BinaryLossChecks.tensor(() -> 0.001 + 0.998 * r.nextDouble(), s);
        Tensor t = BinaryLossChecks.tensor(() -> r.nextInt(2), s);
        BinaryLossChecks.check(
            "focal", Map.of("gamma", gamma), new Tensor[] {p, t}, FocalLossTest::formula);
      }
    }
  }
}

package dev.losskit.regression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

class SmoothL1LossTest extends LossContractTest {
  @Override
  protected String id() {
    return "smooth-l1";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("beta", "0"), Map.of("beta", 0.5), Map.of("beta", "2.5"));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double beta = p.real("beta");
    double[] x = in.get(0);
    double[] y = in.get(1);
    double[] l = new double[x.length];
    for (int i = 0; i < l.length; i++) {
      double a = Math.abs(x[i] - y[i]);
      l[i] = a < beta ? 0.5 * a * a / beta : a - 0.5 * beta;
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    float beta = (float) p.real("beta");
    return List.of(
        new Tensor[] {
          Tensor.of(new float[] {3e38f, -3e38f, 1e30f}), Tensor.of(new float[] {-3e38f, 3e38f, 0})
        },
        new Tensor[] {
          Tensor.of(new float[] {0, 2, beta, -beta}), Tensor.of(new float[] {0, 2, 0, 0})
        });
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "target of another shape",
            new Tensor[] {Tensor.of(new float[6], 2, 3), Tensor.of(new float[6], 6)},
            "target",
            "(2, 3)",
            "(6)"),
        new BadInput(
            "negative beta",
            Map.of("beta", "-0.5"),
            new Tensor[] {Tensor.of(new float[2]), Tensor.of(new float[2])},
            "beta",
            "non-negative",
            "-0.5"));
  }

  @Test
  void betaZeroIsExactlyMae() {
    Loss l1 = spec().create(Map.of("beta", 0));
    Loss mae = Catalog.builtin().create("mae");
    Tensor p = Tensor.of(new float[] {0, 1, -2, 3.5f, 7});
    Tensor t = Tensor.of(new float[] {0, 2, -2, 1, -7});
    for (Reduction red : new Reduction[] {Reduction.MEAN, Reduction.SUM, Reduction.NONE}) {
      LossResult a = l1.evaluate(red, p, t);
      LossResult b = mae.evaluate(red, p, t);
      assertEquals(b.value(), a.value(), 0);
      assertArrayEquals(b.grad(0).data(), a.grad(0).data(), 0f);
    }
    assertArrayEquals(
        new float[] {0, -1, 0, 1, 1}, l1.evaluate(Reduction.SUM, p, t).grad(0).data());
  }

  @Test
  void isHuberWithDeltaBetaDividedByBeta() {
    SplittableRandom r = new SplittableRandom(8);
    for (double beta : new double[] {0.25, 1, 3}) {
      Loss s = spec().create(Map.of("beta", beta));
      Loss h = Catalog.builtin().create("huber", Map.of("delta", beta));
      Tensor[] in = spec().sample(spec().params(Map.of("beta", beta)), r, 64);
      // Both kernels run in float lanes with double partial sums: equal to about 1e-7.
      assertEquals(
          h.value(Reduction.SUM, in) / beta,
          s.value(Reduction.SUM, in),
          1e-6 * s.value(Reduction.SUM, in));
      float[] gs = s.evaluate(Reduction.SUM, in).grad(0).data();
      float[] gh = h.evaluate(Reduction.SUM, in).grad(0).data();
      for (int i = 0; i < gs.length; i++) {
        assertEquals(gh[i] / beta, gs[i], 1e-6 * Math.abs(gs[i]) + 1e-7);
      }
    }
  }

  @Test
  void gradientIsContinuousAtBeta() {
    Loss s = spec().create(Map.of("beta", 0.5));
    float below = Math.nextDown(0.5f);
    float[] g =
        s.evaluate(
                Reduction.SUM, Tensor.of(new float[] {0.5f, below, -0.5f}), Tensor.of(new float[3]))
            .grad(0)
            .data();
    assertArrayEquals(new float[] {1, below / 0.5f, -1}, g, 1e-7f);
    assertEquals(
        0.25, s.value(Reduction.SUM, Tensor.of(new float[] {0.5f}), Tensor.of(new float[1])), 0);
  }
}

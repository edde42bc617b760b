package dev.losskit.regression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.LossResult;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.TwiceDifferentiable;
import dev.losskit.testing.LossContractTest;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PoissonNllLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "poisson-nll";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("full", "true"),
        Map.of("log-input", "false"),
        Map.of("log-input", false, "full", true),
        Map.of("log-input", false, "eps", "0.5"));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    boolean logInput = p.bool("log-input");
    double eps = p.real("eps");
    double[] x = in.get(0);
    double[] y = in.get(1);
    double[] l = new double[x.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = logInput ? Math.exp(x[i]) - y[i] * x[i] : x[i] - y[i] * Math.log(x[i] + eps);
      if (p.bool("full") && y[i] > 1) {
        l[i] += y[i] * Math.log(y[i]) - y[i] + 0.5 * Math.log(2 * Math.PI * y[i]);
      }
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    Tensor counts = Tensor.of(new float[] {0, 1, 2, 1e6f, 0, 3});
    if (p.bool("log-input")) {
      return List.<Tensor[]>of(
          new Tensor[] {Tensor.of(new float[] {1000, -1000, 88, 89, 200, 3e38f}), counts},
          new Tensor[] {Tensor.of(new float[] {-3e38f, 0, -88, 1000, -1000, 1e-30f}), counts});
    }
    return List.<Tensor[]>of(
        new Tensor[] {Tensor.of(new float[] {0, 0, 0, 0, 1e30f, 1e-30f}), counts},
        new Tensor[] {Tensor.of(new float[] {1000, 3e38f, 1e-45f, 1e6f, 0, 2}), counts});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "negative rate without log-input",
            Map.of("log-input", false),
            new Tensor[] {Tensor.of(new float[] {1, -0.5f}), Tensor.of(new float[] {1, 1})},
            "pred",
            "non-negative",
            "-0.5",
            "index 1"),
        new BadInput(
            "negative count",
            new Tensor[] {Tensor.of(new float[] {1, 1}), Tensor.of(new float[] {1, -1})},
            "target",
            "non-negative"),
        new BadInput(
            "target of another shape",
            new Tensor[] {Tensor.of(new float[2]), Tensor.of(new float[3])},
            "target",
            "(2)",
            "(3)"));
  }

  private static TwiceDifferentiable poisson(Map<String, ?> params) {
    return (TwiceDifferentiable) Catalog.builtin().get("poisson-nll").create(params);
  }

  @Test
  void stirlingTermIsAddedOnlyWhereTheTargetExceedsOne() {
    Tensor pred = Tensor.of(new float[] {0.5f, 0.5f, 0.5f, 0.5f});
    Tensor target = Tensor.of(new float[] {0, 1, 2, 5});
    float[] plain = poisson(Map.of()).evaluate(Reduction.NONE, pred, target).values().data();
    LossResult fullRes = poisson(Map.of("full", true)).evaluate(Reduction.NONE, pred, target);
    float[] full = fullRes.values().data();
    assertEquals(plain[0], full[0], 0f);
    assertEquals(plain[1], full[1], 0f);
    assertEquals(2 * Math.log(2) - 2 + 0.5 * Math.log(4 * Math.PI), full[2] - plain[2], 1e-6);
    assertEquals(5 * Math.log(5) - 5 + 0.5 * Math.log(10 * Math.PI), full[3] - plain[3], 1e-5);
    // The constant has no gradient.
    assertArrayEquals(
        poisson(Map.of()).evaluate(Reduction.NONE, pred, target).grad(0).data(),
        fullRes.grad(0).data(),
        0f);
  }

  @Test
  void rateInputUsesEpsInsideTheLog() {
    LossResult res =
        poisson(Map.of("log-input", false))
            .evaluate(Reduction.NONE, Tensor.of(new float[] {0, 2}), Tensor.of(new float[] {3, 3}));
    assertEquals(-3 * Math.log(1e-8), res.values().data()[0], 1e-4);
    assertEquals(2 - 3 * Math.log(2 + 1e-8), res.values().data()[1], 1e-6);
    assertEquals(1 - 3 / 1e-8, res.grad(0).data()[0], 1);
    assertEquals(
        3 / 1e-16,
        poisson(Map.of("log-input", false))
            .hessian(Tensor.of(new float[] {0}), Tensor.of(new float[] {3}))
            .data()[0],
        1e9);
  }

  @Test
  void logRatesBeyondFloatRangeContinueAlongTheTangent() {
    double cap = Math.log(Float.MAX_VALUE);
    Tensor target = Tensor.of(new float[] {2, 2, 2});
    Tensor pred = Tensor.of(new float[] {88, 100, 1000});
    LossResult res = poisson(Map.of()).evaluate(Reduction.NONE, pred, target);
    // Below the cap: exactly exp(p) - t p, as PyTorch in float32.
    assertEquals(Math.exp(88) - 2 * 88, res.values().data()[0], Math.exp(88) * 1e-6);
    // Beyond: the tangent line of exp at the cap (beyond float32 range: read in double, as a sum).
    double beyond =
        poisson(Map.of())
            .value(Reduction.SUM, Tensor.of(new float[] {100}), Tensor.of(new float[] {2}));
    assertEquals(Math.exp(cap) * (1 + 100 - cap) - 200, beyond, Math.exp(cap) * 1e-9);
    double sum = res.value();
    assertTrue(Double.isFinite(sum) && sum > Math.exp(cap) * 900, "sum " + sum);
    float[] g = res.grad(0).data();
    assertEquals((float) (Math.exp(88) - 2), g[0], Math.exp(88) * 1e-6);
    assertEquals(g[1], g[2], 0f);
    assertTrue(Float.isFinite(g[2]) && g[2] > 3e38f, "gradient " + g[2]);
    float[] h = poisson(Map.of()).hessian(pred, target).data();
    assertEquals((float) Math.exp(88), h[0], Math.exp(88) * 1e-6);
    assertEquals(0f, h[1], 0f);
  }
}

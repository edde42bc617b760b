package dev.losskit.regression;

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

class PseudoHuberLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "pseudo-huber";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("delta", "0.3"), Map.of("delta", 4.0));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double d = p.real("delta");
    double[] x = in.get(0);
    double[] y = in.get(1);
    double[] l = new double[x.length];
    for (int i = 0; i < l.length; i++) {
      double r = x[i] - y[i];
      l[i] = d * d * (Math.sqrt(1 + (r / d) * (r / d)) - 1);
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.of(
        new Tensor[] {
          Tensor.of(new float[] {3e38f, -3e38f, 1e30f}),
          Tensor.of(new float[] {-3e38f, 3e38f, -1e30f})
        },
        new Tensor[] {
          Tensor.of(new float[] {0, 1e-30f, 1e-20f}), Tensor.of(new float[] {0, 0, 0})
        });
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "target of another shape",
            new Tensor[] {Tensor.of(new float[3]), Tensor.of(new float[4])},
            "target",
            "(3)",
            "(4)"),
        new BadInput(
            "delta zero",
            Map.of("delta", "0"),
            new Tensor[] {Tensor.of(new float[2]), Tensor.of(new float[2])},
            "delta",
            "positive"));
  }

  @Test
  void quadraticNearZeroAndLinearFarAway() {
    TwiceDifferentiable loss = (TwiceDifferentiable) spec().create(Map.of("delta", 2.0));
    Tensor p = Tensor.of(new float[] {1e-3f, 1e6f, -1e6f, 0});
    Tensor t = Tensor.of(new float[4]);
    LossResult res = loss.evaluate(Reduction.NONE, p, t);
    float[] v = res.values().data();
    double r = 1e-3f;
    assertEquals(r * r / 2 - Math.pow(r, 4) / 32, v[0], 1e-7 * v[0]);
    assertEquals(2 * (1e6 - 2), v[1], 1e-6 * v[1]);
    assertEquals(v[1], v[2]);
    assertEquals(0f, v[3]);
    float[] g = res.grad(0).data();
    assertEquals(r, g[0], 1e-6 * r);
    assertEquals(2 * 1e6 / Math.sqrt(4 + 1e12), g[1], 1e-6);
    assertEquals(-g[1], g[2]);
    assertEquals(0f, g[3]);
    float[] h = loss.hessian(p, t).data();
    assertEquals(1, h[0], 1e-6);
    assertEquals(8 / Math.pow(1e12, 1.5), h[1], 1e-3 * h[1]);
    assertEquals(1f, h[3]);
  }

  @Test
  void liesBetweenHuberAndItsQuadraticPart() {
    SplittableRandom r = new SplittableRandom(21);
    for (double delta : new double[] {0.5, 1, 3}) {
      Map<String, ?> params = Map.of("delta", delta);
      Tensor[] in = spec().sample(spec().params(params), r, 200);
      float[] ph = spec().create(params).evaluate(Reduction.NONE, in).values().data();
      float[] hu =
          Catalog.builtin().create("huber", params).evaluate(Reduction.NONE, in).values().data();
      for (int i = 0; i < ph.length; i++) {
        double res = (double) in[0].data()[i] - in[1].data()[i];
        assertTrue(ph[i] <= hu[i] * (1 + 1e-6), "pseudo-huber <= huber at r = " + res);
        assertTrue(
            ph[i] >= delta * (Math.abs(res) - delta) - 1e-6, "pseudo-huber >= delta (|r| - delta)");
      }
    }
  }

  @Test
  void extremeDeltasStayFinite() {
    Tensor p = Tensor.of(new float[] {0, 3, -1e15f});
    Tensor t = Tensor.of(new float[3]);
    TwiceDifferentiable tiny = (TwiceDifferentiable) spec().create(Map.of("delta", "1e-200"));
    LossResult a = tiny.evaluate(Reduction.SUM, p, t);
    assertEquals(1e-200 * (3 + (double) 1e15f), a.value(), 1e-12 * a.value());
    assertEquals(0f, a.grad(0).data()[0]);
    assertEquals(1f, tiny.hessian(p, t).data()[0]);
    TwiceDifferentiable huge = (TwiceDifferentiable) spec().create(Map.of("delta", "1e200"));
    LossResult b = huge.evaluate(Reduction.NONE, p, t);
    assertEquals(0f, b.values().data()[0]);
    assertEquals(4.5f, b.values().data()[1], 1e-6f);
    assertEquals(5e29f, b.values().data()[2], 5e23f);
    assertEquals(3f, b.grad(0).data()[1]);
    assertEquals(-1e15f, b.grad(0).data()[2], 1e9f);
    assertEquals(1f, huge.hessian(p, t).data()[2]);
  }
}

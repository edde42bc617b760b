package dev.losskit.regression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.TwiceDifferentiable;
import dev.losskit.testing.LossContractTest;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogCoshLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "log-cosh";
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[] x = in.get(0);
    double[] y = in.get(1);
    double[] l = new double[x.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = Math.log(Math.cosh(x[i] - y[i]));
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.of(
        new Tensor[] {
          Tensor.of(new float[] {1000, -1000, 3e38f, 800}),
          Tensor.of(new float[] {-1000, 1000, -3e38f, 0})
        },
        new Tensor[] {Tensor.of(new float[] {0, 1e-30f}), Tensor.of(new float[] {0, 0})});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "target of another shape",
            new Tensor[] {Tensor.of(new float[8], 2, 4), Tensor.of(new float[8], 4, 2)},
            "target",
            "(2, 4)",
            "(4, 2)"));
  }

  @Test
  void largeResidualsAreLinearWithoutOverflow() {
    TwiceDifferentiable loss = (TwiceDifferentiable) spec().create();
    Tensor p = Tensor.of(new float[] {1000, -1000, 1e30f, 20});
    Tensor t = Tensor.of(new float[] {0, 0, 0, 0});
    LossResult r = loss.evaluate(Reduction.NONE, p, t);
    float[] v = r.values().data();
    assertEquals(1000 - Math.log(2), v[0], 1e-4);
    assertEquals(1000 - Math.log(2), v[1], 1e-4);
    assertEquals(1e30f, v[2], 1e24f);
    assertEquals(20 - Math.log(2) + Math.log1p(Math.exp(-40)), v[3], 1e-5);
    assertArrayEquals(new float[] {1, -1, 1, (float) Math.tanh(20)}, r.grad(0).data(), 0f);
    float[] h = loss.hessian(p, t).data();
    assertEquals(0f, h[0]);
    assertEquals(0f, h[2]);
    assertEquals(4 * Math.exp(-40), h[3], 1e-22);
  }

  @Test
  void smallResidualsAreQuadratic() {
    TwiceDifferentiable loss = (TwiceDifferentiable) spec().create();
    Tensor p = Tensor.of(new float[] {0, 1e-4f, -3e-3f});
    Tensor t = Tensor.of(new float[] {0, 0, 0});
    float[] v = loss.evaluate(Reduction.NONE, p, t).values().data();
    assertEquals(0f, v[0]);
    double r = 1e-4f;
    assertEquals(r * r / 2 - Math.pow(r, 4) / 12, v[1], 1e-6 * v[1]);
    r = -3e-3f;
    assertEquals(r * r / 2 - Math.pow(r, 4) / 12, v[2], 1e-6 * v[2]);
    float[] h = loss.hessian(p, t).data();
    assertEquals(1f, h[0]);
    assertTrue(h[2] < 1f && h[2] > 0.99999f);
  }

  @Test
  void hessianIsOneMinusTanhSquared() {
    TwiceDifferentiable loss = (TwiceDifferentiable) spec().create();
    Tensor[] in = spec().sample(spec().defaults(), new SplittableRandom(4), 257);
    float[] h = loss.hessian(in).data();
    float[] p = in[0].data();
    float[] t = in[1].data();
    for (int i = 0; i < h.length; i++) {
      double th = Math.tanh((double) p[i] - t[i]);
      assertEquals(1 - th * th, h[i], 1e-7 * (1 - th * th) + 1e-12);
    }
    Loss plain = spec().create();
    assertTrue(plain instanceof TwiceDifferentiable);
  }
}

package dev.losskit.regression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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

class GaussianNllLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "gaussian-nll";
  }

  /** eps stays below the sampled variances (>= 0.2): the clamp is tested on its own below. */
  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("full", "true"), Map.of("eps", "0.1"), Map.of("full", true, "eps", 1e-3));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double eps = p.real("eps");
    double[] x = in.get(0);
    double[] y = in.get(1);
    double[] v = in.get(2);
    int[] shape = in.shape(0);
    int last = shape.length == 0 ? 1 : shape[shape.length - 1];
    double[] l = new double[x.length];
    for (int i = 0; i < l.length; i++) {
      double var = Math.max(v.length == x.length ? v[i] : v[i / last], eps);
      l[i] = 0.5 * (Math.log(var) + (x[i] - y[i]) * (x[i] - y[i]) / var);
      if (p.bool("full")) {
        l[i] += 0.5 * Math.log(2 * Math.PI);
      }
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {1000, -1000, 0, 5, 1e3f}),
          Tensor.of(new float[] {0, 0, 0, 5, -1e3f}),
          Tensor.of(new float[] {0, 1e-30f, 0, 0, 1e30f})
        },
        new Tensor[] {
          Tensor.of(new float[] {1e3f, 2, 3, -1e3f, 5, 6}, 2, 3),
          Tensor.of(new float[6], 2, 3),
          Tensor.of(new float[] {0, 3e38f}, 2)
        });
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor p = Tensor.of(new float[6], 2, 3);
    return List.of(
        new BadInput(
            "negative variance",
            new Tensor[] {
              Tensor.of(new float[2]), Tensor.of(new float[2]), Tensor.of(new float[] {1, -1})
            },
            "var",
            "non-negative",
            "-1.0"),
        new BadInput(
            "variance per column instead of per row",
            new Tensor[] {p, p, Tensor.of(new float[] {1, 1, 1}, 3)},
            "var",
            "(2, 3)",
            "(3)"),
        new BadInput(
            "variance with a last dimension neither 1 nor pred's",
            new Tensor[] {p, p, Tensor.of(new float[4], 2, 2)},
            "var",
            "(2, 2)"),
        new BadInput(
            "target of another shape",
            new Tensor[] {p, Tensor.of(new float[6], 6), Tensor.of(new float[6], 2, 3)},
            "target",
            "(2, 3)",
            "(6)"));
  }

  private static Loss gaussian(Map<String, ?> params) {
    return Catalog.builtin().get("gaussian-nll").create(params);
  }

  @Test
  void sharedVarianceEqualsTheExpandedOneAndItsGradientIsTheSum() {
    SplittableRandom r = new SplittableRandom(21);
    Tensor pred = Samples.normal(r, 2, 3, 4);
    Tensor target = Samples.normal(r, 1, 3, 4);
    float[] v = Samples.uniform(r, 0.3, 2, 3).data();
    float[] expanded = new float[12];
    for (int i = 0; i < 12; i++) {
      expanded[i] = v[i / 4];
    }
    Loss loss = gaussian(Map.of());
    LossResult full = loss.evaluate(Reduction.MEAN, pred, target, Tensor.of(expanded, 3, 4));
    LossResult perRow = loss.evaluate(Reduction.MEAN, pred, target, Tensor.of(v, 3));
    LossResult column = loss.evaluate(Reduction.MEAN, pred, target, Tensor.of(v, 3, 1));
    // One variance per element runs in float lanes on the vector path: float-accurate, not equal.
    assertEquals(full.value(), perRow.value(), 1e-6 * Math.abs(full.value()));
    assertEquals(full.value(), column.value(), 1e-6 * Math.abs(full.value()));
    assertArrayEquals(full.grad(0).data(), perRow.grad(0).data(), 1e-6f);
    float[] summed = new float[3];
    for (int i = 0; i < 12; i++) {
      summed[i / 4] += full.grad(2).data()[i];
    }
    assertArrayEquals(summed, perRow.grad(2).data(), 1e-6f);
    assertArrayEquals(summed, column.grad(2).data(), 1e-6f);
    assertArrayEquals(new int[] {3, 1}, column.grad(2).shape());
  }

  @Test
  void scalarVarianceIsSharedByA1dPrediction() {
    Tensor pred = Tensor.of(new float[] {1, 2, 3});
    Tensor target = Tensor.of(new float[] {0, 0, 0});
    LossResult res = gaussian(Map.of()).evaluate(Reduction.SUM, pred, target, Tensor.scalar(2));
    assertEquals(1.5 * Math.log(2) + 14 / 4.0, res.value(), 1e-6);
    assertEquals(0.5 * (3 / 2.0 - 14 / 4.0), res.grad(2).data()[0], 1e-6);
  }

  @Test
  void varianceBelowEpsIsClampedButItsGradientIsNotCut() {
    // As PyTorch 1.13 (clamp under no_grad): value at v = eps, gradient (1/v - r^2/v^2)/2 at v =
    // eps.
    double eps = 1e-3;
    Tensor pred = Tensor.of(new float[] {0.01f, 0.02f});
    Tensor target = Tensor.of(new float[] {0, 0});
    Tensor var = Tensor.of(new float[] {0, 1e-4f});
    LossResult res = gaussian(Map.of("eps", eps)).evaluate(Reduction.NONE, pred, target, var);
    double r0 = 0.01f;
    double r1 = 0.02f;
    assertEquals(0.5 * (Math.log(eps) + r0 * r0 / eps), res.values().data()[0], 1e-6);
    assertEquals(0.5 * (Math.log(eps) + r1 * r1 / eps), res.values().data()[1], 1e-6);
    assertEquals(0.5 * (1 / eps - r0 * r0 / (eps * eps)), res.grad(2).data()[0], 1e-3);
    assertEquals(0.5 * (1 / eps - r1 * r1 / (eps * eps)), res.grad(2).data()[1], 1e-3);
    assertEquals(r0 / eps, res.grad(0).data()[0], 1e-4);
  }

  @Test
  void fullAddsHalfLogTwoPiPerElement() {
    SplittableRandom r = new SplittableRandom(2);
    Tensor[] in =
        Catalog.builtin()
            .get("gaussian-nll")
            .sample(Catalog.builtin().get("gaussian-nll").defaults(), r, 7);
    double plain = gaussian(Map.of()).value(Reduction.SUM, in);
    double full = gaussian(Map.of("full", true)).value(Reduction.SUM, in);
    assertEquals(7 * 0.5 * Math.log(2 * Math.PI), full - plain, 1e-9);
  }
}

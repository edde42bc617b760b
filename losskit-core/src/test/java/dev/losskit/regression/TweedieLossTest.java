package dev.losskit.regression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
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
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TweedieLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "tweedie";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("power", "1"),
        Map.of("power", 1.2),
        Map.of("power", "1.8"),
        Map.of("power", 2.0),
        Map.of("power", "1.99"));
  }

  /** scikit-learn's mean_tweedie_deviance formulas with mu = exp(pred). */
  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double rho = p.real("power");
    double[] x = in.get(0);
    double[] y = in.get(1);
    double[] l = new double[x.length];
    for (int i = 0; i < l.length; i++) {
      double mu = Math.exp(x[i]);
      if (rho == 1) {
        l[i] = 2 * ((y[i] == 0 ? 0 : y[i] * Math.log(y[i] / mu)) - y[i] + mu);
      } else if (rho == 2) {
        l[i] = 2 * (Math.log(mu / y[i]) + y[i] / mu - 1);
      } else {
        l[i] =
            2
                * (Math.pow(y[i], 2 - rho) / ((1 - rho) * (2 - rho))
                    - y[i] * Math.pow(mu, 1 - rho) / (1 - rho)
                    + Math.pow(mu, 2 - rho) / (2 - rho));
      }
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    boolean zeros = p.real("power") < 2;
    float z = zeros ? 0 : 1e-30f;
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {1000, -1000, 1000, -1000, 88, -88}),
          Tensor.of(new float[] {z, z, 1e30f, 1e30f, 1e-30f, 3e38f})
        },
        new Tensor[] {
          Tensor.of(new float[] {3e38f, -3e38f, 0, 69, -69}),
          Tensor.of(new float[] {1, 1, z, 1e-30f, 1e30f})
        });
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "zero target for the Gamma deviance",
            Map.of("power", 2),
            new Tensor[] {Tensor.of(new float[] {0, 0}), Tensor.of(new float[] {1, 0})},
            "target",
            "positive",
            "power = 2",
            "index 1"),
        new BadInput(
            "negative target",
            new Tensor[] {Tensor.of(new float[] {0, 0}), Tensor.of(new float[] {-1, 0})},
            "target",
            "non-negative"),
        new BadInput(
            "target of another shape",
            new Tensor[] {Tensor.of(new float[2]), Tensor.of(new float[1])},
            "target",
            "(2)",
            "(1)"));
  }

  private static TwiceDifferentiable tweedie(double power) {
    return (TwiceDifferentiable) Catalog.builtin().get("tweedie").create(Map.of("power", power));
  }

  @Test
  void scikitLearnValue() {
    // mean_tweedie_deviance([2, 0, 1, 4], [0.5, 0.5, 2, 2], power=1.5)
    Tensor pred = Tensor.of(new double[] {Math.log(0.5), Math.log(0.5), Math.log(2), Math.log(2)});
    assertEquals(
        1.7781745930520232, tweedie(1.5).value(pred, Tensor.of(new float[] {2, 0, 1, 4})), 1e-6);
  }

  @Test
  void powerOneIsTwiceTheShiftedPoissonLogLikelihood() {
    Loss poisson = Catalog.builtin().get("poisson-nll").create();
    Tensor pred = Tensor.of(new float[] {-1, 0.5f, 2, 0.1f});
    Tensor target = Tensor.of(new float[] {0, 1, 3, 7});
    LossResult tw = tweedie(1).evaluate(Reduction.NONE, pred, target);
    LossResult po = poisson.evaluate(Reduction.NONE, pred, target);
    for (int i = 0; i < 4; i++) {
      double y = target.data()[i];
      double atMinimum = y == 0 ? 0 : y - y * Math.log(y);
      assertEquals(2 * (po.values().data()[i] - atMinimum), tw.values().data()[i], 1e-5);
      assertEquals(2 * po.grad(0).data()[i], tw.grad(0).data()[i], 1e-5);
    }
  }

  @Test
  void zeroAtTheMeanEqualToTheTargetForEveryPower() {
    Tensor target = Tensor.of(new float[] {0.5f, 2, 7});
    Tensor pred = Tensor.of(new double[] {Math.log(0.5f), Math.log(2), Math.log(7)});
    for (double power : new double[] {1, 1.3, 1.5, 1.9, 2}) {
      LossResult res = tweedie(power).evaluate(Reduction.SUM, pred, target);
      assertEquals(0, res.value(), 1e-6, "power " + power);
      assertArrayEquals(new float[3], res.grad(0).data(), 1e-6f, "power " + power);
    }
  }

  @Test
  void powersNextToOneAndTwoApproachTheirLimitsWithoutCancellation() {
    Tensor pred = Tensor.of(new float[] {-2, 0.3f, 1.7f, 4});
    Tensor target = Tensor.of(new float[] {0.2f, 1, 5, 3});
    for (double[] pair : new double[][] {{1, 1 + 1e-12}, {2, 2 - 1e-12}}) {
      float[] limit = tweedie(pair[0]).evaluate(Reduction.NONE, pred, target).values().data();
      float[] near = tweedie(pair[1]).evaluate(Reduction.NONE, pred, target).values().data();
      assertArrayEquals(limit, near, 1e-6f, "power " + pair[1]);
    }
  }

  @Test
  void hugeScoresContinueAlongTheTangentWithFiniteGradients() {
    TwiceDifferentiable loss = tweedie(1.5);
    Tensor pred = Tensor.of(new float[] {1000, -1000, 500});
    Tensor target = Tensor.of(new float[] {2, 2, 2});
    LossResult res = loss.evaluate(Reduction.SUM, pred, target);
    assertTrue(Double.isFinite(res.value()) && res.value() > 1e38, "value " + res.value());
    float[] g = res.grad(0).data();
    assertTrue(Float.isFinite(g[0]) && g[0] > 1e38f, "gradient " + g[0]);
    assertTrue(Float.isFinite(g[1]) && g[1] < -1e38f, "gradient " + g[1]);
    assertEquals(g[0], g[2], 0f);
    float[] h = loss.hessian(pred, target).data();
    assertEquals(0f, h[0], 0f);
    assertEquals(0f, h[1], 0f);
  }
}

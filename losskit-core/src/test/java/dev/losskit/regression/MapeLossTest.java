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

class MapeLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "mape";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("eps", "1e-3"), Map.of("eps", 2.220446049250313e-16));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double eps = p.real("eps");
    double[] x = in.get(0);
    double[] y = in.get(1);
    double[] l = new double[x.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = Math.abs(x[i] - y[i]) / Math.max(Math.abs(y[i]), eps);
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {Tensor.of(new float[] {1, -1, 0, 1e3f}), Tensor.of(new float[] {0, 0, 0, 0})},
        new Tensor[] {
          Tensor.of(new float[] {1e30f, -1e30f, 2}), Tensor.of(new float[] {1, 1e-30f, 2})
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
            "(6)"));
  }

  private static Loss mape(Map<String, ?> params) {
    return Catalog.builtin().get("mape").create(params);
  }

  @Test
  void scikitLearnDocumentedExampleIsAFraction() {
    Tensor target = Tensor.of(new float[] {3, -0.5f, 2, 7});
    Tensor pred = Tensor.of(new float[] {2.5f, 0, 2, 8});
    assertEquals(0.3273809523809524, mape(Map.of()).value(pred, target), 1e-7);
    assertEquals(
        0.1,
        mape(Map.of()).value(Tensor.of(new float[] {110}), Tensor.of(new float[] {100})),
        1e-7);
  }

  @Test
  void zeroAndTinyTargetsAreDividedByEps() {
    Tensor pred = Tensor.of(new float[] {2, -3, 1});
    Tensor target = Tensor.of(new float[] {0, 0, 1e-4f});
    LossResult res = mape(Map.of("eps", 1e-3)).evaluate(Reduction.NONE, pred, target);
    assertEquals(2 / 1e-3, res.values().data()[0], 1e-2);
    assertEquals(3 / 1e-3, res.values().data()[1], 1e-2);
    assertEquals((1 - 1e-4f) / 1e-3, res.values().data()[2], 1e-2);
    assertArrayEquals(new float[] {1e3f, -1e3f, 1e3f}, res.grad(0).data(), 1e-2f);
    // Default eps 1e-8: large but finite.
    assertEquals(
        2e8,
        mape(Map.of()).value(Reduction.SUM, Tensor.of(new float[] {2}), Tensor.of(new float[] {0})),
        1);
  }

  @Test
  void gradientIsSignOverTargetMagnitudeAndZeroAtTheTarget() {
    Tensor pred = Tensor.of(new float[] {1, 3, -2, 5});
    Tensor target = Tensor.of(new float[] {2, 2, -4, 5});
    float[] g = mape(Map.of()).evaluate(Reduction.SUM, pred, target).grad(0).data();
    assertArrayEquals(new float[] {-0.5f, 0.5f, 0.25f, 0f}, g, 1e-7f);
  }
}

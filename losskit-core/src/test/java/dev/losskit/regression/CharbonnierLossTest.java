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

class CharbonnierLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "charbonnier";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("eps", "0.1"), Map.of("eps", 1.0), Map.of("eps", "1e-6"));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double eps = p.real("eps");
    double[] x = in.get(0);
    double[] y = in.get(1);
    double[] l = new double[x.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = Math.sqrt((x[i] - y[i]) * (x[i] - y[i]) + eps * eps);
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
        new Tensor[] {Tensor.of(new float[] {0, 1e-30f, 5}), Tensor.of(new float[] {0, 0, 5})});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "target of another shape",
            new Tensor[] {Tensor.of(new float[6], 3, 2), Tensor.of(new float[6], 2, 3)},
            "target",
            "(3, 2)",
            "(2, 3)"),
        new BadInput(
            "eps zero",
            Map.of("eps", "0"),
            new Tensor[] {Tensor.of(new float[2]), Tensor.of(new float[2])},
            "eps",
            "positive"));
  }

  @Test
  void valueAtTargetIsEpsAndGradientZero() {
    Loss loss = spec().create(Map.of("eps", 0.01));
    LossResult r =
        loss.evaluate(
            Reduction.NONE, Tensor.of(new float[] {2, -1}), Tensor.of(new float[] {2, -1}));
    assertArrayEquals(new float[] {0.01f, 0.01f}, r.values().data());
    assertArrayEquals(new float[] {0, 0}, r.grad(0).data());
  }

  @Test
  void approachesMaeAsEpsVanishes() {
    Loss loss = spec().create(Map.of("eps", "1e-9"));
    Loss mae = Catalog.builtin().create("mae");
    Tensor[] in = ResidualSamples.awayFromZero(new SplittableRandom(2), 99, 0.01, 2);
    assertEquals(mae.value(in), loss.value(in), 1e-6 * Math.abs(mae.value(in)));
    assertArrayEquals(mae.evaluate(in).grad(0).data(), loss.evaluate(in).grad(0).data(), 1e-6f);
  }

  @Test
  void extremeEpsStaysFinite() {
    Tensor p = Tensor.of(new float[] {0, 3, -1e30f});
    Tensor t = Tensor.of(new float[3]);
    LossResult tiny = spec().create(Map.of("eps", "1e-200")).evaluate(Reduction.NONE, p, t);
    assertArrayEquals(new float[] {0, 3, 1e30f}, tiny.values().data());
    assertArrayEquals(new float[] {0, 1, -1}, tiny.grad(0).data());
    LossResult huge = spec().create(Map.of("eps", "1e30")).evaluate(Reduction.NONE, p, t);
    assertArrayEquals(
        new float[] {1e30f, 1e30f, (float) Math.sqrt(2) * 1e30f}, huge.values().data(), 1e24f);
    assertArrayEquals(new float[] {0, 3e-30f, (float) -Math.sqrt(0.5)}, huge.grad(0).data(), 1e-7f);
    LossResult wide = spec().create(Map.of("eps", "1e200")).evaluate(Reduction.SUM, p, t);
    assertEquals(3e200, wide.value(), 1e188);
    assertArrayEquals(new float[] {0, 0, 0}, wide.grad(0).data(), 0f);
  }
}

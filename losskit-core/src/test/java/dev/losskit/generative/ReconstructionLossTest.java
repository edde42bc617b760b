package dev.losskit.generative;

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

class ReconstructionLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "reconstruction";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("kind", "mae"));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[] x = in.get(0);
    double[] y = in.get(1);
    double[] l = new double[x.length];
    for (int i = 0; i < l.length; i++) {
      double r = x[i] - y[i];
      l[i] = p.text("kind").equals("mae") ? Math.abs(r) : r * r;
    }
    return Oracle.of(l);
  }

  /** Images (N, C, H, W) and a 0-d pair. */
  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    Tensor x = Samples.normal(r, 1, 2, 3, 2, 2);
    float[] y = x.data().clone();
    for (int i = 0; i < y.length; i++) {
      y[i] += (float) (0.1 + r.nextDouble()) * (i % 2 == 0 ? 1 : -1);
    }
    return List.<Tensor[]>of(
        new Tensor[] {x, Tensor.of(y, 2, 3, 2, 2)},
        new Tensor[] {Tensor.scalar(0.5f), Tensor.scalar(-0.25f)});
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {1e30f, -1e30f, 0}), Tensor.of(new float[] {-1e30f, 1e30f, 0})
        },
        new Tensor[] {Tensor.of(new float[] {1, 2}), Tensor.of(new float[] {1, 2})});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "input of another shape",
            new Tensor[] {Tensor.of(new float[6], 2, 3), Tensor.of(new float[6], 6)},
            "input",
            "(2, 3)",
            "(6)"),
        new BadInput(
            "unknown kind",
            Map.of("kind", "bce"),
            new Tensor[] {Tensor.of(new float[1]), Tensor.of(new float[1])},
            "kind",
            "bce",
            "mse, mae"));
  }

  @Test
  void equalsMseAndMaeForEveryReduction() {
    SplittableRandom r = new SplittableRandom(6);
    Tensor x = Samples.normal(r, 2, 3, 5);
    Tensor y = Samples.normal(r, 1, 3, 5);
    for (String kind : List.of("mse", "mae")) {
      Loss same = Catalog.builtin().get(kind).create();
      Loss rec = Catalog.builtin().get("reconstruction").create(Map.of("kind", kind));
      for (Reduction red : List.of(Reduction.MEAN, Reduction.SUM, Reduction.NONE)) {
        LossResult a = same.evaluate(red, x, y);
        LossResult b = rec.evaluate(red, x, y);
        assertEquals(a.value(), b.value(), 1e-6 * Math.abs(a.value()), kind + " " + red);
        assertArrayEquals(a.grad(0).data(), b.grad(0).data(), 1e-6f, kind + " " + red);
      }
    }
  }

  @Test
  void maeUsesTheSubgradientZeroAtAPerfectReconstruction() {
    Loss mae = Catalog.builtin().get("reconstruction").create(Map.of("kind", "mae"));
    LossResult res =
        mae.evaluate(
            Reduction.SUM, Tensor.of(new float[] {1, 2, 3}), Tensor.of(new float[] {1, 0, 4}));
    assertEquals(3, res.value(), 0);
    assertArrayEquals(new float[] {0, 1, -1}, res.grad(0).data(), 0f);
  }
}

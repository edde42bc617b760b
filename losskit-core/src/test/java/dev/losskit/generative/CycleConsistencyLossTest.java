package dev.losskit.generative;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.Params;
import dev.losskit.Tensor;
import dev.losskit.internal.Samples;
import dev.losskit.testing.LossContractTest;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CycleConsistencyLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "cycle-consistency";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("lambda", "10"), Map.of("lambda", 0));
  }

  private static double meanAbs(double[] x, double[] y) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += Math.abs(x[i] - y[i]);
    }
    return s / x.length;
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double v = p.real("lambda") * (meanAbs(in.get(0), in.get(1)) + meanAbs(in.get(2), in.get(3)));
    return new Oracle(new double[] {v}, 1);
  }

  /** Image batches (N, C, H, W) of different sizes per domain, and 0-d tensors. */
  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    Tensor a = Samples.normal(r, 1, 2, 3, 2, 2);
    Tensor b = Samples.normal(r, 1, 1, 3, 2, 2);
    return List.<Tensor[]>of(
        new Tensor[] {shifted(a, 0.3f, r), a, shifted(b, 0.2f, r), b},
        new Tensor[] {Tensor.scalar(0.5f), Tensor.scalar(-1), Tensor.scalar(2), Tensor.scalar(3)});
  }

  private static Tensor shifted(Tensor t, float by, SplittableRandom r) {
    float[] x = t.data().clone();
    for (int i = 0; i < x.length; i++) {
      x[i] += r.nextBoolean() ? by : -by;
    }
    return Tensor.of(x, t.shape());
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    Tensor a = Tensor.of(new float[] {1, 2, 3});
    Tensor b = Tensor.of(new float[] {-1e30f, 3e38f});
    return List.<Tensor[]>of(
        new Tensor[] {a, a, b, b},
        new Tensor[] {a, Tensor.of(new float[] {-3e38f, 0, 3e38f}), b, Tensor.of(new float[2])});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor a = Tensor.of(new float[6], 2, 3);
    Tensor b = Tensor.of(new float[4], 4);
    return List.of(
        new BadInput(
            "real-a of another shape",
            new Tensor[] {a, Tensor.of(new float[6], 3, 2), b, b},
            "real-a",
            "(2, 3)",
            "(3, 2)"),
        new BadInput(
            "real-b of another shape",
            new Tensor[] {a, a, b, Tensor.of(new float[5], 5)},
            "real-b",
            "(4)",
            "(5)"),
        new BadInput(
            "empty domain",
            new Tensor[] {a, a, Tensor.of(new float[0]), Tensor.of(new float[0])},
            "cycled-b",
            "at least one",
            "(0)"));
  }

  private static Loss loss(Map<String, ?> p) {
    return Catalog.builtin().get("cycle-consistency").create(p);
  }

  @Test
  void isLambdaTimesTheSumOfTwoMaes() {
    SplittableRandom r = new SplittableRandom(8);
    Tensor ra = Samples.normal(r, 1, 2, 3, 4, 4);
    Tensor ca = Samples.normal(r, 1, 2, 3, 4, 4);
    Tensor rb = Samples.normal(r, 1, 3, 3, 4, 4);
    Tensor cb = Samples.normal(r, 1, 3, 3, 4, 4);
    Loss mae = Catalog.builtin().get("mae").create();
    LossResult a = mae.evaluate(ca, ra);
    LossResult b = mae.evaluate(cb, rb);
    LossResult res = loss(Map.of("lambda", 10)).evaluate(ca, ra, cb, rb);
    assertEquals(10 * (a.value() + b.value()), res.value(), 1e-6 * Math.abs(res.value()));
    float[] ga = a.grad(0).data().clone();
    float[] gb = b.grad(0).data().clone();
    for (int i = 0; i < ga.length; i++) {
      ga[i] *= 10;
    }
    for (int i = 0; i < gb.length; i++) {
      gb[i] *= 10;
    }
    assertArrayEquals(ga, res.grad("cycled-a").data(), 1e-7f);
    assertArrayEquals(gb, res.grad("cycled-b").data(), 1e-7f);
    assertNull(res.grad("real-a"));
    assertNull(res.grad("real-b"));
  }

  @Test
  void perfectCyclesGiveZeroAndTheSubgradientZero() {
    Tensor a = Tensor.of(new float[] {1, -2, 3});
    Tensor b = Tensor.of(new float[] {4, 5});
    LossResult res = loss(Map.of()).evaluate(a, a.copy(), b, Tensor.of(new float[] {4, 7}));
    assertEquals(1, res.value(), 1e-12);
    assertArrayEquals(new float[3], res.grad(0).data(), 0f);
    assertArrayEquals(new float[] {0, -0.5f}, res.grad(2).data(), 0f);
  }
}

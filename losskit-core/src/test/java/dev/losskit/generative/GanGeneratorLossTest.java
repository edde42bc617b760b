package dev.losskit.generative;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

class GanGeneratorLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "gan-generator";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("kind", "minimax"),
        Map.of("kind", "least-squares"),
        Map.of("kind", "wasserstein"),
        Map.of("kind", "hinge"));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[] f = in.get(0);
    double[] l = new double[f.length];
    for (int i = 0; i < l.length; i++) {
      double x = f[i];
      switch (p.text("kind")) {
        case "non-saturating":
          l[i] = Math.log(1 + Math.exp(-x));
          break;
        case "minimax":
          l[i] = -Math.log(1 + Math.exp(x));
          break;
        case "least-squares":
          l[i] = (x - 1) * (x - 1) / 2;
          break;
        default:
          l[i] = -x;
      }
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {Tensor.scalar(0.4f)}, new Tensor[] {Samples.normal(r, 3, 2, 1, 3, 3)});
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {Tensor.of(new float[] {1000, -1000, 0, 1e30f, -1e30f})},
        new Tensor[] {Tensor.of(new float[] {3e38f, -3e38f})});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "infinite logit",
            new Tensor[] {Tensor.of(new float[] {0, Float.NEGATIVE_INFINITY})},
            "fake",
            "finite",
            "-Infinity"),
        new BadInput(
            "unknown kind",
            Map.of("kind", "relativistic"),
            new Tensor[] {Tensor.of(new float[] {0})},
            "kind",
            "non-saturating, minimax, least-squares, wasserstein, hinge"));
  }

  private static Loss loss(String kind) {
    return Catalog.builtin().get("gan-generator").create(Map.of("kind", kind));
  }

  @Test
  void nonSaturatingIsBceWithLogitsOnOnes() {
    SplittableRandom r = new SplittableRandom(3);
    Tensor fake = Samples.normal(r, 3, 3, 4);
    float[] ones = new float[12];
    java.util.Arrays.fill(ones, 1);
    LossResult bce =
        Catalog.builtin().get("bce-with-logits").create().evaluate(fake, Tensor.of(ones, 3, 4));
    LossResult res = loss("non-saturating").evaluate(fake);
    assertEquals(bce.value(), res.value(), 1e-6);
    assertArrayEquals(bce.grad(0).data(), res.grad(0).data(), 1e-7f);
  }

  @Test
  void minimaxIsMinusTheDiscriminatorsFakeTerm() {
    // With real logits of 1000 the discriminator's real term is 0 (softplus(-1000) underflows).
    SplittableRandom r = new SplittableRandom(4);
    Tensor fake = Samples.normal(r, 2, 9);
    double discriminator =
        Catalog.builtin()
            .get("gan-discriminator")
            .create()
            .value(Tensor.of(new float[] {1000}), fake);
    assertEquals(-discriminator, loss("minimax").value(fake), 1e-12);
  }

  @Test
  void nonSaturatingKeepsItsGradientWhereMinimaxSaturates() {
    // A discriminator that rejects the fake with confidence: logit -30.
    Tensor fake = Tensor.of(new float[] {-30});
    float ns = loss("non-saturating").evaluate(fake).grad(0).data()[0];
    float mm = loss("minimax").evaluate(fake).grad(0).data()[0];
    assertEquals(-1, ns, 1e-12f);
    assertTrue(Math.abs(mm) < 1e-12, "minimax gradient " + mm);
    assertEquals(-Math.exp(-30), mm, 1e-20);
  }

  @Test
  void wassersteinAndHingeAreMinusTheMeanLogit() {
    Tensor fake = Tensor.of(new float[] {1, -2, 4, 5});
    for (String kind : List.of("wasserstein", "hinge")) {
      LossResult res = loss(kind).evaluate(Reduction.MEAN, fake);
      assertEquals(-2, res.value(), 0, kind);
      assertArrayEquals(new float[] {-0.25f, -0.25f, -0.25f, -0.25f}, res.grad(0).data(), 0f);
    }
  }

  @Test
  void leastSquaresIsZeroAtLogitOne() {
    LossResult res = loss("least-squares").evaluate(Reduction.SUM, Tensor.of(new float[] {1, 3}));
    assertEquals(2, res.value(), 0);
    assertArrayEquals(new float[] {0, 2}, res.grad(0).data(), 0f);
  }

  @Test
  void extremeLogitsGiveExactValues() {
    Tensor fake = Tensor.of(new float[] {1000, -1000});
    LossResult ns = loss("non-saturating").evaluate(Reduction.NONE, fake);
    assertArrayEquals(new float[] {0, 1000}, ns.values().data(), 0f);
    assertArrayEquals(new float[] {0, -1}, ns.grad(0).data(), 0f);
    LossResult mm = loss("minimax").evaluate(Reduction.NONE, fake);
    assertArrayEquals(new float[] {-1000, 0}, mm.values().data(), 0f);
    assertArrayEquals(new float[] {-1, 0}, mm.grad(0).data(), 0f);
  }
}

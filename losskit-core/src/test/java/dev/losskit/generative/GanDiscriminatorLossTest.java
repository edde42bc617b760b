package dev.losskit.generative;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

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

class GanDiscriminatorLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "gan-discriminator";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("kind", "least-squares"), Map.of("kind", "wasserstein"), Map.of("kind", "hinge"));
  }

  private static double softplus(double x) {
    return Math.log(1 + Math.exp(x));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[] r = in.get(0);
    double[] f = in.get(1);
    double lr = 0;
    double lf = 0;
    for (double x : r) {
      switch (p.text("kind")) {
        case "minimax":
          lr += softplus(-x);
          break;
        case "least-squares":
          lr += (x - 1) * (x - 1) / 2;
          break;
        case "wasserstein":
          lr -= x;
          break;
        default:
          lr += Math.max(0, 1 - x);
      }
    }
    for (double x : f) {
      switch (p.text("kind")) {
        case "minimax":
          lf += softplus(x);
          break;
        case "least-squares":
          lf += x * x / 2;
          break;
        case "wasserstein":
          lf += x;
          break;
        default:
          lf += Math.max(0, 1 + x);
      }
    }
    return new Oracle(new double[] {lr / r.length + lf / f.length}, 1);
  }

  /** Batches of other layouts: 1-D against PatchGAN maps, 0-d scalars, a single element. */
  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {0.3f, -2.5f, 2.2f, 0.5f}),
          Tensor.of(new float[] {-0.5f, 1.7f, -1.6f, 0.2f, 0.4f, -3, 2.5f, 0.7f, -0.3f}, 1, 1, 3, 3)
        },
        new Tensor[] {Tensor.scalar(0.7f), Tensor.scalar(-0.2f)},
        new Tensor[] {Tensor.of(new float[] {1.5f}), Tensor.of(new float[] {-2.5f, 0.5f}, 2, 1)});
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {1000, -1000, 0}), Tensor.of(new float[] {-1000, 1000})
        },
        new Tensor[] {Tensor.of(new float[] {1e30f, -1e30f}), Tensor.of(new float[] {-1e30f})},
        new Tensor[] {Tensor.of(new float[] {1, 1}), Tensor.of(new float[] {-1, -1})});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor ok = Tensor.of(new float[] {0.5f, -0.5f});
    return List.of(
        new BadInput(
            "no real logits",
            new Tensor[] {Tensor.of(new float[0], 0, 1), ok},
            "real",
            "at least one",
            "(0, 1)"),
        new BadInput("no fake logits", new Tensor[] {ok, Tensor.of(new float[0])}, "fake", "(0)"),
        new BadInput(
            "infinite fake logit",
            new Tensor[] {ok, Tensor.of(new float[] {0, Float.POSITIVE_INFINITY})},
            "fake",
            "finite",
            "Infinity"),
        new BadInput(
            "unknown kind",
            Map.of("kind", "relativistic"),
            new Tensor[] {ok, ok},
            "kind",
            "relativistic",
            "minimax, least-squares, wasserstein, hinge"));
  }

  private static Loss loss(String kind) {
    return Catalog.builtin().get("gan-discriminator").create(Map.of("kind", kind));
  }

  @Test
  void cganIsAnAlias() {
    assertSame(Catalog.builtin().get("gan-discriminator"), Catalog.builtin().get("cgan"));
  }

  @Test
  void minimaxIsBceWithLogitsOnOnesAndZeros() {
    SplittableRandom r = new SplittableRandom(1);
    Tensor real = Samples.normal(r, 3, 7, 1);
    Tensor fake = Samples.normal(r, 3, 5, 1);
    Loss bce = Catalog.builtin().get("bce-with-logits").create();
    double expected =
        bce.value(real, Tensor.of(new float[] {1, 1, 1, 1, 1, 1, 1}, 7, 1))
            + bce.value(fake, Tensor.of(new float[5], 5, 1));
    LossResult res = loss("minimax").evaluate(real, fake);
    assertEquals(expected, res.value(), 1e-6);
    LossResult realTerm = bce.evaluate(real, Tensor.of(new float[] {1, 1, 1, 1, 1, 1, 1}, 7, 1));
    LossResult fakeTerm = bce.evaluate(fake, Tensor.of(new float[5], 5, 1));
    assertArrayEquals(realTerm.grad(0).data(), res.grad(0).data(), 1e-7f);
    assertArrayEquals(fakeTerm.grad(0).data(), res.grad(1).data(), 1e-7f);
  }

  @Test
  void leastSquaresIsHalfTheSumOfTwoMses() {
    SplittableRandom r = new SplittableRandom(2);
    Tensor real = Samples.normal(r, 2, 6);
    Tensor fake = Samples.normal(r, 2, 4);
    Loss mse = Catalog.builtin().get("mse").create();
    double expected =
        0.5
            * (mse.value(real, Tensor.of(new float[] {1, 1, 1, 1, 1, 1}))
                + mse.value(fake, Tensor.of(new float[4])));
    assertEquals(expected, loss("least-squares").value(real, fake), 1e-6);
  }

  @Test
  void wassersteinIsTheDifferenceOfMeansWithConstantGradients() {
    Tensor real = Tensor.of(new float[] {1, 2, 3, 6});
    Tensor fake = Tensor.of(new float[] {-1, 4});
    LossResult res = loss("wasserstein").evaluate(real, fake);
    assertEquals(1.5 - 3, res.value(), 1e-12);
    assertArrayEquals(new float[] {-0.25f, -0.25f, -0.25f, -0.25f}, res.grad(0).data(), 0f);
    assertArrayEquals(new float[] {0.5f, 0.5f}, res.grad(1).data(), 0f);
  }

  @Test
  void hingeIgnoresConfidentLogitsAndUsesTheSubgradientZeroAtItsKinks() {
    // real 3 and fake -2 are beyond the margin; real 1 and fake -1 sit on the kinks.
    Tensor real = Tensor.of(new float[] {3, 1, 0.5f});
    Tensor fake = Tensor.of(new float[] {-2, -1, 0});
    LossResult res = loss("hinge").evaluate(real, fake);
    assertEquals(0.5 / 3 + 1.0 / 3, res.value(), 1e-12);
    assertArrayEquals(new float[] {0, 0, -1f / 3}, res.grad(0).data(), 1e-7f);
    assertArrayEquals(new float[] {0, 0, 1f / 3}, res.grad(1).data(), 1e-7f);
  }

  @Test
  void minimaxAtLogitsOfPlusMinus1000IsExact() {
    // A perfect discriminator: loss 0, gradients 0; a perfectly fooled one: 1000 + 1000.
    LossResult right =
        loss("minimax").evaluate(Tensor.of(new float[] {1000}), Tensor.of(new float[] {-1000}));
    assertEquals(0, right.value(), 1e-300);
    assertEquals(0, right.grad(0).data()[0], 0f);
    LossResult wrong =
        loss("minimax").evaluate(Tensor.of(new float[] {-1000}), Tensor.of(new float[] {1000}));
    assertEquals(2000, wrong.value(), 0);
    assertEquals(-1, wrong.grad(0).data()[0], 0f);
    assertEquals(1, wrong.grad(1).data()[0], 0f);
  }

  @Test
  void eachGradientIsScaledByItsOwnBatchSizeAndTheValueIsAScalar() {
    Loss l = loss("least-squares");
    Tensor real = Tensor.of(new float[] {3, 3, 3, 3});
    Tensor fake = Tensor.of(new float[] {2});
    LossResult res = l.evaluate(Reduction.MEAN, real, fake);
    assertEquals((4.0 + 4.0) / 2, res.value(), 1e-12);
    assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, res.grad(0).data(), 0f);
    assertArrayEquals(new float[] {2}, res.grad(1).data(), 0f);
    assertEquals(0, l.check(new Tensor[] {real, fake}).length);
  }
}

package dev.losskit.timeseries;

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

class CrpsEnsembleLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "crps-ensemble";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("fair", true));
  }

  /** The pairwise (energy) form, O(M^2) per row. */
  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[] x = in.get(0);
    double[] y = in.get(1);
    int[] shape = in.shape(0);
    int m = shape[shape.length - 1];
    double[] l = new double[y.length];
    for (int n = 0; n < l.length; n++) {
      double skill = 0;
      double spread = 0;
      for (int i = 0; i < m; i++) {
        skill += Math.abs(x[n * m + i] - y[n]);
        for (int j = 0; j < m; j++) {
          spread += Math.abs(x[n * m + i] - x[n * m + j]);
        }
      }
      double pairs = p.bool("fair") ? (double) m * (m - 1) : (double) m * m;
      l[n] = skill / m - spread / (2 * pairs);
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    Tensor wide = Samples.normal(r, 3, 3, 300);
    Tensor wideTarget = Samples.normal(r, 1, 3);
    Tensor unbatched = Samples.normal(r, 1, 5);
    Tensor single = Samples.normal(r, 1, 4, 1);
    return p.bool("fair")
        ? List.<Tensor[]>of(
            new Tensor[] {wide, wideTarget},
            new Tensor[] {unbatched, Tensor.scalar(0.3f)},
            new Tensor[] {Tensor.of(new float[] {-1, 2}, 1, 2), Tensor.of(new float[] {4})})
        : List.<Tensor[]>of(
            new Tensor[] {wide, wideTarget},
            new Tensor[] {unbatched, Tensor.scalar(0.3f)},
            new Tensor[] {single, Samples.normal(r, 1, 4)});
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {1e30f, -1e30f, 0, 2, 2, 2, 5, 5, 7}, 3, 3),
          Tensor.of(new float[] {0, 2, 5})
        },
        new Tensor[] {Tensor.of(new float[0], 0, 4), Tensor.of(new float[0], 0)});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "a target per member",
            new Tensor[] {Tensor.of(new float[6], 2, 3), Tensor.of(new float[6], 2, 3)},
            "target",
            "(2)",
            "(2, 3)"),
        new BadInput(
            "a target for another number of rows",
            new Tensor[] {Tensor.of(new float[6], 2, 3), Tensor.of(new float[3], 3)},
            "target",
            "(2)",
            "(3)"),
        new BadInput(
            "a rank-3 ensemble",
            new Tensor[] {Tensor.of(new float[8], 2, 2, 2), Tensor.of(new float[2], 2)},
            "pred",
            "(N, M)",
            "(2, 2, 2)"),
        new BadInput(
            "no members",
            new Tensor[] {Tensor.of(new float[0], 2, 0), Tensor.of(new float[2], 2)},
            "pred",
            "at least 1"),
        new BadInput(
            "one member in the fair form",
            Map.of("fair", true),
            new Tensor[] {Tensor.of(new float[2], 2, 1), Tensor.of(new float[2], 2)},
            "pred",
            "at least 2",
            "fair"));
  }

  private static Loss crps(boolean fair) {
    return Catalog.builtin().get("crps-ensemble").create(Map.of("fair", fair));
  }

  @Test
  void oneMemberIsTheAbsoluteError() {
    LossResult res =
        crps(false)
            .evaluate(
                Reduction.NONE,
                Tensor.of(new float[] {1, -2, 5}, 3, 1),
                Tensor.of(new float[] {3, -2, 4}));
    assertArrayEquals(new float[] {2, 0, 1}, res.values().data(), 0f);
    assertArrayEquals(new float[] {-1, 0, 1}, res.grad(0).data(), 0f);
  }

  /**
   * Tied members share the subgradient of their group (sign(0) = 0 for each pair among them), and a
   * member equal to the target has no first term: the gradient PyTorch's autograd gives for the
   * pairwise form.
   */
  @Test
  void tiesTakeTheZeroSubgradientOfTheAbsoluteValue() {
    // Row: members 1, 3, 3, 3, 6 (permuted), target 3.
    float[] x = {3, 6, 3, 1, 3};
    LossResult res =
        crps(false).evaluate(Reduction.SUM, Tensor.of(x, 1, 5), Tensor.of(new float[] {3}));
    double c = 1.0 / 25;
    float[] expected = {
      (float) (0 - c * (1 - 1)), // 3: one below, one above
      (float) (0.2 - c * (4 - 0)), // 6
      (float) (0 - c * (1 - 1)),
      (float) (-0.2 - c * (0 - 4)), // 1
      (float) (0 - c * (1 - 1))
    };
    assertArrayEquals(expected, res.grad(0).data(), 1e-7f);
    // Value: mean |x - y| = (0 + 3 + 0 + 2 + 0) / 5, pairwise sum over ordered pairs = 2 * 20.
    assertEquals(1.0 - 40 / 50.0, res.value(), 1e-7);
  }

  @Test
  void fairAndPlainDifferOnlyInThePairwiseDenominator() {
    SplittableRandom r = new SplittableRandom(4);
    Tensor x = Samples.normal(r, 1, 6, 9);
    Tensor y = Samples.normal(r, 1, 6);
    float[] plain = crps(false).evaluate(Reduction.NONE, x, y).values().data();
    float[] fair = crps(true).evaluate(Reduction.NONE, x, y).values().data();
    for (int n = 0; n < 6; n++) {
      double skill = 0;
      for (int i = 0; i < 9; i++) {
        skill += Math.abs(x.data()[n * 9 + i] - y.data()[n]);
      }
      skill /= 9;
      double spreadPlain = skill - plain[n];
      assertEquals(skill - spreadPlain * 9 / 8.0, fair[n], 1e-5);
      assertTrue(fair[n] >= -1e-6 && plain[n] >= -1e-6, "non-negative");
    }
  }

  @Test
  void membersAreUnordered() {
    float[] x = {0.3f, -1, 2.5f, 0.7f, -0.2f};
    float[] shuffled = {2.5f, 0.7f, 0.3f, -0.2f, -1};
    Tensor y = Tensor.of(new float[] {0.4f});
    LossResult a = crps(true).evaluate(Tensor.of(x, 1, 5), y);
    LossResult b = crps(true).evaluate(Tensor.of(shuffled, 1, 5), y);
    assertEquals(a.value(), b.value(), 1e-7);
    float[] ga = a.grad(0).data();
    float[] gb = b.grad(0).data();
    assertEquals(ga[0], gb[2], 0f);
    assertEquals(ga[1], gb[4], 0f);
    assertEquals(ga[2], gb[0], 0f);
  }

  @Test
  void aLargeEnsembleAgreesWithThePairwiseForm() {
    SplittableRandom r = new SplittableRandom(8);
    Tensor x = Samples.normal(r, 2, 2, 3001);
    Tensor y = Samples.normal(r, 1, 2);
    for (boolean fair : new boolean[] {false, true}) {
      Params p = spec().params(Map.of("fair", fair));
      double expected = oracle(new OracleInputs(new Tensor[] {x, y}), p).sum();
      assertEquals(expected, crps(fair).value(Reduction.SUM, x, y), 1e-9 * (1 + expected));
    }
  }
}

package dev.losskit.metric;

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

class BatchHardTripletLossTest extends LossContractTest {
  @Override
  protected int[] sizes() {
    return PAIRWISE_SIZES;
  }

  @Override
  protected String id() {
    return "batch-hard-triplet";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("margin", "1.0"), Map.of("margin", 0.0), Map.of("soft", "true"));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double margin = p.real("margin");
    double[] e = in.get(0);
    double[] y = in.get(1);
    int n = in.shape(0)[0];
    int dim = in.shape(0)[1];
    double[] l = new double[n];
    int valid = 0;
    for (int i = 0; i < n; i++) {
      double dp = Double.NEGATIVE_INFINITY;
      double dn = Double.POSITIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        double d = Naive.distance(e, i, e, j, dim, 2, 0);
        if (j != i && y[j] == y[i]) {
          dp = Math.max(dp, d);
        } else if (y[j] != y[i]) {
          dn = Math.min(dn, d);
        }
      }
      if (dp == Double.NEGATIVE_INFINITY || dn == Double.POSITIVE_INFINITY) {
        continue;
      }
      valid++;
      l[i] = p.bool("soft") ? Math.log1p(Math.exp(dp - dn)) : Math.max(0, margin + dp - dn);
    }
    return new Oracle(l, valid);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        // a single label
        new Tensor[] {Embeddings.sample(r, 5), Tensor.indices(new int[] {3, 3, 3, 3, 3})},
        // a batch of one
        new Tensor[] {Embeddings.sample(r, 1), Tensor.indices(new int[] {0})},
        // duplicated embeddings within and across labels
        new Tensor[] {
          Tensor.of(new float[] {1, 2, 1, 2, 1, 2, 0, 0}, 4, 2),
          Tensor.indices(new int[] {0, 0, 1, 1})
        },
        // zero-norm embeddings, and magnitudes of 1e30 and 1e-30
        new Tensor[] {Tensor.of(new float[6], 3, 2), Tensor.indices(new int[] {0, 1, 0})},
        new Tensor[] {
          Tensor.of(new float[] {1e30f, -1e30f, -1e30f, 1e30f, 1e-30f, 0, 0, 3e38f}, 4, 2),
          Tensor.indices(new int[] {-7, 5, -7, 5})
        });
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor e = Tensor.of(new float[6], 3, 2);
    return List.of(
        new BadInput(
            "one label too few",
            new Tensor[] {e, Tensor.indices(new int[] {0, 1})},
            "label",
            "(3)",
            "(2)"),
        new BadInput(
            "floating labels",
            new Tensor[] {e, Tensor.of(new float[] {0, 1, 1})},
            "label",
            "integer"),
        new BadInput(
            "embeddings of rank 3",
            new Tensor[] {Tensor.of(new float[6], 3, 2, 1), Tensor.indices(new int[] {0, 1, 1})},
            "embeddings",
            "(N, D)",
            "(3, 2, 1)"));
  }

  private static final Loss LOSS = Catalog.builtin().create("batch-hard-triplet");

  @Test
  void aSingleLabelGivesZeroWithZeroGradient() {
    Tensor e = Embeddings.sample(new SplittableRandom(1), 6);
    Tensor y = Tensor.indices(new int[] {2, 2, 2, 2, 2, 2});
    for (Reduction r : new Reduction[] {Reduction.MEAN, Reduction.SUM, Reduction.NONE}) {
      LossResult res = LOSS.evaluate(r, e, y);
      assertEquals(0, res.value(), 0);
      for (float g : res.grad("embeddings").data()) {
        assertEquals(0, g, 0);
      }
    }
  }

  @Test
  void anchorsWithoutAPositiveAreLeftOutOfTheMean() {
    // Points on a line: 0 and 1 share label 0, 2 is alone with label 1.
    Tensor e = Tensor.of(new float[] {0, 1, 1.5f}, 3, 1);
    Tensor y = Tensor.indices(new int[] {0, 0, 1});
    LossResult none = LOSS.evaluate(Reduction.NONE, e, y);
    // anchor 0: dp = 1, dn = 1.5 -> 0.3 + 1 - 1.5 < 0; anchor 1: dp = 1, dn = 0.5 -> 0.8
    assertEquals(0, none.values().data()[0], 0);
    assertEquals(0.8, none.values().data()[1], 1e-6);
    assertEquals(0, none.values().data()[2], 0);
    assertEquals(0.4, LOSS.value(Reduction.MEAN, e, y), 1e-6);
    // Only anchor 1 is active: it moves towards 0 and away from 2, which moves away from 1;
    // its hardest positive, point 0, moves towards it.
    float[] g = none.grad("embeddings").data();
    assertEquals(-1, g[0], 1e-6);
    assertEquals(1 + 1, g[1], 1e-6);
    assertEquals(-1, g[2], 1e-6);
  }

  @Test
  void theSoftMarginIsSoftplusAndIgnoresTheMargin() {
    Tensor e = Tensor.of(new float[] {0, 1, 1.5f}, 3, 1);
    Tensor y = Tensor.indices(new int[] {0, 0, 1});
    for (double margin : new double[] {0.0, 5.0}) {
      double v =
          Catalog.builtin()
              .create("batch-hard-triplet", Map.of("soft", true, "margin", margin))
              .value(Reduction.SUM, e, y);
      assertEquals(Math.log1p(Math.exp(1 - 1.5)) + Math.log1p(Math.exp(1 - 0.5)), v, 1e-6);
    }
  }

  @Test
  void theHardestPositiveAndNegativeAreChosen() {
    // anchor 0 at 0; positives at 1 and 3 (hardest 3); negatives at 2 and 4 (hardest 2)
    Tensor e = Tensor.of(new float[] {0, 1, 3, 2, 4}, 5, 1);
    Tensor y = Tensor.indices(new int[] {0, 0, 0, 1, 1});
    assertEquals(0.3 + 3 - 2, LOSS.evaluate(Reduction.NONE, e, y).values().data()[0], 1e-6);
  }
}

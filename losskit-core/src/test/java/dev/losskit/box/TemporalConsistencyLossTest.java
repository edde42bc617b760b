package dev.losskit.box;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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

class TemporalConsistencyLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "temporal-consistency";
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params params) {
    double beta = params.real("beta");
    double[] b = in.get(0);
    int[] shape = in.shape(0);
    int frames = shape[shape.length - 2];
    int tracks = b.length / (4 * frames);
    double[] l = new double[tracks * (frames - 1) * 4];
    int k = 0;
    for (int n = 0; n < tracks; n++) {
      for (int t = 1; t < frames; t++) {
        for (int c = 0; c < 4; c++) {
          double r = b[(n * frames + t) * 4 + c] - b[(n * frames + t - 1) * 4 + c];
          double a = Math.abs(r);
          l[k++] = a < beta ? r * r / (2 * beta) : a - beta / 2;
        }
      }
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("beta", "0.5"), Map.of("beta", 3.0), Map.of("beta", "0"));
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.of(
        new Tensor[] {Tensor.of(new float[] {0, 0, 1, 1, 1e30f, -1e30f, 3e30f, 1e30f}, 2, 4)},
        new Tensor[] {Tensor.of(new float[] {1, 2, 3, 4}, 1, 4)},
        new Tensor[] {Tensor.of(new float[] {5, 5, 6, 6, 5, 5, 6, 6, 5, 5, 6, 6}, 3, 4)},
        new Tensor[] {Tensor.of(new float[24], 3, 2, 4)});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "three coordinates", new Tensor[] {Tensor.of(new float[9], 3, 3)}, "pred", "(3, 3)"),
        new BadInput("rank 1", new Tensor[] {Tensor.of(new float[4], 4)}, "pred", "(T, 4)", "(4)"),
        new BadInput(
            "rank 4",
            new Tensor[] {Tensor.of(new float[8], 1, 1, 2, 4)},
            "pred",
            "(N, T, 4)",
            "(1, 1, 2, 4)"),
        new BadInput("no frames", new Tensor[] {Tensor.of(new float[0], 0, 4)}, "pred", "T >= 1"));
  }

  /** A track of (N, T, 4) gives the same values and gradients as its tracks one by one. */
  @Test
  void batchesEqualSeparateTracks() {
    Loss loss = spec().create();
    Tensor[] a = spec().sample(spec().defaults(), new SplittableRandom(51), 6);
    Tensor[] b = spec().sample(spec().defaults(), new SplittableRandom(52), 6);
    float[] both = new float[2 * a[0].size()];
    System.arraycopy(a[0].data(), 0, both, 0, a[0].size());
    System.arraycopy(b[0].data(), 0, both, a[0].size(), b[0].size());
    LossResult r = loss.evaluate(Reduction.NONE, Tensor.of(both, 2, 7, 4));
    assertArrayEquals(new int[] {2, 6, 4}, r.values().shape());
    LossResult ra = loss.evaluate(Reduction.NONE, a);
    LossResult rb = loss.evaluate(Reduction.NONE, b);
    assertArrayEquals(new int[] {6, 4}, ra.values().shape());
    for (int i = 0; i < 24; i++) {
      assertEquals(ra.values().data()[i], r.values().data()[i]);
      assertEquals(rb.values().data()[i], r.values().data()[24 + i]);
    }
    for (int i = 0; i < 28; i++) {
      assertEquals(ra.grad(0).data()[i], r.grad(0).data()[i]);
      assertEquals(rb.grad(0).data()[i], r.grad(0).data()[28 + i]);
    }
  }

  /** A still track costs nothing; a single frame has no differences, mean 0 and no gradient. */
  @Test
  void stillTracksAndSingleFrames() {
    Loss loss = spec().create();
    Tensor still = Tensor.of(new float[] {1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4}, 3, 4);
    LossResult r = loss.evaluate(Reduction.MEAN, still);
    assertEquals(0, r.value());
    assertArrayEquals(new float[12], r.grad(0).data());
    LossResult one = loss.evaluate(Reduction.MEAN, Tensor.of(new float[] {1, 2, 3, 4}, 1, 4));
    assertEquals(0, one.value());
    assertArrayEquals(new float[4], one.grad(0).data());
    assertArrayEquals(
        new int[] {0, 4},
        loss.evaluate(Reduction.NONE, Tensor.of(new float[] {1, 2, 3, 4}, 1, 4)).values().shape());
  }

  /** beta = 0 is the L1 change; a middle frame's gradient is sign(r_t) - sign(r_{t+1}). */
  @Test
  void betaZeroIsL1() {
    Tensor track = Tensor.of(new float[] {0, 0, 1, 1, 2, -1, 1, 3, 1, 1, 1, 3}, 3, 4);
    LossResult r = spec().create(Map.of("beta", 0)).evaluate(Reduction.SUM, track);
    // Differences: (2, -1, 0, 2) and (-1, 2, 0, 0).
    assertEquals(5 + 3, r.value(), 1e-12);
    assertArrayEquals(new float[] {-1, 1, 0, -1, 2, -2, 0, 1, -1, 1, 0, 0}, r.grad(0).data(), 0f);
  }
}

package dev.losskit.segmentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.losskit.LossResult;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.internal.Samples;
import dev.losskit.testing.LossContractTest;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BoundaryLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "boundary";
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    return oracle(SegOracle.Raw.of(in));
  }

  /** p * phi per element, phi from the distance map or by brute force from the target. */
  static Oracle oracle(SegOracle.Raw in) {
    double[] x = in.get(0);
    double[] phi = in.present(2) ? in.get(2) : phi(in);
    double[] v = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      v[i] = x[i] * phi[i];
    }
    return Oracle.of(v);
  }

  /** Kervadec et al.'s signed distance map of every (image, class), by brute force. */
  static double[] phi(SegOracle.Raw in) {
    int[] shape = in.shape(0);
    boolean indices = in.integral()[1];
    int from = indices || shape.length >= 4 ? 2 : 1;
    int[] dims = java.util.Arrays.copyOfRange(shape, from, shape.length);
    SegOracle o = SegOracle.of(in, false, Long.MIN_VALUE, false);
    double[] phi = new double[o.p.length];
    for (int n = 0; n < o.batch; n++) {
      for (int c = 0; c < o.classes; c++) {
        boolean[] mask = new boolean[o.spatial];
        int fg = 0;
        for (int s = 0; s < o.spatial; s++) {
          mask[s] = o.t[o.at(n, c, s)] == 1;
          fg += mask[s] ? 1 : 0;
        }
        if (fg == 0 || fg == o.spatial) {
          continue;
        }
        for (int s = 0; s < o.spatial; s++) {
          // distance to the nearest pixel of the other kind
          double best = Double.POSITIVE_INFINITY;
          for (int u = 0; u < o.spatial; u++) {
            if (mask[u] != mask[s]) {
              best = Math.min(best, distance(dims, s, u));
            }
          }
          phi[o.at(n, c, s)] = mask[s] ? 1 - best : best;
        }
      }
    }
    return phi;
  }

  static double distance(int[] dims, int a, int b) {
    double d2 = 0;
    for (int k = dims.length - 1; k >= 0; k--) {
      int da = a % dims[k] - b % dims[k];
      d2 += (double) da * da;
      a /= dims[k];
      b /= dims[k];
    }
    return Math.sqrt(d2);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    List<Tensor[]> out = new ArrayList<>();
    float[] one = new float[20];
    one[7] = 1;
    out.add(
        new Tensor[] {
          Tensor.shaped(RegionLossContract.filled(20, 1), new int[] {1, 4, 5}),
          Tensor.shaped(one, new int[] {1, 4, 5}),
          null
        });
    out.add(
        new Tensor[] {
          RegionLossContract.extremes(r, false, 2, 1, 3, 4),
          Tensor.shaped(new float[24], new int[] {2, 1, 3, 4}),
          null
        });
    out.add(
        new Tensor[] {
          RegionLossContract.extremes(r, false, 2, 3, 4),
          Tensor.shaped(RegionLossContract.filled(24, 1), new int[] {2, 3, 4}),
          null
        });
    out.add(
        new Tensor[] {
          Samples.probabilities(r, 2, 3, 4),
          Samples.binary(r, 2, 3, 4),
          Samples.normal(r, 1e30, 2, 3, 4)
        });
    out.add(new Tensor[] {Samples.probabilities(r, 1, 40, 30), Samples.binary(r, 1, 40, 30), null});
    return out;
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor p = Samples.probabilities(r, 2, 3, 4);
    return List.of(
        new BadInput(
            "mask of another shape",
            new Tensor[] {p, Samples.binary(r, 2, 4, 3)},
            "target",
            "(2, 3, 4)"),
        new BadInput(
            "soft mask without a distance map",
            new Tensor[] {p, Samples.uniform(r, 0.1, 0.9, 2, 3, 4)},
            "target",
            "0 or 1",
            "distance-map"),
        new BadInput(
            "distance map of another shape",
            new Tensor[] {p, Samples.binary(r, 2, 3, 4), Samples.normal(r, 1, 2, 4, 3)},
            "distance-map",
            "(2, 3, 4)"),
        new BadInput(
            "class index out of range",
            new Tensor[] {Samples.simplex(r, 1, 2, 3), Tensor.indices(new int[] {0, 2, 1}, 1, 3)},
            "target",
            "[0, 2)"));
  }

  @Test
  void exactDistancesAgreeWithBruteForce() {
    SplittableRandom r = new SplittableRandom(61);
    int[][] shapes = {{1}, {7}, {1, 9}, {6, 5}, {13, 11}, {4, 3, 5}, {2, 3, 2, 3}};
    for (int[] dims : shapes) {
      for (int trial = 0; trial < 5; trial++) {
        int size = dev.losskit.Shapes.size(dims);
        double[] f = new double[size];
        boolean any = false;
        for (int s = 0; s < size; s++) {
          boolean site = r.nextInt(trial + 2) == 0;
          f[s] = site ? 0 : Double.POSITIVE_INFINITY;
          any |= site;
        }
        double[] expected = new double[size];
        for (int s = 0; s < size; s++) {
          double best = Double.POSITIVE_INFINITY;
          for (int u = 0; u < size; u++) {
            if (f[u] == 0) {
              double d = distance(dims, s, u);
              best = Math.min(best, d * d);
            }
          }
          expected[s] = best;
        }
        int longest = 0;
        for (int d : dims) {
          longest = Math.max(longest, d);
        }
        BoundaryLoss.squaredDistances(
            f,
            dims,
            new double[longest],
            new double[longest],
            new int[longest],
            new double[longest + 1]);
        for (int s = 0; s < size; s++) {
          if (any) {
            assertEquals(expected[s], f[s], 1e-9, java.util.Arrays.toString(dims));
          } else {
            assertEquals(Double.POSITIVE_INFINITY, f[s]);
          }
        }
      }
    }
  }

  @Test
  void signedDistancesOfASmallMask() {
    // 1 x 5 mask 0 1 1 1 0 and a 3 x 3 mask with its centre set.
    Tensor p = Tensor.shaped(RegionLossContract.filled(5, 1), new int[] {1, 5});
    Tensor t = Tensor.shaped(new float[] {0, 1, 1, 1, 0}, new int[] {1, 5});
    float[] g = spec().create().evaluate(Reduction.SUM, p, t).grad(0).data();
    assertArrayEquals(new float[] {1, 0, -1, 0, 1}, g);
    float[] c = new float[9];
    c[4] = 1;
    Tensor p9 = Tensor.shaped(RegionLossContract.filled(9, 1), new int[] {1, 3, 3});
    float[] g9 =
        spec()
            .create()
            .evaluate(Reduction.SUM, p9, Tensor.shaped(c, new int[] {1, 3, 3}))
            .grad(0)
            .data();
    float r2 = (float) Math.sqrt(2);
    assertArrayEquals(new float[] {r2, 1, r2, 1, 0, 1, r2, 1, r2}, g9, 1e-6f);
  }

  @Test
  void emptyAndFullMasksHaveAZeroMap() {
    Tensor p = Samples.probabilities(new SplittableRandom(62), 2, 3, 3);
    float[] t = new float[18];
    for (int i = 9; i < 18; i++) {
      t[i] = 1;
    }
    LossResult r =
        spec().create().evaluate(Reduction.MEAN, p, Tensor.shaped(t, new int[] {2, 3, 3}));
    assertEquals(0.0, r.value());
    assertArrayEquals(new float[18], r.grad(0).data());
  }

  @Test
  void aGivenDistanceMapEqualsTheComputedOne() {
    SplittableRandom r = new SplittableRandom(63);
    Tensor p = Samples.simplex(r, 2, 3, 4, 5);
    Tensor y = Samples.classes(r, 3, 2, 4, 5);
    double[] phi = phi(SegOracle.Raw.of(p, y));
    Tensor map = Tensor.of(phi, 2, 3, 4, 5);
    LossResult computed = spec().create().evaluate(Reduction.MEAN, p, y);
    LossResult given = spec().create().evaluate(Reduction.MEAN, p, y, map);
    assertEquals(given.value(), computed.value(), 1e-6);
    assertArrayEquals(given.grad(0).data(), computed.grad(0).data(), 1e-7f);
    // One-hot floating targets give the same maps as class indices.
    LossResult oneHot = spec().create().evaluate(Reduction.MEAN, p, Masks.oneHot(y, 3));
    assertEquals(computed.value(), oneHot.value(), 1e-12);
  }

  @Test
  void volumesUseEveryAxis() {
    SplittableRandom r = new SplittableRandom(64);
    Tensor p = Samples.probabilities(r, 2, 1, 3, 4, 5);
    Tensor t = Samples.binary(r, 2, 1, 3, 4, 5);
    Oracle o = oracle(SegOracle.Raw.of(p, t));
    assertEquals(o.sum() / o.values().length, spec().create().value(Reduction.MEAN, p, t), 1e-6);
  }
}

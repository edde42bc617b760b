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

class MahalanobisLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "mahalanobis";
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params params) {
    double[] x = in.get(0);
    double[] mu = in.get(1);
    double[] cov = in.get(2);
    int d = in.shape(0)[1];
    int n = in.shape(0)[0];
    boolean shared = in.shape(2).length == 2;
    double[] l = new double[n];
    for (int s = 0; s < n; s++) {
      double[][] inv =
          NaiveMatrices.inverse(NaiveMatrices.symmetric(cov, shared ? 0 : s * d * d, d));
      double q = 0;
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          q += (x[s * d + i] - mu[s * d + i]) * inv[i][j] * (x[s * d + j] - mu[s * d + j]);
        }
      }
      l[s] = params.bool("squared") ? q : Math.sqrt(q);
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("squared", "false"));
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.of(
        new Tensor[] {
          Tensor.of(new float[] {1e30f, -1e30f, 0, 0, 1e-30f, 0}, 3, 2),
          Tensor.of(new float[] {0, 0, 0, 0, 0, 0}, 3, 2),
          Tensor.of(
              new float[] {1, 0.999f, 0.999f, 1, 1e4f, 0, 0, 1e-4f, 2, 0.5f, 0.5f, 1}, 3, 2, 2)
        },
        new Tensor[] {
          Tensor.of(new float[] {3, 3}, 2, 1),
          Tensor.of(new float[] {3, -3}, 2, 1),
          Tensor.of(new float[] {1e-20f}, 1, 1)
        });
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor x = Tensor.of(new float[] {0, 0, 1, 1}, 2, 2);
    return List.of(
        new BadInput(
            "indefinite cov",
            new Tensor[] {x, x, Tensor.of(new float[] {1, 2, 2, 1}, 2, 2)},
            "cov",
            "positive definite",
            "matrix 0"),
        new BadInput(
            "singular cov",
            new Tensor[] {x, x, Tensor.of(new float[] {1, 0, 0, 1, 0, 0, 0, 0}, 2, 2, 2)},
            "cov",
            "positive definite",
            "matrix 1"),
        new BadInput(
            "asymmetric cov",
            new Tensor[] {x, x, Tensor.of(new float[] {2, 1, 0, 2}, 2, 2)},
            "cov",
            "symmetric"),
        new BadInput(
            "cov of another size",
            new Tensor[] {x, x, Tensor.of(new float[9], 3, 3)},
            "cov",
            "(2, 2)",
            "(3, 3)"),
        new BadInput(
            "cov for another number of samples",
            new Tensor[] {x, x, Tensor.of(new float[12], 3, 2, 2)},
            "cov",
            "(2, 2, 2)",
            "(3, 2, 2)"),
        new BadInput(
            "target of another shape",
            new Tensor[] {
              x, Tensor.of(new float[3], 1, 3), Tensor.of(new float[] {1, 0, 0, 1}, 2, 2)
            },
            "target",
            "(1, 3)"),
        new BadInput(
            "pred of rank 1",
            new Tensor[] {
              Tensor.of(new float[2], 2), Tensor.of(new float[2], 2), Tensor.of(new float[1], 1, 1)
            },
            "pred",
            "2 dimensions"));
  }

  /** With the identity covariance it is the squared Euclidean distance (or the distance). */
  @Test
  void identityCovarianceIsEuclidean() {
    Tensor x = Tensor.of(new float[] {3, 4, 1, 1}, 2, 2);
    Tensor mu = Tensor.of(new float[] {0, 0, 1, 1}, 2, 2);
    Tensor eye = Tensor.of(new float[] {1, 0, 0, 1}, 2, 2);
    LossResult sq = spec().create().evaluate(Reduction.NONE, x, mu, eye);
    assertArrayEquals(new float[] {25, 0}, sq.values().data(), 1e-6f);
    assertArrayEquals(new float[] {6, 8, 0, 0}, sq.grad(0).data(), 1e-6f);
    LossResult d = spec().create(Map.of("squared", false)).evaluate(Reduction.NONE, x, mu, eye);
    assertArrayEquals(new float[] {5, 0}, d.values().data(), 1e-6f);
    // Unit direction (0.6, 0.8); at x = mu the gradient is defined as 0.
    assertArrayEquals(new float[] {0.6f, 0.8f, 0, 0}, d.grad(0).data(), 1e-6f);
  }

  /**
   * One shared (d, d) covariance equals the same matrix repeated per sample; scaling S by c divides
   * l by c.
   */
  @Test
  void sharedCovarianceEqualsRepeated() {
    Tensor[] in = spec().sample(spec().defaults(), new SplittableRandom(71), 5);
    float[] s = in[2].data();
    float[] repeated = new float[5 * s.length];
    float[] scaled = new float[s.length];
    for (int i = 0; i < 5; i++) {
      System.arraycopy(s, 0, repeated, i * s.length, s.length);
    }
    for (int i = 0; i < s.length; i++) {
      scaled[i] = 4 * s[i];
    }
    int d = in[0].dim(1);
    Loss loss = spec().create();
    LossResult a = loss.evaluate(Reduction.NONE, in);
    LossResult b = loss.evaluate(Reduction.NONE, in[0], in[1], Tensor.of(repeated, 5, d, d));
    assertArrayEquals(a.values().data(), b.values().data(), 0f);
    assertArrayEquals(a.grad(0).data(), b.grad(0).data(), 0f);
    LossResult c = loss.evaluate(Reduction.NONE, in[0], in[1], Tensor.of(scaled, d, d));
    for (int i = 0; i < 5; i++) {
      assertEquals(a.values().data()[i] / 4, c.values().data()[i], 1e-5 * a.values().data()[i]);
    }
  }
}

package dev.losskit.generative;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.LossSpec;
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

class VaeLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "vae";
  }

  /**
   * kind = bce is checked by {@link #bceKindPassesTheSameValueAndGradientChecks} instead: the
   * contract's extreme-value check multiplies every real-valued differentiable input by 1000, which
   * takes bce's probabilities out of [0, 1].
   */
  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("beta", "4"), Map.of("beta", 0), Map.of("kind", "mse", "beta", 0.25));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[] x = in.get(0);
    double[] y = in.get(1);
    double[] mu = in.get(2);
    double[] lv = in.get(3);
    int n = in.shape(0)[0];
    int dx = x.length / n;
    int dz = mu.length / n;
    boolean bce = p.text("kind").equals("bce");
    double[] l = new double[n];
    for (int s = 0; s < n; s++) {
      double rec = 0;
      for (int j = s * dx; j < (s + 1) * dx; j++) {
        rec +=
            bce
                ? -(y[j] * Math.max(Math.log(x[j]), -100)
                    + (1 - y[j]) * Math.max(Math.log(1 - x[j]), -100))
                : (x[j] - y[j]) * (x[j] - y[j]);
      }
      double kl = 0;
      for (int k = s * dz; k < (s + 1) * dz; k++) {
        kl += -0.5 * (1 + lv[k] - mu[k] * mu[k] - Math.exp(lv[k]));
      }
      l[s] = rec + p.real("beta") * kl;
    }
    return Oracle.of(l);
  }

  /** One latent per sample, latent maps (N, C, H, W), and log-variances of +/-5. */
  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {
          Samples.normal(r, 1, 3, 4),
          Samples.normal(r, 1, 3, 4),
          Samples.normal(r, 1, 3),
          Samples.normal(r, 1, 3)
        },
        new Tensor[] {
          Samples.normal(r, 1, 2, 1, 3, 3),
          Samples.normal(r, 1, 2, 1, 3, 3),
          Samples.normal(r, 1, 2, 2, 2, 2),
          Samples.normal(r, 1, 2, 2, 2, 2)
        },
        new Tensor[] {
          Samples.normal(r, 1, 2, 2),
          Samples.normal(r, 1, 2, 2),
          Tensor.of(new float[] {0.5f, -0.5f, 1, 0}, 2, 2),
          Tensor.of(new float[] {5, -5, -5, 5}, 2, 2)
        });
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    Tensor x = Samples.normal(r, 1, 2, 3);
    return List.<Tensor[]>of(
        new Tensor[] {
          x,
          x,
          Tensor.of(new float[] {0, 1000, -1000, 0}, 2, 2),
          Tensor.of(new float[] {50, -50, 1000, -1000}, 2, 2)
        },
        new Tensor[] {
          Tensor.of(new float[] {1e30f, -1e30f}, 2, 1),
          Tensor.of(new float[] {-1e30f, 0}, 2, 1),
          Tensor.of(new float[] {1e30f, 0}, 2, 1),
          Tensor.of(new float[] {1e30f, -1e30f}, 2, 1)
        });
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor x = Tensor.of(new float[6], 2, 3);
    Tensor z = Tensor.of(new float[4], 2, 2);
    Tensor probs = Tensor.of(new float[] {0.5f, 0.5f, 1.5f, 0.5f, 0.5f, 0.5f}, 2, 3);
    return List.of(
        new BadInput(
            "input of another shape",
            new Tensor[] {x, Tensor.of(new float[6], 3, 2), z, z},
            "input",
            "(2, 3)",
            "(3, 2)"),
        new BadInput(
            "mu with another batch size",
            new Tensor[] {x, x, Tensor.of(new float[6], 3, 2), Tensor.of(new float[6], 3, 2)},
            "mu",
            "N = 2",
            "(3, 2)"),
        new BadInput(
            "logvar of another shape than mu",
            new Tensor[] {x, x, z, Tensor.of(new float[2], 2, 1)},
            "logvar",
            "(2, 2)",
            "(2, 1)"),
        new BadInput(
            "0-d reconstruction",
            new Tensor[] {Tensor.scalar(0), Tensor.scalar(0), z, z},
            "reconstruction",
            "(N, ...)"),
        new BadInput(
            "bce on a reconstruction above 1",
            Map.of("kind", "bce"),
            new Tensor[] {probs, x, z, z},
            "reconstruction",
            "[0, 1]",
            "1.5"),
        new BadInput(
            "bce on a negative input",
            Map.of("kind", "bce"),
            new Tensor[] {x, Tensor.of(new float[] {0, 0, 0, 0, 0, -0.5f}, 2, 3), z, z},
            "input",
            "[0, 1]",
            "-0.5"),
        new BadInput(
            "negative beta", Map.of("beta", "-1"), new Tensor[] {x, x, z, z}, "beta", "-1"));
  }

  private static Loss loss(Map<String, ?> p) {
    return Catalog.builtin().get("vae").create(p);
  }

  private static double reduce(Oracle o, Reduction r) {
    return r == Reduction.MEAN ? o.sum() / o.values().length : o.sum();
  }

  /**
   * The contract's value and gradient checks for kind = bce: values against the oracle for every
   * reduction and many sizes, unreduced values, and gradients of reconstruction, mu and logvar
   * against central differences of the oracle; then finite results at probabilities of exactly 0
   * and 1 and at log-variances of +/-50 and +/-1000.
   */
  @Test
  void bceKindPassesTheSameValueAndGradientChecks() {
    LossSpec spec = Catalog.builtin().get("vae");
    for (Map<String, ?> given : List.of(Map.of("kind", "bce"), Map.of("kind", "bce", "beta", 3))) {
      Params p = spec.params(given);
      Loss loss = spec.create(given);
      SplittableRandom random = new SplittableRandom(42);
      for (int n : new int[] {1, 2, 3, 7, 8, 16, 17, 33}) {
        Tensor[] in = spec.sample(p, random, n);
        Oracle o = oracle(new OracleInputs(in), p);
        for (Reduction r : List.of(Reduction.MEAN, Reduction.SUM)) {
          close(reduce(o, r), loss.value(r, in), 1e-5, 1e-6, given + " n=" + n + " " + r);
        }
        float[] values = loss.evaluate(Reduction.NONE, in).values().data();
        for (int i = 0; i < values.length; i++) {
          close(o.values()[i], values[i], 1e-5, 1e-6, given + " unreduced " + i);
        }
        if (n > 17) {
          continue;
        }
        for (Reduction r : List.of(Reduction.MEAN, Reduction.SUM)) {
          LossResult res = loss.evaluate(r, in);
          for (int k : new int[] {0, 2, 3}) {
            double[] numeric = numericGradient(p, in, k, r);
            double norm = 0;
            for (double v : numeric) {
              norm = Math.max(norm, Math.abs(v));
            }
            float[] analytic = res.grad(k).data();
            for (int i = 0; i < numeric.length; i++) {
              close(numeric[i], analytic[i], 1e-4, 1e-6 * (1 + norm), given + " d/d" + k + " " + i);
            }
          }
        }
      }
      Tensor edge = Tensor.of(new float[] {0, 1, 0, 1, 0.5f, 1}, 2, 3);
      Tensor target = Tensor.of(new float[] {1, 0, 0, 1, 0.5f, 0.25f}, 2, 3);
      Tensor mu = Tensor.of(new float[] {1000, -1000, 0, 1}, 2, 2);
      Tensor lv = Tensor.of(new float[] {50, -50, 1000, -1000}, 2, 2);
      for (Reduction r : List.of(Reduction.MEAN, Reduction.SUM, Reduction.NONE)) {
        LossResult res = loss.evaluate(r, edge, target, mu, lv);
        assertTrue(Double.isFinite(res.value()), given + " " + r);
        for (int k : new int[] {0, 2, 3}) {
          for (float g : res.grad(k).data()) {
            assertTrue(Float.isFinite(g), given + " " + r + " gradient " + g);
          }
        }
      }
    }
  }

  private double[] numericGradient(Params p, Tensor[] in, int k, Reduction r) {
    OracleInputs oi = new OracleInputs(in);
    double[] x = oi.get(k);
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double x0 = x[i];
      double h = 1e-6 * Math.max(1, Math.abs(x0));
      x[i] = x0 + h;
      double fp = reduce(oracle(oi, p), r);
      x[i] = x0 - h;
      double fm = reduce(oracle(oi, p), r);
      x[i] = x0;
      out[i] = (fp - fm) / (2 * h);
    }
    return out;
  }

  private static void close(double expected, double actual, double rtol, double atol, String what) {
    if (!(Math.abs(expected - actual) <= atol + rtol * Math.abs(expected))) {
      fail(what + ": expected " + expected + ", found " + actual);
    }
  }

  @Test
  void bceClampsLogsAtMinus100AndKeepsPyTorchsGradientAtZeroAndOne() {
    // Reconstruction 0 where the input is 1, and 1 where it is 0: 100 each; 0 and 1 where they
    // agree: 0. Gradients: (p - t) / max(p (1 - p), 1e-12).
    Tensor x = Tensor.of(new float[] {0, 1, 0, 1}, 1, 4);
    Tensor y = Tensor.of(new float[] {1, 0, 0, 1}, 1, 4);
    Tensor z = Tensor.of(new float[2], 1, 2);
    LossResult res = loss(Map.of("kind", "bce")).evaluate(Reduction.SUM, x, y, z, z);
    assertEquals(200, res.value(), 1e-9);
    assertArrayEquals(new float[] {-1e12f, 1e12f, 0, 0}, res.grad(0).data(), 1e5f);
  }

  @Test
  void klOfTheStandardNormalIsZeroAndMseIsTheSummedSquaredError() {
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
    Tensor y = Tensor.of(new float[] {0, 2, 3, 2}, 2, 2);
    Tensor z = Tensor.of(new float[6], 2, 3);
    LossResult res = loss(Map.of()).evaluate(Reduction.NONE, x, y, z, z);
    assertArrayEquals(new float[] {1, 4}, res.values().data(), 0f);
    assertArrayEquals(new float[6], res.grad(2).data(), 0f);
    assertArrayEquals(new float[6], res.grad(3).data(), 0f);
    assertEquals(2.5, loss(Map.of()).value(x, y, z, z), 1e-12);
  }

  @Test
  void klHasItsClosedFormAndGradients() {
    // mu = 1, logvar = log 2: KL = -(1 + log 2 - 1 - 2) / 2 = (2 - log 2) / 2 per latent.
    Tensor x = Tensor.of(new float[] {0}, 1, 1);
    Tensor mu = Tensor.of(new float[] {1}, 1, 1);
    Tensor lv = Tensor.of(new float[] {(float) Math.log(2)}, 1, 1);
    LossResult res = loss(Map.of("beta", 3)).evaluate(Reduction.MEAN, x, x, mu, lv);
    double v = lv.data()[0];
    assertEquals(3 * 0.5 * (Math.exp(v) - 1 - v + 1), res.value(), 1e-12);
    assertEquals(3, res.grad(2).data()[0], 1e-6f);
    assertEquals(3 * 0.5 * (Math.exp(v) - 1), res.grad(3).data()[0], 1e-6f);
  }

  @Test
  void logvarOfPlusMinus50IsExactAndBeyondFloatRangeStaysFinite() {
    Tensor x = Tensor.of(new float[] {0, 0}, 2, 1);
    Tensor mu = Tensor.of(new float[] {0, 0}, 2, 1);
    Tensor lv = Tensor.of(new float[] {50, -50}, 2, 1);
    LossResult res = loss(Map.of()).evaluate(Reduction.NONE, x, x, mu, lv);
    assertEquals(0.5 * (Math.exp(50) - 51), res.values().data()[0], 1e-6 * Math.exp(50));
    assertEquals(0.5 * 49, res.values().data()[1], 1e-5);
    assertEquals(0.5 * (Math.exp(50) - 1), res.grad(3).data()[0], 1e-6 * Math.exp(50));
    assertEquals(-0.5, res.grad(3).data()[1], 1e-9);
    // exp(1000) overflows double: the tangent continuation keeps value and gradient finite, the
    // gradient at exp(log(Float.MAX_VALUE)) / 2.
    LossResult far =
        loss(Map.of())
            .evaluate(Reduction.MEAN, x, x, mu, Tensor.of(new float[] {1000, -1000}, 2, 1));
    assertTrue(Double.isFinite(far.value()));
    assertEquals(0.25 * Float.MAX_VALUE, far.grad(3).data()[0], 1e-6 * Float.MAX_VALUE);
    assertEquals(-0.25, far.grad(3).data()[1], 1e-9);
  }

  @Test
  void betaZeroIsAPlainAutoencoder() {
    SplittableRandom r = new SplittableRandom(12);
    LossSpec spec = Catalog.builtin().get("vae");
    Tensor[] in = spec.sample(spec.defaults(), r, 6);
    LossResult res = loss(Map.of("beta", 0)).evaluate(Reduction.SUM, in);
    double rec =
        Catalog.builtin().get("reconstruction").create().value(Reduction.SUM, in[0], in[1]);
    assertEquals(rec, res.value(), 1e-9 * rec);
    assertArrayEquals(new float[in[2].size()], res.grad(2).data(), 0f);
    assertArrayEquals(new float[in[3].size()], res.grad(3).data(), 0f);
  }
}

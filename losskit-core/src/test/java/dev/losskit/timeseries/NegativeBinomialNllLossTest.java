package dev.losskit.timeseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NegativeBinomialNllLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "negative-binomial-nll";
  }

  /**
   * The catalogue's formula, with lgamma(y + 1/a) - lgamma(1/a) and lgamma(y + 1) as sums of logs
   * (the counts are whole numbers).
   */
  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[] mu = in.get(0);
    double[] y = in.get(1);
    double[] alpha = in.get(2);
    double[] l = new double[mu.length];
    for (int i = 0; i < l.length; i++) {
      double a = alpha[i];
      double r = 1 / a;
      long k = Math.round(y[i]);
      double rising = 0; // lgamma(k + r) - lgamma(r)
      double factorial = 0; // lgamma(k + 1)
      for (long j = 0; j < k; j++) {
        rising += Math.log(r + j);
        factorial += Math.log(j + 1);
      }
      double logP =
          rising
              - factorial
              + r * Math.log(1 / (1 + a * mu[i]))
              + k * Math.log(a * mu[i] / (1 + a * mu[i]));
      l[i] = -logP;
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        // (2, 3), integer counts including zeros and a large count.
        new Tensor[] {
          Tensor.of(new float[] {0.3f, 4, 12, 150, 2.5f, 0.05f}, 2, 3),
          Tensor.indices(new int[] {0, 7, 0, 180, 3, 1}, 2, 3),
          Tensor.of(new float[] {0.5f, 0.1f, 2, 0.02f, 5, 1}, 2, 3)
        },
        // Small and large dispersion, counts far from the mean.
        new Tensor[] {
          Tensor.of(new float[] {3, 3, 40, 1}),
          Tensor.of(new float[] {9, 0, 2, 25}),
          Tensor.of(new float[] {1e-3f, 8, 0.3f, 20})
        });
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {1e-30f, 1e-30f, 1e30f, 1e10f, 5, 5, 5, 1e-10f}),
          Tensor.of(new float[] {0, 0, 0, 1e7f, 0, 3, 1e7f, 2}),
          Tensor.of(new float[] {1, 1e30f, 1, 1e-30f, Float.MIN_VALUE, Float.MIN_VALUE, 1e30f, 1})
        },
        new Tensor[] {
          Tensor.of(new float[] {1e6f, 3e38f, 1e-20f}),
          Tensor.indices(new int[] {16_000_000, 0, 0}),
          Tensor.of(new float[] {1e-38f, 3e38f, 3e38f})
        });
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor three = Tensor.of(new float[] {1, 2, 3});
    return List.of(
        new BadInput(
            "a fractional count",
            new Tensor[] {three, Tensor.of(new float[] {1, 2.5f, 3}), three},
            "target",
            "whole",
            "2.5",
            "index 1"),
        new BadInput(
            "a negative count",
            new Tensor[] {three, Tensor.indices(new int[] {1, -2, 3}), three},
            "target",
            "non-negative",
            "-2.0"),
        new BadInput(
            "a zero mean",
            new Tensor[] {Tensor.of(new float[] {1, 0, 3}), three, three},
            "pred",
            "positive",
            "0.0"),
        new BadInput(
            "a negative dispersion",
            new Tensor[] {three, three, Tensor.of(new float[] {1, 1, -1})},
            "alpha",
            "positive"),
        new BadInput(
            "a dispersion of another shape",
            new Tensor[] {three, three, Tensor.of(new float[] {1, 1})},
            "alpha",
            "(3)",
            "(2)"),
        new BadInput(
            "counts of another shape",
            new Tensor[] {three, Tensor.of(new float[3], 3, 1), three},
            "target",
            "(3, 1)"));
  }

  private static Loss nb() {
    return Catalog.builtin().get("negative-binomial-nll").create();
  }

  @Test
  void aZeroCountCostsLog1pOfAlphaMuOverAlpha() {
    float[] mu = {1e-6f, 0.5f, 30, 1e4f};
    float[] a = {0.2f, 3, 1e-5f, 0.7f};
    LossResult res =
        nb().evaluate(Reduction.NONE, Tensor.of(mu), Tensor.of(new float[4]), Tensor.of(a));
    for (int i = 0; i < 4; i++) {
      double expected = Math.log1p((double) a[i] * mu[i]) / a[i];
      assertEquals(expected, res.values().data()[i], 1e-6 * expected);
      assertEquals(1 / (1 + (double) a[i] * mu[i]), res.grad(0).data()[i], 1e-6);
    }
  }

  /** alpha -> 0 is the Poisson NLL, with alpha gradient (y - (y - mu)^2) / 2. */
  @Test
  void vanishingDispersionGivesThePoissonLimit() {
    float[] mu = {0.7f, 4, 12, 3};
    float[] y = {0, 5, 9, 30};
    for (float a : new float[] {1e-12f, 1e-30f, Float.MIN_VALUE}) {
      float[] alpha = {a, a, a, a};
      LossResult res = nb().evaluate(Reduction.NONE, Tensor.of(mu), Tensor.of(y), Tensor.of(alpha));
      for (int i = 0; i < 4; i++) {
        double logFactorial = 0;
        for (int j = 2; j <= y[i]; j++) {
          logFactorial += Math.log(j);
        }
        double poisson = mu[i] - y[i] * Math.log(mu[i]) + logFactorial;
        assertEquals(poisson, res.values().data()[i], 1e-5 * (1 + poisson), "value at " + a);
        double slope = (y[i] - (y[i] - mu[i]) * (y[i] - mu[i])) / 2.0;
        assertEquals(slope, res.grad(2).data()[i], 1e-4 * (1 + Math.abs(slope)), "d/dalpha");
        assertEquals(1 - y[i] / mu[i], res.grad(0).data()[i], 1e-5, "d/dmu");
      }
    }
  }

  @Test
  void integerAndFloatingCountsAgree() {
    Tensor mu = Tensor.of(new float[] {2, 7, 0.4f});
    Tensor alpha = Tensor.of(new float[] {0.3f, 1.2f, 0.05f});
    LossResult ints = nb().evaluate(mu, Tensor.indices(new int[] {1, 12, 0}), alpha);
    LossResult floats = nb().evaluate(mu, Tensor.of(new float[] {1, 12, 0}), alpha);
    assertEquals(ints.value(), floats.value(), 0);
    assertArrayEquals(ints.grad(0).data(), floats.grad(0).data(), 0f);
    assertArrayEquals(ints.grad(2).data(), floats.grad(2).data(), 0f);
  }

  /** The probabilities of all counts sum to 1 (checked to a count far in the tail). */
  @Test
  void probabilitiesSumToOne() {
    int n = 400;
    float[] mu = new float[n];
    float[] alpha = new float[n];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      mu[i] = 6;
      alpha[i] = 0.4f;
      y[i] = i;
    }
    float[] l =
        nb().evaluate(Reduction.NONE, Tensor.of(mu), Tensor.of(y), Tensor.of(alpha))
            .values()
            .data();
    double total = 0;
    for (float v : l) {
      total += Math.exp(-v);
    }
    assertEquals(1, total, 1e-6);
  }
}

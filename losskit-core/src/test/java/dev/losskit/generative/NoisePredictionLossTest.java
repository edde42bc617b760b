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

class NoisePredictionLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "noise-prediction";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("weighting", "min-snr"),
        Map.of("weighting", "min-snr", "schedule", "cosine"),
        Map.of("schedule", "cosine"),
        Map.of(
            "weighting", "min-snr", "gamma", 1, "steps", 10, "beta-start", 1e-3, "beta-end", 0.2),
        Map.of("weighting", "min-snr", "steps", "1"),
        Map.of("weighting", "min-snr", "gamma", "1e6", "schedule", "cosine", "steps", 50));
  }

  /** abar_t from the schedule's definition: betas, then their running product. */
  static double[] alphaBars(Params p) {
    int steps = (int) p.integer("steps");
    double[] betas = new double[steps];
    for (int t = 0; t < steps; t++) {
      if (p.text("schedule").equals("linear")) {
        double b0 = p.real("beta-start");
        double b1 = p.real("beta-end");
        betas[t] = steps == 1 ? b0 : b0 + (b1 - b0) * t / (steps - 1);
      } else {
        betas[t] = Math.min(1 - cosineF((t + 1.0) / steps) / cosineF((double) t / steps), 0.999);
      }
    }
    double[] abar = new double[steps];
    double prod = 1;
    for (int t = 0; t < steps; t++) {
      prod *= 1 - betas[t];
      abar[t] = prod;
    }
    return abar;
  }

  static double cosineF(double u) {
    return Math.pow(Math.cos((u + 0.008) / 1.008 * Math.PI / 2), 2);
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[] x = in.get(0);
    double[] y = in.get(1);
    int n = in.shape(0)[0];
    int d = x.length / n;
    boolean minSnr = p.text("weighting").equals("min-snr");
    double[] abar = minSnr ? alphaBars(p) : null;
    double[] l = new double[n];
    for (int s = 0; s < n; s++) {
      double w = 1;
      if (minSnr) {
        double a = abar[(int) in.get(2)[s]];
        double snr = a / (1 - a);
        w = Math.min(snr, p.real("gamma")) / snr;
      }
      double ss = 0;
      for (int j = s * d; j < (s + 1) * d; j++) {
        ss += (x[j] - y[j]) * (x[j] - y[j]);
      }
      l[s] = w * ss / d;
    }
    return Oracle.of(l);
  }

  /**
   * Timesteps at the first and last step (also with weighting none, where they are checked and not
   * used), one value per sample, and (N, C, H, W) images.
   */
  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    int last = (int) p.integer("steps") - 1;
    return List.<Tensor[]>of(
        new Tensor[] {
          Samples.normal(r, 1, 3, 2, 2),
          Samples.normal(r, 1, 3, 2, 2),
          Tensor.indices(new int[] {0, last, last / 2})
        },
        new Tensor[] {
          Samples.normal(r, 1, 4),
          Samples.normal(r, 1, 4),
          Tensor.indices(new int[] {last, 0, 0, last})
        },
        new Tensor[] {
          Samples.normal(r, 1, 2, 3, 2, 2),
          Samples.normal(r, 1, 2, 3, 2, 2),
          Tensor.indices(new int[] {0, last})
        });
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    int last = (int) p.integer("steps") - 1;
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {1e30f, -1e30f, 0, 5}, 2, 2),
          Tensor.of(new float[] {-1e30f, 0, 0, 5}, 2, 2),
          Tensor.indices(new int[] {0, last})
        });
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor x = Tensor.of(new float[6], 2, 3);
    return List.of(
        new BadInput(
            "timestep equal to steps",
            new Tensor[] {x, x, Tensor.indices(new int[] {3, 1000})},
            "timesteps",
            "[0, 1000)",
            "1000 at index 1"),
        new BadInput(
            "negative timestep",
            Map.of("weighting", "min-snr", "steps", 50),
            new Tensor[] {x, x, Tensor.indices(new int[] {-1, 0})},
            "timesteps",
            "[0, 50)",
            "-1"),
        new BadInput(
            "floating timesteps",
            new Tensor[] {x, x, Tensor.of(new float[] {1, 2})},
            "timesteps",
            "integer"),
        new BadInput(
            "timesteps of another shape",
            new Tensor[] {x, x, Tensor.indices(new int[] {1, 2}, 2, 1)},
            "timesteps",
            "(2)",
            "(2, 1)"),
        new BadInput(
            "min-snr without timesteps",
            Map.of("weighting", "min-snr"),
            new Tensor[] {x, x},
            "timesteps",
            "min-snr"),
        new BadInput(
            "target of another shape",
            new Tensor[] {x, Tensor.of(new float[6], 6)},
            "target",
            "(2, 3)",
            "(6)"),
        new BadInput(
            "0-d prediction",
            new Tensor[] {Tensor.scalar(1), Tensor.scalar(1)},
            "pred",
            "(N, ...)"),
        new BadInput(
            "no steps", Map.of("steps", "0"), new Tensor[] {x, x}, "steps", "[1, 1000000]", "'0'"),
        new BadInput(
            "beta of 1", Map.of("beta-end", "1"), new Tensor[] {x, x}, "beta-end", "(0, 1)"),
        new BadInput(
            "unknown schedule",
            Map.of("schedule", "sigmoid"),
            new Tensor[] {x, x},
            "schedule",
            "linear, cosine"));
  }

  private static Loss loss(Map<String, ?> p) {
    return Catalog.builtin().get("noise-prediction").create(p);
  }

  @Test
  void diffusionIsAnAlias() {
    assertSame(Catalog.builtin().get("noise-prediction"), Catalog.builtin().get("diffusion"));
  }

  @Test
  void withoutWeightingTheMeanIsTheMseOverAllElements() {
    SplittableRandom r = new SplittableRandom(30);
    Tensor pred = Samples.normal(r, 1, 4, 3, 5, 5);
    Tensor eps = Samples.normal(r, 1, 4, 3, 5, 5);
    LossResult mse = Catalog.builtin().get("mse").create().evaluate(pred, eps);
    LossResult res = loss(Map.of()).evaluate(pred, eps);
    assertEquals(mse.value(), res.value(), 1e-6 * Math.abs(mse.value()));
    assertArrayEquals(mse.grad(0).data(), res.grad(0).data(), 1e-7f);
    Tensor t = Samples.classes(r, 1000, 4);
    assertEquals(res.value(), loss(Map.of()).value(pred, eps, t), 0);
  }

  @Test
  void minSnrWeightsTheFirstStepByGammaOverSnrAndLeavesNoisyStepsAlone() {
    // Linear schedule: abar_0 = 1 - 1e-4, SNR_0 = 9999; at t = 999, SNR is far below gamma = 5.
    Tensor pred = Tensor.of(new float[] {1, 1, 1}, 3, 1);
    Tensor eps = Tensor.of(new float[3], 3, 1);
    Tensor t = Tensor.indices(new int[] {0, 999, 500});
    LossResult res = loss(Map.of("weighting", "min-snr")).evaluate(Reduction.NONE, pred, eps, t);
    float[] v = res.values().data();
    assertEquals(5 / 9999.0, v[0], 1e-9);
    assertEquals(1, v[1], 0);
    DiffusionSchedule linear = DiffusionSchedule.linear(1000, 1e-4, 0.02);
    assertEquals(Math.min(linear.snr(500), 5) / linear.snr(500), v[2], 1e-7);
    assertArrayEquals(
        new float[] {(float) (2 * 5 / 9999.0), 2, 2 * v[2]}, res.grad(0).data(), 1e-7f);
  }

  @Test
  void cosineScheduleFirstAndLastStepsAreFinite() {
    Tensor pred = Tensor.of(new float[] {0.5f, -0.5f}, 2, 1);
    Tensor eps = Tensor.of(new float[] {0, 0}, 2, 1);
    LossResult res =
        loss(Map.of("weighting", "min-snr", "schedule", "cosine"))
            .evaluate(Reduction.NONE, pred, eps, Tensor.indices(new int[] {0, 999}));
    DiffusionSchedule cosine = DiffusionSchedule.cosine(1000);
    assertEquals(0.25 * 5 / cosine.snr(0), res.values().data()[0], 1e-7 * 0.25 * 5 / cosine.snr(0));
    assertEquals(0.25, res.values().data()[1], 0);
  }
}

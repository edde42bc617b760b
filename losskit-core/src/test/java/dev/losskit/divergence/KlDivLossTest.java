package dev.losskit.divergence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

class KlDivLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "kl-div";
  }

  /** t (log t - x), 0 where t = 0; exp(t) (t - x) for log targets. Mean over elements. */
  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[] x = in.get(0);
    double[] t = in.get(1);
    double[] l = new double[x.length];
    for (int i = 0; i < l.length; i++) {
      if (p.bool("log-target")) {
        l[i] = Math.exp(t[i]) * (t[i] - x[i]);
      } else {
        l[i] = t[i] == 0 ? 0 : t[i] * (Math.log(t[i]) - x[i]);
      }
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("log-target", true), Map.of("log-target", "false"));
  }

  /** Scalars, 1-d and 3-d layouts (batchmean divides by the first dimension), targets above 1. */
  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    boolean log = p.bool("log-target");
    float[] t3 = new float[24];
    float[] x3 = new float[24];
    for (int i = 0; i < 24; i++) {
      x3[i] = (float) Math.log(0.02 + 0.96 * r.nextDouble());
      double ti = 0.02 + 0.96 * r.nextDouble();
      t3[i] = (float) (log ? Math.log(ti) : ti);
    }
    float t0 = log ? -0.7f : 0.4f;
    float[] big = {2.5f, 7f, 0.3f};
    float[] logBig = {-20f, -0.001f, -3f};
    return List.<Tensor[]>of(
        new Tensor[] {Tensor.of(x3, 2, 3, 4), Tensor.of(t3, 2, 3, 4)},
        new Tensor[] {Tensor.scalar(-1.5f), Tensor.scalar(t0)},
        new Tensor[] {
          Tensor.of(new float[] {-0.1f, -4f, -30f}), Tensor.of(log ? logBig : big.clone())
        });
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    float[] x = {-1000f, 0f, -1000f, 0f, -3e38f, -1e-30f};
    float[] t =
        p.bool("log-target")
            ? new float[] {-1000f, 0f, 0f, -1000f, -3e38f, -50f}
            : new float[] {0f, 1f, 1f, 0f, 1f, 1e-30f};
    return List.<Tensor[]>of(new Tensor[] {Tensor.of(x, 3, 2), Tensor.of(t, 3, 2)});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor x = Tensor.of(new float[] {-1f, -2f, -3f, -4f}, 2, 2);
    Tensor t = Tensor.of(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, 2, 2);
    return List.of(
        new BadInput(
            "target of another shape",
            new Tensor[] {x, Tensor.of(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, 4)},
            "target",
            "(2, 2)",
            "(4)"),
        new BadInput(
            "probabilities instead of log-probabilities",
            new Tensor[] {Tensor.of(new float[] {0.5f, 0.5f}), Tensor.of(new float[] {0.5f, 0.5f})},
            "pred",
            "log-probabilities",
            "0.5"),
        new BadInput(
            "negative target probability",
            new Tensor[] {x, Tensor.of(new float[] {0.1f, -0.25f, 0.3f, 0.4f}, 2, 2)},
            "target",
            "non-negative",
            "-0.25",
            "index 1"),
        new BadInput(
            "probability target with log-target",
            Map.of("log-target", true),
            new Tensor[] {x, t},
            "target",
            "log-probabilities",
            "log-target",
            "0.1"),
        new BadInput(
            "infinite log-target",
            Map.of("log-target", true),
            new Tensor[] {x, Tensor.of(new float[] {Float.NEGATIVE_INFINITY, -1f, -1f, -1f}, 2, 2)},
            "target",
            "-Infinity"));
  }

  // ---------------------------------------------------------------- beyond the contract

  private static Loss kl(Map<String, ?> params) {
    return KlDivLoss.SPEC.create(params);
  }

  @Test
  void batchmeanIsTheKlDivergencePerSample() {
    // Two rows of distributions: batchmean gives the mean KL(t || q) over the rows.
    double[][] q = {{0.2, 0.3, 0.5}, {0.6, 0.3, 0.1}};
    double[][] t = {{0.1, 0.1, 0.8}, {0.25, 0.25, 0.5}};
    float[] x = new float[6];
    float[] tf = new float[6];
    double kl = 0;
    for (int n = 0; n < 2; n++) {
      for (int c = 0; c < 3; c++) {
        x[n * 3 + c] = (float) Math.log(q[n][c]);
        tf[n * 3 + c] = (float) t[n][c];
        kl += t[n][c] * Math.log(t[n][c] / q[n][c]);
      }
    }
    Tensor[] in = {Tensor.of(x, 2, 3), Tensor.of(tf, 2, 3)};
    assertEquals(kl / 2, kl(Map.of()).value(Reduction.BATCHMEAN, in), 1e-6);
    assertEquals(kl / 6, kl(Map.of()).value(Reduction.MEAN, in), 1e-6);
    assertEquals(kl, kl(Map.of()).value(Reduction.SUM, in), 1e-6);
  }

  @Test
  void zeroTargetsContributeNothingAndHaveAFiniteTargetGradient() {
    Tensor x = Tensor.of(new float[] {-2f, -0.5f});
    Tensor t = Tensor.of(new float[] {0f, 1f});
    LossResult r = kl(Map.of()).evaluate(Reduction.NONE, x, t);
    assertEquals(0f, r.values().data()[0], 0f);
    assertEquals(0.5f, r.values().data()[1], 1e-7f);
    assertEquals(-0f, r.grad(0).data()[0], 0f);
    assertEquals(-1f, r.grad(0).data()[1], 0f);
    // d/dt (t log t - t x) = log t + 1 - x, taken at t = Float.MIN_NORMAL where t = 0.
    assertEquals(Math.log(Float.MIN_NORMAL) + 1 + 2, r.grad(1).data()[0], 1e-5);
    assertTrue(r.grad(1).data()[0] < -80);
    assertEquals(0 + 1 + 0.5, r.grad(1).data()[1], 1e-6);
  }

  @Test
  void logTargetEqualsProbabilityTargetOfItsExponential() {
    SplittableRandom r = new SplittableRandom(4);
    Tensor[] in = KlDivLoss.SPEC.sample(KlDivLoss.SPEC.defaults(), r, 9);
    float[] logT = in[1].data().clone();
    for (int i = 0; i < logT.length; i++) {
      logT[i] = (float) Math.log(logT[i]);
    }
    Tensor lt = Tensor.of(logT, in[1].shape());
    float[] expT = new float[logT.length];
    for (int i = 0; i < logT.length; i++) {
      expT[i] = (float) Math.exp(logT[i]);
    }
    LossResult plain = kl(Map.of()).evaluate(Reduction.SUM, in[0], Tensor.of(expT, in[1].shape()));
    LossResult log = kl(Map.of("log-target", true)).evaluate(Reduction.SUM, in[0], lt);
    assertEquals(plain.value(), log.value(), 1e-5 * Math.abs(plain.value()));
    for (int i = 0; i < logT.length; i++) {
      assertEquals(plain.grad(0).data()[i], log.grad(0).data()[i], 1e-6f);
      // Chain rule: d/dlogt = exp(logt) d/dt.
      assertEquals(expT[i] * plain.grad(1).data()[i], log.grad(1).data()[i], 1e-5f);
    }
  }

  @Test
  void predEqualToLogTargetCostsNothing() {
    Tensor t = Tensor.of(new float[] {0.25f, 0.5f, 0.125f, 0.125f}, 1, 4);
    float[] x = new float[4];
    for (int i = 0; i < 4; i++) {
      x[i] = (float) Math.log(t.data()[i]);
    }
    assertEquals(0.0, kl(Map.of()).value(Reduction.SUM, Tensor.of(x, 1, 4), t), 1e-7);
    assertEquals(
        0.0,
        kl(Map.of("log-target", true)).value(Reduction.SUM, Tensor.of(x, 1, 4), Tensor.of(x, 1, 4)),
        1e-7);
  }
}

package dev.losskit.divergence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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

class DistillationLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "distillation";
  }

  /** log-softmax of x / T over the entries of one row. */
  private static double[] logSoftmax(double[] x, int[] row, double temperature) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i : row) {
      max = Math.max(max, x[i] / temperature);
    }
    double z = 0;
    for (int i : row) {
      z += Math.exp(x[i] / temperature - max);
    }
    double[] out = new double[row.length];
    for (int c = 0; c < row.length; c++) {
      out[c] = x[row[c]] / temperature - max - Math.log(z);
    }
    return out;
  }

  /** T^2 sum p (log p - log q) per sample, over the classes and every position; mean over N. */
  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double temperature = p.real("temperature");
    double[] s = in.get(0);
    double[] t = in.get(1);
    int[] shape = in.shape(0);
    int[][] rows = AxisIndex.rows(shape, 1);
    int perSample = rows.length / shape[0];
    double[] l = new double[shape[0]];
    for (int pos = 0; pos < rows.length; pos++) {
      double[] logQ = logSoftmax(s, rows[pos], temperature);
      double[] logP = logSoftmax(t, rows[pos], temperature);
      for (int c = 0; c < logQ.length; c++) {
        l[pos / perSample] += temperature * temperature * Math.exp(logP[c]) * (logP[c] - logQ[c]);
      }
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("temperature", 1.0),
        Map.of("temperature", "0.5"),
        Map.of("temperature", 10),
        Map.of("temperature", "2.5"));
  }

  @Override
  protected List<Tensor[]> extraInputs(Params p, SplittableRandom r) {
    // One class; a single sample with a spatial (2, 3) map; a larger class axis.
    return List.<Tensor[]>of(
        new Tensor[] {Samples.normal(r, 1, 3, 1), Samples.normal(r, 1, 3, 1)},
        new Tensor[] {Samples.normal(r, 3, 1, 4, 2, 3), Samples.normal(r, 3, 1, 4, 2, 3)},
        new Tensor[] {Samples.normal(r, 1, 2, 40), Samples.normal(r, 5, 2, 40)});
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    float[] s = {1000f, -1000f, 0f, 5f, -1000f, 1000f, 1000f, -3f, 3e38f, -3e38f, 0f, 0f};
    float[] t = {-1000f, 1000f, 0f, 5f, -1000f, 1000f, 1000f, -3f, -3e38f, 3e38f, 3e38f, 0f};
    return List.<Tensor[]>of(new Tensor[] {Tensor.of(s, 3, 4), Tensor.of(t, 3, 4)});
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor x = Samples.normal(r, 1, 4, 3);
    return List.of(
        new BadInput(
            "unbatched logits",
            new Tensor[] {Samples.normal(r, 1, 3), Samples.normal(r, 1, 3)},
            "pred",
            "(N, C, d1, ..., dk)",
            "(3)"),
        new BadInput(
            "teacher of another shape",
            new Tensor[] {x, Samples.normal(r, 1, 4, 4)},
            "target",
            "(4, 3)",
            "(4, 4)"),
        new BadInput(
            "zero temperature",
            Map.of("temperature", 0),
            new Tensor[] {x, x},
            "temperature",
            "positive"));
  }

  // ---------------------------------------------------------------- beyond the contract

  @Test
  void equalsTSquaredTimesKlDivBatchmeanOfTheSoftenedDistributions() {
    SplittableRandom r = new SplittableRandom(31);
    double temperature = 3;
    Tensor s = Samples.normal(r, 2, 5, 4, 3);
    Tensor t = Samples.normal(r, 2, 5, 4, 3);
    float[] logQ = new float[s.size()];
    float[] pt = new float[s.size()];
    int[][] rows = AxisIndex.rows(s.shape(), 1);
    OracleInputs oi = new OracleInputs(new Tensor[] {s, t});
    for (int[] row : rows) {
      double[] lq = logSoftmax(oi.get(0), row, temperature);
      double[] lp = logSoftmax(oi.get(1), row, temperature);
      for (int c = 0; c < row.length; c++) {
        logQ[row[c]] = (float) lq[c];
        pt[row[c]] = (float) Math.exp(lp[c]);
      }
    }
    double klDiv =
        KlDivLoss.SPEC
            .create()
            .value(Reduction.BATCHMEAN, Tensor.of(logQ, s.shape()), Tensor.of(pt, s.shape()));
    Loss d = DistillationLoss.SPEC.create(Map.of("temperature", temperature));
    assertEquals(temperature * temperature * klDiv, d.value(s, t), 1e-5);
  }

  @Test
  void gradientIsTTimesTheDifferenceOfTheSoftenedDistributions() {
    Tensor s = Tensor.of(new float[] {1f, 2f, 3f}, 1, 3);
    Tensor t = Tensor.of(new float[] {3f, 2f, 1f}, 1, 3);
    LossResult r = DistillationLoss.SPEC.create(Map.of("temperature", 2)).evaluate(s, t);
    double zs = Math.exp(0.5) + Math.exp(1) + Math.exp(1.5);
    double[] q = {Math.exp(0.5) / zs, Math.exp(1) / zs, Math.exp(1.5) / zs};
    double[] p = {q[2], q[1], q[0]};
    for (int c = 0; c < 3; c++) {
      assertEquals(2 * (q[c] - p[c]), r.grad(0).data()[c], 1e-6);
    }
  }

  @Test
  void studentEqualToTeacherCostsNothing() {
    Tensor s = Samples.normal(new SplittableRandom(2), 3, 4, 5);
    LossResult r = DistillationLoss.SPEC.create().evaluate(s, s);
    assertEquals(0.0, r.value(), 1e-12);
    assertArrayEquals(new float[s.size()], r.grad(0).data(), 1e-7f);
  }

  @Test
  void shiftingTheLogitsOfARowChangesNothing() {
    Tensor s = Tensor.of(new float[] {1f, -2f, 0.5f, 4f, 0f, 1f}, 2, 3);
    Tensor t = Tensor.of(new float[] {0f, 1f, 2f, -1f, 3f, 0f}, 2, 3);
    Tensor shifted = Tensor.of(new float[] {101f, 98f, 100.5f, -46f, -50f, -49f}, 2, 3);
    Loss d = DistillationLoss.SPEC.create();
    assertEquals(d.value(Reduction.NONE, s, t), d.value(Reduction.NONE, shifted, t), 1e-5);
  }
}

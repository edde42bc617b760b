package dev.losskit.box;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GwdLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "gwd";
  }

  /** (cx, cy, w, h, a) of box i. */
  private static double[] centred(double[] b, int i, String format) {
    if (format.equals("xywha")) {
      int o = 5 * i;
      return new double[] {b[o], b[o + 1], b[o + 2], b[o + 3], b[o + 4]};
    }
    double[] c = NaiveBoxes.corners(b, i, format);
    return new double[] {(c[0] + c[2]) / 2, (c[1] + c[3]) / 2, c[2] - c[0], c[3] - c[1], 0};
  }

  /** The covariance R diag(w^2/4, h^2/4) R^T as {s00, s01, s11}. */
  private static double[] covariance(double[] c) {
    double cos = Math.cos(c[4]);
    double sin = Math.sin(c[4]);
    double[][] r = {{cos, -sin}, {sin, cos}};
    double[] d = {c[2] * c[2] / 4, c[3] * c[3] / 4};
    double[][] s = new double[2][2];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        s[i][j] = r[i][0] * d[0] * r[j][0] + r[i][1] * d[1] * r[j][1];
      }
    }
    return new double[] {s[0][0], s[0][1], s[1][1]};
  }

  /** Squared 2-Wasserstein distance of two boxes, from the 2x2 closed form with determinants. */
  static double w2(double[] p, double[] t) {
    double[] sp = covariance(p);
    double[] st = covariance(t);
    double mean = (p[0] - t[0]) * (p[0] - t[0]) + (p[1] - t[1]) * (p[1] - t[1]);
    double trProduct = sp[0] * st[0] + 2 * sp[1] * st[1] + sp[2] * st[2];
    double detP = sp[0] * sp[2] - sp[1] * sp[1];
    double detT = st[0] * st[2] - st[1] * st[1];
    double root = Math.sqrt(Math.max(0, trProduct + 2 * Math.sqrt(Math.max(0, detP * detT))));
    return Math.max(0, mean + sp[0] + sp[2] + st[0] + st[2] - 2 * root);
  }

  static double transform(double d, Params params) {
    double tau = params.real("tau");
    switch (params.text("fun")) {
      case "log1p":
        return 1 - 1 / (tau + Math.log1p(d));
      case "sqrt":
        return 1 - 1 / (tau + Math.sqrt(d));
      default:
        return d;
    }
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params params) {
    String f = params.text("box-format");
    int width = f.equals("xywha") ? 5 : 4;
    double[] p = in.get(0);
    double[] t = in.get(1);
    double[] l = new double[p.length / width];
    for (int i = 0; i < l.length; i++) {
      l[i] = transform(w2(centred(p, i, f), centred(t, i, f)), params);
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("fun", "log1p"),
        Map.of("fun", "sqrt"),
        Map.of("fun", "log1p", "tau", "2.5"),
        Map.of("box-format", "cxcywh"),
        Map.of("box-format", "xywh", "fun", "sqrt", "tau", 3.0),
        Map.of("box-format", "xywha"),
        Map.of("box-format", "xywha", "fun", "sqrt"));
  }

  /** Rotated edge cases: (cx, cy, w, h, a) pairs. */
  private static final double[][] ROTATED_PRED = {
    {3, 4, 2, 5, 0.3}, // identical
    {3, 4, 2, 5, 0.3 + Math.PI}, // identical up to the period
    {0, 0, 0, 0, 0}, // a point
    {0, 0, 2, 0, 0}, // a horizontal segment against a vertical one: T = 0
    {1, 1, 0, 4, 1.0}, // zero width
    {1e6, -1e6, 30, 12, -1.1}, // coordinates around 1e6
    {300, -200, 1, 2, -0.4}, // far apart
    {0, 0, 1e6, 1e-3, 0.5} // extreme aspect ratio
  };

  private static final double[][] ROTATED_TARGET = {
    {3, 4, 2, 5, 0.3},
    {3, 4, 2, 5, 0.3},
    {1, 2, 3, 1, 0.2},
    {0, 0, 0, 3, 0},
    {1, 1, 2, 3, 0},
    {1e6 + 9, -1e6 + 6, 25, 14, -0.8},
    {0, 0, 2, 1, 0.7},
    {1, 1, 2, 2, 0}
  };

  private static Tensor rotated(double[][] rows) {
    float[] out = new float[rows.length * 5];
    for (int i = 0; i < rows.length; i++) {
      for (int k = 0; k < 5; k++) {
        out[5 * i + k] = (float) rows[i][k];
      }
    }
    return Tensor.of(out, rows.length, 5);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    String f = p.text("box-format");
    List<Tensor[]> cases = new ArrayList<>();
    if (f.equals("xywha")) {
      cases.add(new Tensor[] {rotated(ROTATED_PRED), rotated(ROTATED_TARGET)});
    } else {
      cases.add(
          new Tensor[] {
            NaiveBoxes.boxes(f, NaiveBoxes.EDGE_PRED), NaiveBoxes.boxes(f, NaiveBoxes.EDGE_TARGET)
          });
    }
    return cases;
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor ok5 = rotated(new double[][] {{0, 0, 1, 1, 0}, {1, 1, 2, 3, 0.5}});
    return List.of(
        new BadInput(
            "negative width in xywha",
            Map.of("box-format", "xywha"),
            new Tensor[] {rotated(new double[][] {{0, 0, 1, 1, 0}, {1, 1, -2, 3, 0.5}}), ok5},
            "pred",
            "width",
            "xywha",
            "box 1"),
        new BadInput(
            "four columns in xywha",
            Map.of("box-format", "xywha"),
            new Tensor[] {Tensor.of(new float[8], 2, 4), Tensor.of(new float[8], 2, 4)},
            "pred",
            "(N, 5)",
            "(2, 4)"),
        new BadInput("five columns in xyxy", new Tensor[] {ok5, ok5}, "pred", "(N, 4)", "(2, 5)"),
        new BadInput(
            "x2 < x1 in target",
            new Tensor[] {Tensor.of(new float[] {0, 0, 1, 1}), Tensor.of(new float[] {2, 0, 1, 1})},
            "target",
            "x2 >= x1",
            "box 0"),
        new BadInput(
            "target with another number of boxes",
            Map.of("box-format", "xywha"),
            new Tensor[] {ok5, rotated(new double[][] {{0, 0, 1, 1, 0}})},
            "target",
            "(2, 5)",
            "(1, 5)"));
  }

  /** Identical boxes: distance 0 and gradient 0 for every fun (tau = 1), including sqrt. */
  @Test
  void identicalBoxesGiveZeroAndZeroGradient() {
    Tensor b = rotated(new double[][] {{3, 4, 2, 5, 0.3}, {-1, 2, 7, 0.5, -1.2}, {0, 0, 1, 1, 0}});
    for (String fun : List.of("none", "log1p", "sqrt")) {
      LossResult r =
          spec()
              .create(Map.of("box-format", "xywha", "fun", fun))
              .evaluate(Reduction.SUM, b, b.copy());
      assertEquals(0, r.value(), 1e-6, fun);
      for (float g : r.grad(0).data()) {
        assertEquals(0, g, 1e-5, fun);
      }
    }
  }

  /** Axis-aligned boxes: d = |dmu|^2 + ((w_p - w_t)^2 + (h_p - h_t)^2) / 4. */
  @Test
  void axisAlignedBoxesHaveTheClosedForm() {
    Tensor p = Tensor.of(new float[] {1, 2, 4, 7});
    Tensor t = Tensor.of(new float[] {0, 0, 2, 2});
    // Centres (2.5, 4.5) and (1, 1); sizes (3, 5) and (2, 2).
    double expected = 1.5 * 1.5 + 3.5 * 3.5 + (1 + 9) / 4.0;
    LossResult r = spec().create().evaluate(Reduction.SUM, p, t);
    assertEquals(expected, r.value(), 1e-5);
    // dd/dx1 = dd/dcx / 2 - dd/dw = 1.5 - (3 - 2) / 2.
    assertEquals(1.0, r.grad(0).data()[0], 1e-5);
  }

  /** The angle has period pi, and a square is the same at any angle. */
  @Test
  void angleSymmetries() {
    Loss loss = spec().create(Map.of("box-format", "xywha"));
    Tensor t = rotated(new double[][] {{1, 2, 3, 1.5, 0.4}});
    double a = loss.value(Reduction.SUM, rotated(new double[][] {{0, 0, 2, 5, 0.3}}), t);
    double b = loss.value(Reduction.SUM, rotated(new double[][] {{0, 0, 2, 5, 0.3 + Math.PI}}), t);
    assertEquals(a, b, 1e-5 * a);
    double c = loss.value(Reduction.SUM, rotated(new double[][] {{0, 0, 2, 2, 0.1}}), t);
    double d = loss.value(Reduction.SUM, rotated(new double[][] {{0, 0, 2, 2, 1.3}}), t);
    assertEquals(c, d, 1e-5 * c);
    // Swapping w and h is a quarter turn.
    double e =
        loss.value(Reduction.SUM, rotated(new double[][] {{0, 0, 5, 2, 0.3 + Math.PI / 2}}), t);
    assertEquals(a, e, 1e-5 * a);
  }

  /** Where T = 0 (a point, or orthogonal segments) the value is exact and the gradient finite. */
  @Test
  void zeroTraceTermIsFinite() {
    Loss loss = spec().create(Map.of("box-format", "xywha"));
    Tensor p = rotated(new double[][] {{0, 0, 0, 0, 0}, {0, 0, 2, 0, 0}});
    Tensor t = rotated(new double[][] {{1, 2, 3, 1, 0.2}, {0, 0, 0, 3, 0}});
    LossResult r = loss.evaluate(Reduction.NONE, p, t);
    // Point: |dmu|^2 + Tr(S_t) = 5 + (9 + 1) / 4.
    assertEquals(5 + 2.5, r.values().data()[0], 1e-5);
    // Segments: Tr(S_p) + Tr(S_t) = 1 + 2.25.
    assertEquals(3.25, r.values().data()[1], 1e-5);
    for (float g : r.grad(0).data()) {
      assertTrue(Float.isFinite(g));
    }
  }

  /** fun and tau map the raw distance d to 1 - 1 / (tau + f(d)). */
  @Test
  void funTransformsTheDistance() {
    Tensor[] in = spec().sample(spec().defaults(), new SplittableRandom(41), 5);
    float[] raw = spec().create().evaluate(Reduction.NONE, in).values().data();
    float[] log =
        spec()
            .create(Map.of("fun", "log1p", "tau", 2.0))
            .evaluate(Reduction.NONE, in)
            .values()
            .data();
    float[] sqrt =
        spec().create(Map.of("fun", "sqrt")).evaluate(Reduction.NONE, in).values().data();
    for (int i = 0; i < raw.length; i++) {
      assertEquals(1 - 1 / (2 + Math.log1p(raw[i])), log[i], 1e-6);
      assertEquals(1 - 1 / (1 + Math.sqrt(raw[i])), sqrt[i], 1e-6);
    }
  }
}

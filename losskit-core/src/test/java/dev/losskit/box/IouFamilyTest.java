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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * What every loss of the IoU family is tested for beyond its own formula: every box format, the
 * degenerate and far-apart boxes, the box errors, the chain rule through the formats and the
 * single-box shape.
 */
abstract class IouFamilyTest extends LossContractTest {
  /** The loss of one pair, from the formula, with both boxes as corners. */
  protected abstract double naive(double[] p, double[] t, Params params);

  @Override
  protected Oracle oracle(OracleInputs in, Params params) {
    String f = params.text("box-format");
    double[] p = in.get(0);
    double[] t = in.get(1);
    double[] l = new double[p.length / 4];
    for (int i = 0; i < l.length; i++) {
      l[i] = naive(NaiveBoxes.corners(p, i, f), NaiveBoxes.corners(t, i, f), params);
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(
        Map.of("box-format", "cxcywh"),
        Map.of("box-format", "xywh"),
        Map.of("eps", "1e-3"),
        Map.of("box-format", "cxcywh", "eps", 0.5));
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    String f = p.text("box-format");
    List<Tensor[]> cases = new ArrayList<>();
    cases.add(
        new Tensor[] {
          NaiveBoxes.boxes(f, NaiveBoxes.EDGE_PRED), NaiveBoxes.boxes(f, NaiveBoxes.EDGE_TARGET)
        });
    for (int i = 0; i < NaiveBoxes.EDGE_PRED.length; i++) {
      cases.add(
          new Tensor[] {
            NaiveBoxes.boxes(f, new double[][] {NaiveBoxes.EDGE_PRED[i]}).reshape(4),
            NaiveBoxes.boxes(f, new double[][] {NaiveBoxes.EDGE_TARGET[i]}).reshape(4)
          });
    }
    cases.add(new Tensor[] {Tensor.of(new float[0], 0, 4), Tensor.of(new float[0], 0, 4)});
    return cases;
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor ok = Tensor.of(new float[] {0, 0, 1, 1, 2, 2, 3, 4}, 2, 4);
    return List.of(
        new BadInput(
            "pred with x2 < x1",
            new Tensor[] {Tensor.of(new float[] {0, 0, 1, 1, 3, 0, 2, 1}, 2, 4), ok},
            "pred",
            "x2 >= x1",
            "box 1"),
        new BadInput(
            "target with y2 < y1",
            new Tensor[] {ok, Tensor.of(new float[] {0, 5, 1, 1, 2, 2, 3, 4}, 2, 4)},
            "target",
            "y2 >= y1",
            "box 0"),
        new BadInput(
            "negative width in cxcywh",
            Map.of("box-format", "cxcywh"),
            new Tensor[] {Tensor.of(new float[] {1, 1, 2, 2, 1, 1, -1, 2}, 2, 4), ok},
            "pred",
            "width",
            "cxcywh",
            "box 1"),
        new BadInput(
            "negative height in xywh",
            Map.of("box-format", "xywh"),
            new Tensor[] {ok, Tensor.of(new float[] {1, 1, 2, -2, 1, 1, 1, 2}, 2, 4)},
            "target",
            "height",
            "box 0"),
        new BadInput(
            "last dimension 5",
            new Tensor[] {Tensor.of(new float[10], 2, 5), Tensor.of(new float[10], 2, 5)},
            "pred",
            "(N, 4)",
            "(2, 5)"),
        new BadInput(
            "target with another number of boxes",
            new Tensor[] {ok, Tensor.of(new float[12], 3, 4)},
            "target",
            "(2, 4)",
            "(3, 4)"),
        new BadInput(
            "rank 3",
            new Tensor[] {Tensor.of(new float[8], 1, 2, 4), Tensor.of(new float[8], 1, 2, 4)},
            "pred",
            "(1, 2, 4)"));
  }

  /** The same boxes in the three formats: equal values, gradients related by the chain rule. */
  @Test
  void formatsGiveTheSameLossAndChainedGradients() {
    Tensor[] in = spec().sample(spec().defaults(), new SplittableRandom(21), 17);
    float[] p = in[0].data();
    double[][] pc = new double[17][];
    double[][] tc = new double[17][];
    double[] pd = new double[p.length];
    double[] td = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      pd[i] = p[i];
      td[i] = in[1].data()[i];
    }
    for (int i = 0; i < 17; i++) {
      pc[i] = NaiveBoxes.corners(pd, i, "xyxy");
      tc[i] = NaiveBoxes.corners(td, i, "xyxy");
    }
    LossResult xyxy = spec().create().evaluate(Reduction.NONE, in);
    for (String f : List.of("cxcywh", "xywh")) {
      Loss loss = spec().create(Map.of("box-format", f));
      LossResult r =
          loss.evaluate(Reduction.NONE, NaiveBoxes.boxes(f, pc), NaiveBoxes.boxes(f, tc));
      assertArrayEquals(xyxy.values().data(), r.values().data(), 1e-5f, f + " values");
      float[] g = xyxy.grad(0).data();
      float[] h = r.grad(0).data();
      for (int i = 0; i < 17; i++) {
        int o = 4 * i;
        double[] expected;
        if (f.equals("cxcywh")) {
          expected =
              new double[] {
                g[o] + g[o + 2],
                g[o + 1] + g[o + 3],
                (g[o + 2] - g[o]) / 2,
                (g[o + 3] - g[o + 1]) / 2
              };
        } else {
          expected = new double[] {g[o] + g[o + 2], g[o + 1] + g[o + 3], g[o + 2], g[o + 3]};
        }
        for (int k = 0; k < 4; k++) {
          assertEquals(expected[k], h[o + k], 1e-4 * (1 + Math.abs(expected[k])), f + " grad");
        }
      }
    }
  }

  /** One box of shape (4) gives a 0-dimensional loss equal to that of the batch of one. */
  @Test
  void singleBoxHasScalarShape() {
    Tensor[] in = spec().sample(spec().defaults(), new SplittableRandom(22), 1);
    Loss loss = spec().create();
    LossResult one = loss.evaluate(Reduction.NONE, in[0].reshape(4), in[1].reshape(4));
    assertEquals(0, one.values().rank());
    assertEquals(loss.value(Reduction.MEAN, in), one.value(), 1e-12);
    assertArrayEquals(loss.evaluate(Reduction.MEAN, in).grad(0).data(), one.grad(0).data(), 0f);
  }

  /**
   * At identical boxes every max and min ties; splitting the derivative evenly, as PyTorch does,
   * gives the symmetric (midpoint) subgradient, which is zero up to eps for losses whose minimum is
   * there.
   */
  @Test
  void identicalBoxesGiveANearZeroGradient() {
    Tensor b = Tensor.of(new float[] {1, 2, 4, 6, -3, 0, 5, 1}, 2, 4);
    LossResult r = spec().create().evaluate(Reduction.SUM, b, b.copy());
    for (float g : r.grad(0).data()) {
      assertEquals(0, g, 1e-6);
    }
    for (float v : r.values() == null ? new float[0] : r.values().data()) {
      assertEquals(0, v, 1e-6);
    }
    assertEquals(0, r.value(), 1e-6);
  }
}

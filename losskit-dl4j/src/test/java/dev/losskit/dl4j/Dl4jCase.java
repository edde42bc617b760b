package dev.losskit.dl4j;

import dev.losskit.LossSpec;
import dev.losskit.Shapes;
import dev.losskit.Tensor;
import dev.losskit.testing.References.Case;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A reference case laid out as DL4J hands it to a loss function: a 2-D output and 2-D labels. Per
 * pixel class scores {@code (N, C, d1, ..., dk)} become rows of {@code C} outputs, one per pixel,
 * as {@code CnnLossLayer} makes them; other inputs keep their C order with the first dimension as
 * rows.
 */
final class Dl4jCase {
  private final INDArray output;
  private final INDArray labels;

  /** For permuted layouts: classes and pixels per image; 0 when the data order is unchanged. */
  private final int classes;

  private final int pixels;

  private Dl4jCase(INDArray output, INDArray labels, int classes, int pixels) {
    this.output = output;
    this.labels = labels;
    this.classes = classes;
    this.pixels = pixels;
  }

  INDArray output() {
    return output;
  }

  INDArray labels() {
    return labels;
  }

  @Override
  public String toString() {
    return java.util.Arrays.toString(output.shape());
  }

  /** The DL4J layout of the case, or null when DL4J cannot hand these inputs to a loss. */
  static Dl4jCase of(LossSpec spec, Case c) {
    if (c.inputs().size() != 2) {
      return null; // weights and other optional inputs have no place in a DL4J loss call
    }
    Tensor p = c.inputs().get(spec.inputs().get(0).name());
    Tensor t = c.inputs().get(spec.inputs().get(1).name());
    if (t.isIntegral() && (min(t) < 0 || spec.id().equals("weighted-sum"))) {
      // ignored targets (DL4J masks examples instead); index columns a composite cannot see
      return null;
    }
    boolean perImage = "true".equals(c.params().get("per-image"));
    boolean region = LosskitLossFunction.isRegionLoss(spec);
    boolean classScores = spec.inputs().get(0).shape().startsWith("(N, C, d1, ..., dk)");
    if (p.rank() >= 3 && classScores && (t.isIntegral() || (region && p.rank() >= 4))) {
      if (perImage) {
        return null; // rows are pixels here, not images
      }
      int n = p.dim(0);
      int cl = p.dim(1);
      int s = Shapes.size(p.shape(), 2, p.rank());
      float[] out = toRows(p.data(), n, cl, s);
      INDArray labels =
          t.isIntegral()
              ? matrix(t.data(), n * s, 1)
              : matrix(toRows(t.data(), n, cl, s), n * s, cl);
      return new Dl4jCase(matrix(out, n * s, cl), labels, cl, s);
    }
    if (region && !t.isIntegral()) {
      // Binary masks: every element is one pixel, a row of one output.
      if (perImage || !p.hasShape(t.shape())) {
        return null;
      }
      return new Dl4jCase(matrix(p.data(), p.size(), 1), matrix(t.data(), t.size(), 1), 0, 0);
    }
    if (p.rank() == 1) {
      if (t.hasShape(p.shape())) {
        return same(p, t, 1, p.size());
      }
      return t.rank() == 0
          ? new Dl4jCase(matrix(p.data(), 1, p.size()), matrix(t.data(), 1, 1), 0, 0)
          : null;
    }
    if (p.rank() >= 2) {
      int n = p.dim(0);
      int rest = p.size() / n;
      boolean rows =
          p.rank() == 2
              || spec.inputs().get(0).shape().startsWith("(N, ...)")
              || java.util.Arrays.equals(unreducedShape(spec, c, p, t), p.shape());
      if (t.hasShape(p.shape()) && rows) {
        return same(p, t, n, rest);
      }
      if (p.rank() == 2 && t.rank() == 1 && t.size() == n) {
        return new Dl4jCase(matrix(p.data(), n, rest), matrix(t.data(), n, 1), 0, 0);
      }
    }
    return null;
  }

  private static int[] unreducedShape(LossSpec spec, Case c, Tensor p, Tensor t) {
    Tensor[] in = new Tensor[spec.inputs().size()];
    in[0] = p;
    in[1] = t;
    return spec.create(c.params()).check(in);
  }

  private static float min(Tensor t) {
    float m = Float.POSITIVE_INFINITY;
    for (float v : t.data()) {
      m = Math.min(m, v);
    }
    return m;
  }

  private static Dl4jCase same(Tensor p, Tensor t, int rows, int cols) {
    return new Dl4jCase(matrix(p.data(), rows, cols), matrix(t.data(), rows, cols), 0, 0);
  }

  /** The gradient in the layout of the case's prediction. */
  float[] toCoreLayout(INDArray grad) {
    float[] g = Nd4j.toFlattened('c', grad.castTo(DataType.FLOAT)).toFloatVector();
    if (classes == 0) {
      return g;
    }
    int n = g.length / (classes * pixels);
    float[] out = new float[g.length];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < classes; c++) {
        for (int s = 0; s < pixels; s++) {
          out[(i * classes + c) * pixels + s] = g[(i * pixels + s) * classes + c];
        }
      }
    }
    return out;
  }

  /** (N, C, S) to rows of C: one row per pixel. */
  private static float[] toRows(float[] x, int n, int classes, int pixels) {
    float[] out = new float[x.length];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < classes; c++) {
        for (int s = 0; s < pixels; s++) {
          out[(i * pixels + s) * classes + c] = x[(i * classes + c) * pixels + s];
        }
      }
    }
    return out;
  }

  private static INDArray matrix(float[] x, int rows, int cols) {
    return Nd4j.create(x.clone(), new long[] {rows, cols}, 'c');
  }
}

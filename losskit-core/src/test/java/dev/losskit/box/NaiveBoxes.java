package dev.losskit.box;

import dev.losskit.Tensor;

/** Plain double-precision box arithmetic for the oracles and edge cases of the box tests. */
final class NaiveBoxes {
  private NaiveBoxes() {}

  /** Corners (x1, y1, x2, y2) of box {@code i} of {@code b}, written in {@code format}. */
  static double[] corners(double[] b, int i, String format) {
    int o = 4 * i;
    double u = b[o];
    double v = b[o + 1];
    double w = b[o + 2];
    double h = b[o + 3];
    switch (format) {
      case "xyxy":
        return new double[] {u, v, w, h};
      case "xywh":
        return new double[] {u, v, u + w, v + h};
      case "cxcywh":
        return new double[] {u - w / 2, v - h / 2, u + w / 2, v + h / 2};
      default:
        throw new IllegalArgumentException(format);
    }
  }

  static double width(double[] c) {
    return c[2] - c[0];
  }

  static double height(double[] c) {
    return c[3] - c[1];
  }

  static double area(double[] c) {
    return width(c) * height(c);
  }

  /** Intersection area; 0 unless its width and height are both positive. */
  static double intersection(double[] p, double[] t) {
    double iw = Math.min(p[2], t[2]) - Math.max(p[0], t[0]);
    double ih = Math.min(p[3], t[3]) - Math.max(p[1], t[1]);
    return iw > 0 && ih > 0 ? iw * ih : 0;
  }

  static double union(double[] p, double[] t) {
    return area(p) + area(t) - intersection(p, t);
  }

  static double iou(double[] p, double[] t, double eps) {
    return intersection(p, t) / (union(p, t) + eps);
  }

  /** Width of the smallest box enclosing both. */
  static double enclosingWidth(double[] p, double[] t) {
    return Math.max(p[2], t[2]) - Math.min(p[0], t[0]);
  }

  static double enclosingHeight(double[] p, double[] t) {
    return Math.max(p[3], t[3]) - Math.min(p[1], t[1]);
  }

  /** Squared distance of the centres. */
  static double centreDistance2(double[] p, double[] t) {
    double dx = (p[0] + p[2]) / 2 - (t[0] + t[2]) / 2;
    double dy = (p[1] + p[3]) / 2 - (t[1] + t[3]) / 2;
    return dx * dx + dy * dy;
  }

  /** Boxes given by their corners, written in {@code format} as an (N, 4) tensor. */
  static Tensor boxes(String format, double[][] corners) {
    float[] out = new float[corners.length * 4];
    for (int i = 0; i < corners.length; i++) {
      double[] c = corners[i];
      double[] row;
      switch (format) {
        case "xyxy":
          row = c;
          break;
        case "xywh":
          row = new double[] {c[0], c[1], c[2] - c[0], c[3] - c[1]};
          break;
        case "cxcywh":
          row = new double[] {(c[0] + c[2]) / 2, (c[1] + c[3]) / 2, c[2] - c[0], c[3] - c[1]};
          break;
        default:
          throw new IllegalArgumentException(format);
      }
      for (int k = 0; k < 4; k++) {
        out[4 * i + k] = (float) row[k];
      }
    }
    return Tensor.of(out, corners.length, 4);
  }

  /** Pred and target corners of the edge cases every box loss must survive, row by row. */
  static final double[][] EDGE_PRED = {
    {1, 2, 4, 6}, // identical to its target
    {2, 3, 3, 4.5}, // inside its target
    {0, 1, 5, 7}, // contains its target
    {100, 100, 103, 105}, // far apart
    {4, 2, 6, 6}, // touching
    {2, 3, 2, 5}, // zero width
    {2, 3, 3.5, 3}, // zero height
    {1, 1, 1, 1}, // a point, on the target point
    {3, 3, 3, 3}, // a point, inside the target
    {1e6 + 3, 1e6 + 4, 1e6 + 40, 1e6 + 30}, // coordinates around 1e6
    {-1e6, -1e6, -1e6 + 1, -1e6 + 2}, // far apart at 1e6
    {0, 0, 1e6, 1e6} // huge against small
  };

  static final double[][] EDGE_TARGET = {
    {1, 2, 4, 6},
    {1, 2, 4, 6},
    {1, 2, 4, 6},
    {0, 0, 2, 2},
    {1, 2, 4, 6},
    {1, 2, 4, 6},
    {1, 2, 4, 6},
    {1, 1, 1, 1},
    {1, 2, 4, 6},
    {1e6, 1e6 + 2, 1e6 + 35, 1e6 + 33},
    {1e6, 1e6, 1e6 + 3, 1e6 + 1},
    {2, 3, 4, 5}
  };
}

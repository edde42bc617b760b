package dev.losskit.image;

import dev.losskit.Shapes;

/**
 * The built-in feature extractor: a fixed three-layer convolutional network whose weights have a
 * closed form, so that the perceptual losses work without a trained network and give the same
 * numbers everywhere.
 *
 * <pre>{@code
 * layer 1: conv 3x3 (C -> 8, zero padding 1, no bias), softplus        -> (8, H, W)
 * layer 2: 2x2 average pooling (floor), conv 3x3 (8 -> 8), softplus    -> (8, H/2, W/2)
 * layer 3: 2x2 average pooling (floor), conv 3x3 (8 -> 8), softplus    -> (8, H/4, W/4)
 * softplus(a) = log(1 + exp(a)), computed without overflow
 *
 * weight[k][c][u][v] = (-1)^s F_j[u][v] cos(pi (j mod Cin) (c + 1/2) / Cin) / Cin,  k = 2 j + s
 *   F_0 = [1 2 1; 2 4 2; 1 2 1] / 16     (Gaussian blur: luminance)
 *   F_1 = [-1 0 1; -2 0 2; -1 0 1] / 8   (Sobel, horizontal change)
 *   F_2 = [-1 -2 -1; 0 0 0; 1 2 1] / 8   (Sobel, vertical change)
 *   F_3 = [0 1 0; 1 -4 1; 0 1 0] / 4     (Laplacian)
 * }</pre>
 *
 * <p>Each filter is applied to a mix of the input channels given by a DCT-II basis vector (the
 * plain mean for j mod Cin = 0; colour-opponent mixes for RGB), and each response appears with both
 * signs (s = 0, 1), so that the nonlinearity keeps it whatever its sign. The activation is
 * softplus, a smooth ReLU: the features, and with them perceptual and style, are smooth in the
 * image, so that finite-difference gradient checks are meaningful everywhere (a ReLU network has a
 * kink wherever a pre-activation crosses 0). The convolution is a cross-correlation, as in
 * PyTorch's {@code conv2d(x, weight, padding=1)}; pooling drops an odd last row or column, as
 * {@code avg_pool2d(x, 2)} does. Images need at least {@code 2^(l - 1)} pixels per side for layer
 * l. The backward pass is exact: transposed convolutions, the activation's derivative sigmoid(a)
 * and the adjoint of the pooling.
 */
public final class BuiltinExtractor implements FeatureExtractor {
  /** The one instance (the extractor is stateless). */
  public static final BuiltinExtractor INSTANCE = new BuiltinExtractor();

  /** Number of layers. */
  public static final int LAYERS = 3;

  /** Channels of every layer's feature maps. */
  public static final int WIDTH = 8;

  private static final double[][][] F = {
    {
      {1 / 16.0, 2 / 16.0, 1 / 16.0}, {2 / 16.0, 4 / 16.0, 2 / 16.0}, {1 / 16.0, 2 / 16.0, 1 / 16.0}
    },
    {{-1 / 8.0, 0, 1 / 8.0}, {-2 / 8.0, 0, 2 / 8.0}, {-1 / 8.0, 0, 1 / 8.0}},
    {{-1 / 8.0, -2 / 8.0, -1 / 8.0}, {0, 0, 0}, {1 / 8.0, 2 / 8.0, 1 / 8.0}},
    {{0, 0.25, 0}, {0.25, -1, 0.25}, {0, 0.25, 0}}
  };

  private BuiltinExtractor() {}

  /**
   * The weights of a layer with {@code cin} input channels, {@code [k][c][u][v]} flattened as
   * {@code ((k * cin + c) * 3 + u) * 3 + v}.
   */
  public static double[] weights(int cin) {
    double[] w = new double[WIDTH * cin * 9];
    for (int k = 0; k < WIDTH; k++) {
      int j = k / 2;
      double sign = k % 2 == 0 ? 1 : -1;
      for (int c = 0; c < cin; c++) {
        double mix = Math.cos(Math.PI * (j % cin) * (c + 0.5) / cin) / cin;
        for (int u = 0; u < 3; u++) {
          for (int v = 0; v < 3; v++) {
            w[((k * cin + c) * 3 + u) * 3 + v] = sign * F[j][u][v] * mix;
          }
        }
      }
    }
    return w;
  }

  @Override
  public int layers() {
    return LAYERS;
  }

  @Override
  public void check(String input, int[] shape, int deepest) {
    if (shape.length != 4) {
      throw new IllegalArgumentException(
          input + ": expected images (N, C, H, W), found shape " + Shapes.toString(shape));
    }
    if (deepest < 1 || deepest > LAYERS) {
      throw new IllegalArgumentException(
          "parameter layers: expected layers from 1 to " + LAYERS + ", found " + deepest);
    }
    int min = 1 << (deepest - 1);
    if (shape[1] < 1 || shape[2] < min || shape[3] < min) {
      throw new IllegalArgumentException(
          input
              + ": expected images with at least one channel and "
              + min
              + "x"
              + min
              + " pixels (layer "
              + deepest
              + " of the built-in extractor), found shape "
              + Shapes.toString(shape));
    }
  }

  @Override
  public Features forward(double[] images, int[] shape, int deepest) {
    check("images", shape, deepest);
    return new Pass(images, shape, deepest);
  }

  /** One forward pass: every layer's pooled input, pre-activation and output. */
  private static final class Pass implements Features {
    private final int n;
    private final int[] cin = new int[LAYERS];
    private final int[] h = new int[LAYERS];
    private final int[] w = new int[LAYERS];
    private final double[][] input = new double[LAYERS][];
    private final double[][] pre = new double[LAYERS][];
    private final double[][] out = new double[LAYERS][];
    private final double[][] weight = new double[LAYERS][];
    private final int deepest;

    Pass(double[] images, int[] shape, int deepest) {
      this.n = shape[0];
      this.deepest = deepest;
      for (int l = 0; l < deepest; l++) {
        if (l == 0) {
          cin[0] = shape[1];
          h[0] = shape[2];
          w[0] = shape[3];
          input[0] = images;
        } else {
          cin[l] = WIDTH;
          h[l] = h[l - 1] / 2;
          w[l] = w[l - 1] / 2;
          input[l] = pool(out[l - 1], n * WIDTH, h[l - 1], w[l - 1]);
        }
        weight[l] = weights(cin[l]);
        pre[l] = conv(input[l], weight[l], n, cin[l], h[l], w[l]);
        double[] o = new double[pre[l].length];
        for (int i = 0; i < o.length; i++) {
          o[i] = dev.losskit.internal.Numerics.softplus(pre[l][i]);
        }
        out[l] = o;
      }
    }

    @Override
    public int[] shape(int l) {
      return new int[] {n, WIDTH, h[l - 1], w[l - 1]};
    }

    @Override
    public double[] layer(int l) {
      return out[l - 1];
    }

    @Override
    public void backward(double[][] featureGrads, double[] imageGrad) {
      double[] above = null;
      for (int l = deepest - 1; l >= 0; l--) {
        double[] g = new double[pre[l].length];
        double[] given = l < featureGrads.length ? featureGrads[l] : null;
        for (int i = 0; i < g.length; i++) {
          double v = (above == null ? 0 : above[i]) + (given == null ? 0 : given[i]);
          g[i] = v * dev.losskit.internal.Numerics.sigmoid(pre[l][i]);
        }
        double[] gin = convTranspose(g, weight[l], n, cin[l], h[l], w[l]);
        if (l == 0) {
          System.arraycopy(gin, 0, imageGrad, 0, imageGrad.length);
        } else {
          above = unpool(gin, n * WIDTH, h[l - 1], w[l - 1]);
        }
      }
    }
  }

  /** 3x3 cross-correlation with zero padding 1: {@code (n, cin, h, w)} to {@code (n, 8, h, w)}. */
  static double[] conv(double[] x, double[] wt, int n, int cin, int h, int w) {
    double[] y = new double[n * WIDTH * h * w];
    for (int b = 0; b < n; b++) {
      for (int k = 0; k < WIDTH; k++) {
        int yo = (b * WIDTH + k) * h * w;
        for (int c = 0; c < cin; c++) {
          int xo = (b * cin + c) * h * w;
          int wo = (k * cin + c) * 9;
          for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
              double s = 0;
              for (int u = 0; u < 3; u++) {
                int ii = i + u - 1;
                if (ii < 0 || ii >= h) {
                  continue;
                }
                for (int v = 0; v < 3; v++) {
                  int jj = j + v - 1;
                  if (jj >= 0 && jj < w) {
                    s += wt[wo + u * 3 + v] * x[xo + ii * w + jj];
                  }
                }
              }
              y[yo + i * w + j] += s;
            }
          }
        }
      }
    }
    return y;
  }

  /** The adjoint of {@link #conv}: {@code (n, 8, h, w)} to {@code (n, cin, h, w)}. */
  static double[] convTranspose(double[] g, double[] wt, int n, int cin, int h, int w) {
    double[] x = new double[n * cin * h * w];
    for (int b = 0; b < n; b++) {
      for (int k = 0; k < WIDTH; k++) {
        int go = (b * WIDTH + k) * h * w;
        for (int c = 0; c < cin; c++) {
          int xo = (b * cin + c) * h * w;
          int wo = (k * cin + c) * 9;
          for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
              double gv = g[go + i * w + j];
              if (gv == 0) {
                continue;
              }
              for (int u = 0; u < 3; u++) {
                int ii = i + u - 1;
                if (ii < 0 || ii >= h) {
                  continue;
                }
                for (int v = 0; v < 3; v++) {
                  int jj = j + v - 1;
                  if (jj >= 0 && jj < w) {
                    x[xo + ii * w + jj] += wt[wo + u * 3 + v] * gv;
                  }
                }
              }
            }
          }
        }
      }
    }
    return x;
  }

  /** 2x2 average pooling, floor mode, of {@code planes} planes {@code (h, w)}. */
  static double[] pool(double[] x, int planes, int h, int w) {
    int ho = h / 2;
    int wo = w / 2;
    double[] y = new double[planes * ho * wo];
    for (int p = 0; p < planes; p++) {
      for (int a = 0; a < ho; a++) {
        for (int b = 0; b < wo; b++) {
          int i = p * h * w + 2 * a * w + 2 * b;
          y[(p * ho + a) * wo + b] = 0.25 * (x[i] + x[i + 1] + x[i + w] + x[i + w + 1]);
        }
      }
    }
    return y;
  }

  /** The adjoint of {@link #pool}: an odd last row or column gets no gradient. */
  static double[] unpool(double[] g, int planes, int h, int w) {
    int ho = h / 2;
    int wo = w / 2;
    double[] x = new double[planes * h * w];
    for (int p = 0; p < planes; p++) {
      for (int a = 0; a < ho; a++) {
        for (int b = 0; b < wo; b++) {
          double v = 0.25 * g[(p * ho + a) * wo + b];
          int i = p * h * w + 2 * a * w + 2 * b;
          x[i] = v;
          x[i + 1] = v;
          x[i + w] = v;
          x[i + w + 1] = v;
        }
      }
    }
    return x;
  }
}

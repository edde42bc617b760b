package dev.losskit.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The built-in extractor against its documented definition, and its backward pass. */
class BuiltinExtractorTest {
  private static final double[][][] FILTERS = {
    {{1, 2, 1}, {2, 4, 2}, {1, 2, 1}},
    {{-1, 0, 1}, {-2, 0, 2}, {-1, 0, 1}},
    {{-1, -2, -1}, {0, 0, 0}, {1, 2, 1}},
    {{0, 1, 0}, {1, -4, 1}, {0, 1, 0}}
  };
  private static final double[] SCALE = {16, 8, 8, 4};

  /** One layer from the documented formula: zero-padded 3x3 cross-correlation, then softplus. */
  private static double[][][] layer(double[][][] in) {
    int cin = in.length;
    int h = in[0].length;
    int w = in[0][0].length;
    double[][][] out = new double[8][h][w];
    for (int k = 0; k < 8; k++) {
      int j = k / 2;
      double sign = k % 2 == 0 ? 1 : -1;
      for (int i = 0; i < h; i++) {
        for (int q = 0; q < w; q++) {
          double s = 0;
          for (int c = 0; c < cin; c++) {
            double mix = Math.cos(Math.PI * (j % cin) * (c + 0.5) / cin) / cin;
            for (int u = -1; u <= 1; u++) {
              for (int v = -1; v <= 1; v++) {
                int ii = i + u;
                int qq = q + v;
                if (ii >= 0 && ii < h && qq >= 0 && qq < w) {
                  s += sign * FILTERS[j][u + 1][v + 1] / SCALE[j] * mix * in[c][ii][qq];
                }
              }
            }
          }
          out[k][i][q] = Math.log1p(Math.exp(s));
        }
      }
    }
    return out;
  }

  private static double[][][] pool(double[][][] in) {
    int h = in[0].length / 2;
    int w = in[0][0].length / 2;
    double[][][] out = new double[in.length][h][w];
    for (int c = 0; c < in.length; c++) {
      for (int i = 0; i < h; i++) {
        for (int q = 0; q < w; q++) {
          out[c][i][q] =
              (in[c][2 * i][2 * q]
                      + in[c][2 * i + 1][2 * q]
                      + in[c][2 * i][2 * q + 1]
                      + in[c][2 * i + 1][2 * q + 1])
                  / 4;
        }
      }
    }
    return out;
  }

  @Test
  void forwardFollowsTheDocumentedNetwork() {
    SplittableRandom r = new SplittableRandom(1);
    for (int[] s : new int[][] {{1, 1, 9, 7}, {2, 3, 8, 11}, {1, 2, 4, 4}}) {
      double[] x = new double[s[0] * s[1] * s[2] * s[3]];
      for (int i = 0; i < x.length; i++) {
        x[i] = r.nextDouble() * 2 - 0.5;
      }
      FeatureExtractor.Features f = BuiltinExtractor.INSTANCE.forward(x, s, 3);
      for (int b = 0; b < s[0]; b++) {
        double[][][] img = new double[s[1]][s[2]][s[3]];
        for (int c = 0; c < s[1]; c++) {
          for (int i = 0; i < s[2]; i++) {
            for (int q = 0; q < s[3]; q++) {
              img[c][i][q] = x[((b * s[1] + c) * s[2] + i) * s[3] + q];
            }
          }
        }
        double[][][] l1 = layer(img);
        double[][][] l2 = layer(pool(l1));
        double[][][] l3 = layer(pool(l2));
        double[][][][] all = {l1, l2, l3};
        for (int l = 1; l <= 3; l++) {
          int[] fs = f.shape(l);
          double[] got = f.layer(l);
          double[][][] want = all[l - 1];
          assertEquals(want[0].length, fs[2]);
          assertEquals(want[0][0].length, fs[3]);
          for (int k = 0; k < 8; k++) {
            for (int i = 0; i < fs[2]; i++) {
              for (int q = 0; q < fs[3]; q++) {
                assertEquals(
                    want[k][i][q], got[((b * 8 + k) * fs[2] + i) * fs[3] + q], 1e-14, "layer " + l);
              }
            }
          }
        }
      }
    }
  }

  @Test
  void backwardIsTheVectorJacobianProduct() {
    // <v, J u> by central differences against <J^T v, u>, for random u and v.
    SplittableRandom r = new SplittableRandom(2);
    int[] s = {2, 3, 9, 10};
    double[] x = new double[2 * 3 * 9 * 10];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextDouble();
    }
    FeatureExtractor.Features f = BuiltinExtractor.INSTANCE.forward(x, s, 3);
    double[][] v = new double[3][];
    for (int l = 1; l <= 3; l++) {
      v[l - 1] = new double[f.layer(l).length];
      for (int i = 0; i < v[l - 1].length; i++) {
        v[l - 1][i] = r.nextDouble() - 0.5;
      }
    }
    double[] jtv = new double[x.length];
    f.backward(v, jtv);
    for (int trial = 0; trial < 5; trial++) {
      double[] u = new double[x.length];
      double dot = 0;
      for (int i = 0; i < u.length; i++) {
        u[i] = r.nextDouble() - 0.5;
        dot += u[i] * jtv[i];
      }
      double h = 1e-6;
      double[] xp = x.clone();
      double[] xm = x.clone();
      for (int i = 0; i < x.length; i++) {
        xp[i] += h * u[i];
        xm[i] -= h * u[i];
      }
      FeatureExtractor.Features fp = BuiltinExtractor.INSTANCE.forward(xp, s, 3);
      FeatureExtractor.Features fm = BuiltinExtractor.INSTANCE.forward(xm, s, 3);
      double numeric = 0;
      for (int l = 1; l <= 3; l++) {
        for (int i = 0; i < v[l - 1].length; i++) {
          numeric += v[l - 1][i] * (fp.layer(l)[i] - fm.layer(l)[i]) / (2 * h);
        }
      }
      assertEquals(numeric, dot, 1e-6 * (1 + Math.abs(dot)));
    }
  }

  @Test
  void imagesTooSmallForTheDeepestLayerAreRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> BuiltinExtractor.INSTANCE.check("pred", new int[] {1, 3, 2, 8}, 3));
    assertTrue(e.getMessage().contains("pred") && e.getMessage().contains("4x4"), e.getMessage());
  }
}

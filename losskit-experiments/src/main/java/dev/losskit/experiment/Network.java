package dev.losskit.experiment;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A small dense network trained by the experiments: a linear model ({@code hidden == 0}) or one
 * hidden tanh layer followed by a linear output layer. Parameters live in one array so that an
 * optimiser can treat them as a vector.
 *
 * <p>Layout of {@link #params}: with a hidden layer {@code W1 (hidden x in), b1 (hidden), W2 (out x
 * hidden), b2 (out)}; without one {@code W (out x in), b (out)}. Weights are row-major.
 */
public final class Network {
  private final int in;
  private final int hidden;
  private final int out;
  private final double[] params;

  /** The activations of one forward pass, kept for the backward pass. */
  public static final class Pass {
    final double[][] x;
    final int[] rows;
    final double[] h;
    final float[] output;

    Pass(double[][] x, int[] rows, double[] h, float[] output) {
      this.x = x;
      this.rows = rows;
      this.h = h;
      this.output = output;
    }

    /** The outputs, {@code (rows, out)} row-major. */
    public float[] output() {
      return output;
    }
  }

  /**
   * A network with Glorot-uniform weights drawn from {@code seed} and zero biases.
   *
   * @param hidden width of the hidden layer, or 0 for a linear model
   */
  public Network(int in, int hidden, int out, long seed) {
    if (in < 1 || out < 1 || hidden < 0) {
      throw new IllegalArgumentException(
          "in, hidden, out: expected in >= 1, hidden >= 0, out >= 1, found "
              + in
              + ", "
              + hidden
              + ", "
              + out);
    }
    this.in = in;
    this.hidden = hidden;
    this.out = out;
    SplittableRandom random = new SplittableRandom(seed);
    if (hidden > 0) {
      params = new double[hidden * in + hidden + out * hidden + out];
      glorot(random, 0, hidden, in);
      glorot(random, hidden * in + hidden, out, hidden);
    } else {
      params = new double[out * in + out];
      glorot(random, 0, out, in);
    }
  }

  private void glorot(SplittableRandom random, int offset, int rows, int cols) {
    double limit = Math.sqrt(6.0 / (rows + cols));
    for (int i = 0; i < rows * cols; i++) {
      params[offset + i] = limit * (2 * random.nextDouble() - 1);
    }
  }

  /** The parameters, not a copy: the optimiser updates them in place. */
  public double[] params() {
    return params;
  }

  /** Number of outputs per row. */
  public int outputs() {
    return out;
  }

  /** The outputs for rows {@code rows} of {@code x} (not modified). */
  public Pass forward(double[][] x, int[] rows) {
    int n = rows.length;
    float[] y = new float[n * out];
    if (hidden == 0) {
      int bias = out * in;
      for (int r = 0; r < n; r++) {
        double[] xi = x[rows[r]];
        for (int o = 0; o < out; o++) {
          y[r * out + o] = (float) (params[bias + o] + dot(params, o * in, xi, in));
        }
      }
      return new Pass(x, rows, null, y);
    }
    double[] h = new double[n * hidden];
    int b1 = hidden * in;
    int w2 = b1 + hidden;
    int b2 = w2 + out * hidden;
    for (int r = 0; r < n; r++) {
      double[] xi = x[rows[r]];
      for (int k = 0; k < hidden; k++) {
        h[r * hidden + k] = Math.tanh(params[b1 + k] + dot(params, k * in, xi, in));
      }
      for (int o = 0; o < out; o++) {
        double s = params[b2 + o];
        for (int k = 0; k < hidden; k++) {
          s += params[w2 + o * hidden + k] * h[r * hidden + k];
        }
        y[r * out + o] = (float) s;
      }
    }
    return new Pass(x, rows, h, y);
  }

  /**
   * The gradient of the loss with respect to the parameters, given its gradient {@code gradOutput}
   * with respect to the outputs of {@code pass}.
   *
   * @param grad overwritten; the size of {@link #params()}
   */
  public void backward(Pass pass, float[] gradOutput, double[] grad) {
    Arrays.fill(grad, 0);
    int n = pass.rows.length;
    if (hidden == 0) {
      int bias = out * in;
      for (int r = 0; r < n; r++) {
        double[] xi = pass.x[pass.rows[r]];
        for (int o = 0; o < out; o++) {
          double g = gradOutput[r * out + o];
          grad[bias + o] += g;
          for (int j = 0; j < in; j++) {
            grad[o * in + j] += g * xi[j];
          }
        }
      }
      return;
    }
    int b1 = hidden * in;
    int w2 = b1 + hidden;
    int b2 = w2 + out * hidden;
    double[] gh = new double[hidden];
    for (int r = 0; r < n; r++) {
      Arrays.fill(gh, 0);
      for (int o = 0; o < out; o++) {
        double g = gradOutput[r * out + o];
        grad[b2 + o] += g;
        for (int k = 0; k < hidden; k++) {
          grad[w2 + o * hidden + k] += g * pass.h[r * hidden + k];
          gh[k] += g * params[w2 + o * hidden + k];
        }
      }
      double[] xi = pass.x[pass.rows[r]];
      for (int k = 0; k < hidden; k++) {
        double hk = pass.h[r * hidden + k];
        double g = gh[k] * (1 - hk * hk); // tanh' = 1 - tanh^2
        grad[b1 + k] += g;
        for (int j = 0; j < in; j++) {
          grad[k * in + j] += g * xi[j];
        }
      }
    }
  }

  private static double dot(double[] w, int offset, double[] x, int n) {
    double s = 0;
    for (int j = 0; j < n; j++) {
      s += w[offset + j] * x[j];
    }
    return s;
  }
}

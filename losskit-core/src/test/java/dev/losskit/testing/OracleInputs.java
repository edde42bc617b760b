package dev.losskit.testing;

import dev.losskit.Tensor;

/** The inputs of one oracle call: double copies of the tensors' values, with their shapes. */
public final class OracleInputs {
  private final double[][] values;
  private final int[][] shapes;
  private final boolean[] integral;

  public OracleInputs(Tensor[] in) {
    values = new double[in.length][];
    shapes = new int[in.length][];
    integral = new boolean[in.length];
    for (int k = 0; k < in.length; k++) {
      if (in[k] != null) {
        float[] f = in[k].data();
        values[k] = new double[f.length];
        for (int i = 0; i < f.length; i++) {
          values[k][i] = f[i];
        }
        shapes[k] = in[k].shape();
        integral[k] = in[k].isIntegral();
      }
    }
  }

  /**
   * The values of input {@code k} (null when absent); finite differences perturb these in place.
   */
  public double[] get(int k) {
    return values[k];
  }

  public boolean present(int k) {
    return values[k] != null;
  }

  public int[] shape(int k) {
    return shapes[k].clone();
  }

  public boolean integral(int k) {
    return integral[k];
  }

  public int count() {
    return values.length;
  }
}

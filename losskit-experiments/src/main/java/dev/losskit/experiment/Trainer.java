package dev.losskit.experiment;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Trains a {@link Network} by Adam (Kingma and Ba 2015) on mini-batches, with the learning rate
 * decayed linearly to zero over the run so that the last steps settle instead of bouncing (which
 * matters for losses with non-smooth gradients such as {@code mae} and the pinball losses).
 *
 * <p>The loss enters only through an {@link Objective}: a catalogue loss evaluated on the network's
 * outputs, which returns its value and writes its gradient with respect to those outputs.
 */
public final class Trainer {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPS = 1e-8;

  /** The loss of a batch, from the network outputs of its rows. */
  @FunctionalInterface
  public interface Objective {
    /**
     * Returns the loss of the batch and overwrites {@code gradOutput} with its gradient with
     * respect to {@code output}.
     *
     * @param output the network outputs, {@code (rows.length, outputs)} row-major; not modified
     * @param rows the training rows of the batch, in the order of {@code output}
     */
    double evaluate(float[] output, int[] rows, float[] gradOutput);
  }

  /**
   * How to train.
   *
   * @param epochs passes over the training rows
   * @param batch rows per step; at least the number of rows means full-batch steps
   * @param lr Adam's initial learning rate
   * @param seed seed of the batch order
   */
  public record Schedule(int epochs, int batch, double lr, long seed) {
    /** Validates the schedule. */
    public Schedule {
      if (epochs < 1 || batch < 1 || !(lr > 0)) {
        throw new IllegalArgumentException(
            "schedule: expected epochs >= 1, batch >= 1 and lr > 0, found "
                + epochs
                + ", "
                + batch
                + ", "
                + lr);
      }
    }
  }

  private Trainer() {}

  /**
   * Trains {@code net} in place on rows {@code rows} of {@code x} and returns the mean objective of
   * each epoch (averaged over its batches, as seen during the epoch).
   */
  public static double[] fit(
      Network net, double[][] x, int[] rows, Objective objective, Schedule s) {
    double[] p = net.params();
    double[] m = new double[p.length];
    double[] v = new double[p.length];
    double[] grad = new double[p.length];
    SplittableRandom random = new SplittableRandom(s.seed());
    int batch = Math.min(s.batch(), rows.length);
    int perEpoch = (rows.length + batch - 1) / batch;
    long total = (long) perEpoch * s.epochs();
    long t = 0;
    double[] history = new double[s.epochs()];
    for (int e = 0; e < s.epochs(); e++) {
      int[] order = batch == rows.length ? rows : shuffled(rows, random);
      double sum = 0;
      for (int start = 0; start < rows.length; start += batch) {
        int[] b = Arrays.copyOfRange(order, start, Math.min(rows.length, start + batch));
        Network.Pass pass = net.forward(x, b);
        float[] gradOutput = new float[pass.output().length];
        sum += objective.evaluate(pass.output(), b, gradOutput);
        net.backward(pass, gradOutput, grad);
        t++;
        double lr = s.lr() * (1 - (double) (t - 1) / total);
        double c1 = 1 - Math.pow(BETA1, t);
        double c2 = 1 - Math.pow(BETA2, t);
        for (int i = 0; i < p.length; i++) {
          m[i] = BETA1 * m[i] + (1 - BETA1) * grad[i];
          v[i] = BETA2 * v[i] + (1 - BETA2) * grad[i] * grad[i];
          p[i] -= lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPS);
        }
      }
      history[e] = sum / perEpoch;
    }
    return history;
  }

  private static int[] shuffled(int[] rows, SplittableRandom random) {
    int[] perm = Datasets.permutation(rows.length, random);
    int[] out = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = rows[perm[i]];
    }
    return out;
  }
}

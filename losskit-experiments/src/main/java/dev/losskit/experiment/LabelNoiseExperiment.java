package dev.losskit.experiment;

import dev.losskit.Loss;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.experiment.Datasets.Split;
import dev.losskit.experiment.Datasets.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Label noise: a small network on the digits data trained on labels of which a share is replaced by
 * a wrong class, scored on the clean test labels.
 *
 * <p>Per repetition (seed): a random 80/20 split; {@code round(noise * n)} training rows, chosen at
 * random, get a label drawn uniformly from the nine wrong classes (symmetric noise); pixels
 * standardised on the training rows; a 64-{@code hidden}-10 tanh network (32 by default) trained by
 * mini-batch Adam for a fixed number of epochs, with no early stopping (a clean validation set is
 * what noisy data lacks). The scores are the test accuracy on clean labels, and, as a sign of
 * memorisation, the share of the corrupted training rows whose wrong label the network reproduces.
 */
public final class LabelNoiseExperiment {
  /** The losses compared. */
  public static final List<Candidate> LOSSES =
      List.of(
          Candidate.of("cross-entropy"),
          Candidate.of("cross-entropy", "label-smoothing", "0.1"),
          Candidate.of("generalized-ce"),
          Candidate.of("symmetric-ce"));

  /**
   * What to run.
   *
   * @param noises shares of wrong training labels, each in [0, 0.9)
   * @param hidden width of the hidden layer (0: softmax regression)
   * @param reps repetitions, with seeds {@code seed, seed + 1, ...}
   * @param epochs passes over the training rows, in mini-batches of 64
   */
  public record Settings(List<Double> noises, int hidden, int reps, int epochs, long seed) {
    /** Validates the settings. */
    public Settings {
      noises = List.copyOf(noises);
      for (double s : noises) {
        if (!(s >= 0 && s < 0.9)) {
          throw new IllegalArgumentException("noises: expected each in [0, 0.9), found " + s);
        }
      }
      if (hidden < 0 || reps < 1 || epochs < 1) {
        throw new IllegalArgumentException(
            "hidden, reps, epochs: expected hidden >= 0, reps >= 1, epochs >= 1, found "
                + hidden
                + ", "
                + reps
                + ", "
                + epochs);
      }
    }

    /** The default: 0% and 40% noise, 3 repetitions. */
    public static Settings standard() {
      return new Settings(List.of(0.0, 0.4), 32, 3, 30, 0);
    }

    /** A seconds-long check. */
    public static Settings quick() {
      return new Settings(List.of(0.4), 16, 1, 8, 0);
    }
  }

  private LabelNoiseExperiment() {}

  /** The column of a metric at a noise share. */
  public static String column(String metric, double noise) {
    return String.format(Locale.ROOT, "%s %.0f%%", metric, 100 * noise);
  }

  /** Runs every loss at every noise share and repetition. */
  public static ResultTable run(Settings s, List<Candidate> losses) {
    List<String> columns = new ArrayList<>();
    for (double noise : s.noises()) {
      columns.add(column("test acc", noise));
    }
    for (double noise : s.noises()) {
      if (noise > 0) {
        columns.add(column("wrong labels fitted", noise));
      }
    }
    ResultTable table =
        new ResultTable(
            "Digits, 64-" + s.hidden() + "-10 network, symmetric label noise; clean test accuracy",
            columns,
            3);
    Table data = Datasets.digits();
    int[] clean = new int[data.rows()];
    for (int i = 0; i < clean.length; i++) {
      clean[i] = (int) data.y()[i];
    }
    for (int rep = 0; rep < s.reps(); rep++) {
      long seed = s.seed() + rep;
      Split split = Datasets.split(data.rows(), 0.2, seed);
      double[][] x =
          Datasets.standardize(data.x(), split.train(), OutliersExperiment.allRows(clean.length));
      for (double noise : s.noises()) {
        int[] labels = flip(clean, split.train(), noise, 10, seed);
        for (Candidate c : losses) {
          Network net = new Network(64, s.hidden(), 10, seed);
          fit(net, x, labels, split.train(), c.create(), s.epochs(), seed);
          table.put(
              c.label(), column("test acc", noise), rep, accuracy(net, x, clean, split.test()));
          if (noise > 0) {
            List<Integer> flipped = new ArrayList<>();
            for (int r : split.train()) {
              if (labels[r] != clean[r]) {
                flipped.add(r);
              }
            }
            int[] rows = flipped.stream().mapToInt(Integer::intValue).toArray();
            table.put(
                c.label(),
                column("wrong labels fitted", noise),
                rep,
                accuracy(net, x, labels, rows));
          }
        }
      }
    }
    return table;
  }

  /** Trains on the class indices {@code labels} of {@code rows}; returns the loss per epoch. */
  static double[] fit(
      Network net, double[][] x, int[] labels, int[] rows, Loss loss, int epochs, long seed) {
    int classes = net.outputs();
    float[][] grads = new float[loss.spec().inputs().size()][];
    Tensor[] in = new Tensor[grads.length];
    Trainer.Objective objective =
        (out, batch, gradOut) -> {
          int[] target = new int[batch.length];
          for (int i = 0; i < batch.length; i++) {
            target[i] = labels[batch[i]];
          }
          in[0] = Tensor.of(out, batch.length, classes);
          in[1] = Tensor.indices(target);
          grads[0] = gradOut;
          return loss.evaluate(Reduction.MEAN, in, null, grads);
        };
    return Trainer.fit(net, x, rows, objective, new Trainer.Schedule(epochs, 64, 0.01, seed));
  }

  /** Share of {@code rows} whose largest output is at {@code labels[row]}. */
  static double accuracy(Network net, double[][] x, int[] labels, int[] rows) {
    float[] out = net.forward(x, rows).output();
    int classes = net.outputs();
    int right = 0;
    for (int i = 0; i < rows.length; i++) {
      int best = 0;
      for (int c = 1; c < classes; c++) {
        if (out[i * classes + c] > out[i * classes + best]) {
          best = c;
        }
      }
      right += best == labels[rows[i]] ? 1 : 0;
    }
    return (double) right / rows.length;
  }

  /**
   * A copy of {@code labels} in which {@code round(noise * rows.length)} of the rows {@code rows},
   * drawn from {@code seed}, hold a class drawn uniformly from the other {@code classes - 1}.
   */
  static int[] flip(int[] labels, int[] rows, double noise, int classes, long seed) {
    int[] out = labels.clone();
    SplittableRandom random = new SplittableRandom(seed * 31 + 11);
    int[] order = Datasets.permutation(rows.length, random);
    int k = (int) Math.round(noise * rows.length);
    for (int i = 0; i < k; i++) {
      int r = rows[order[i]];
      int wrong = random.nextInt(classes - 1);
      out[r] = wrong >= labels[r] ? wrong + 1 : wrong;
    }
    return out;
  }
}

package dev.losskit.experiment;

import dev.losskit.InputDomain;
import dev.losskit.Loss;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.experiment.Datasets.Split;
import dev.losskit.experiment.Datasets.Table;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Class imbalance: logistic regression on the breast cancer data with the malignant class (the
 * positive) subsampled to about 5% of the training rows.
 *
 * <p>Per repetition (seed): a random 75/25 split; from the training part every benign row and just
 * enough randomly chosen malignant rows for a 5% share; features standardised on those rows; a
 * linear model with one logit per row fitted by full-batch Adam. The test part keeps the data set's
 * natural mix (about 37% malignant), so that its positives are numerous enough to score; the
 * metrics are average precision (threshold-free, as scikit-learn computes it) and F1 at a predicted
 * probability of 0.5, with precision and recall at that threshold.
 *
 * <p>Losses on probabilities ({@code bce}, {@code balanced-ce}) see the sigmoid of the logit; the
 * positive weight of {@code bce-with-logits pos-weight} is the training negatives-to-positives
 * ratio ({@link #POS_WEIGHT} stands for it in the row label). A {@code pos-weight} entry among a
 * candidate's parameters is passed as that input, the same value for every row.
 */
public final class ImbalanceExperiment {
  /** Placeholder value of pos-weight: replaced by the training negatives-to-positives ratio. */
  public static final String POS_WEIGHT = "n_neg/n_pos";

  /** The losses compared. */
  public static final List<Candidate> LOSSES =
      List.of(
          Candidate.of("bce-with-logits"),
          Candidate.of("bce-with-logits", "pos-weight", POS_WEIGHT),
          Candidate.of("balanced-ce"),
          Candidate.of("sigmoid-focal"),
          new Candidate("sigmoid-focal", Map.of("alpha", "0.95", "gamma", "2")));

  /** The metric columns. */
  public static final List<String> COLUMNS = List.of("AP", "F1", "precision", "recall");

  /**
   * What to run.
   *
   * @param positiveShare share of positives kept in the training part, in (0, 0.5]
   * @param reps repetitions, with seeds {@code seed, seed + 1, ...}
   * @param epochs full-batch Adam steps
   */
  public record Settings(double positiveShare, int reps, int epochs, long seed) {
    /** Validates the settings. */
    public Settings {
      if (!(positiveShare > 0 && positiveShare <= 0.5)) {
        throw new IllegalArgumentException(
            "positiveShare: expected a number in (0, 0.5], found " + positiveShare);
      }
      if (reps < 1 || epochs < 1) {
        throw new IllegalArgumentException(
            "reps, epochs: expected at least 1, found " + reps + ", " + epochs);
      }
    }

    /** The default: 5% positives, 10 repetitions. */
    public static Settings standard() {
      return new Settings(0.05, 10, 500, 0);
    }

    /** A seconds-long check. */
    public static Settings quick() {
      return new Settings(0.05, 2, 300, 0);
    }
  }

  private ImbalanceExperiment() {}

  /** Runs every loss in every repetition. */
  public static ResultTable run(Settings s, List<Candidate> losses) {
    ResultTable table =
        new ResultTable(
            String.format(
                Locale.ROOT,
                "Breast cancer, logistic regression, %.0f%% malignant in training; test on the"
                    + " natural mix",
                100 * s.positiveShare()),
            COLUMNS,
            3);
    Table data = Datasets.breastCancer();
    double[] positive = new double[data.rows()];
    for (int i = 0; i < positive.length; i++) {
      positive[i] = data.y()[i] == 0 ? 1 : 0; // class 0 is malignant
    }
    for (int rep = 0; rep < s.reps(); rep++) {
      long seed = s.seed() + rep;
      Split split = Datasets.split(data.rows(), 0.25, seed);
      int[] train = subsample(positive, split.train(), s.positiveShare(), seed);
      double[][] x = Datasets.standardize(data.x(), train, OutliersExperiment.allRows(data.rows()));
      int nPos = 0;
      for (int r : train) {
        nPos += (int) positive[r];
      }
      double posWeight = (double) (train.length - nPos) / nPos;
      for (Candidate c : losses) {
        // pos-weight is an input of the loss, not a parameter: take it out of the parameters.
        Map<String, String> params = new HashMap<>(c.params());
        String weight = params.remove("pos-weight");
        double w =
            weight == null ? 0 : POS_WEIGHT.equals(weight) ? posWeight : Double.parseDouble(weight);
        Network net = new Network(x[0].length, 0, 1, seed);
        fit(net, x, positive, train, new Candidate(c.id(), params).create(), w, s.epochs(), seed);
        float[] logit = net.forward(x, split.test()).output();
        double[] truth = Datasets.select(positive, split.test());
        table.put(c.label(), "AP", rep, averagePrecision(logit, truth));
        int tp = 0;
        int fp = 0;
        int fn = 0;
        for (int i = 0; i < logit.length; i++) {
          boolean predicted = logit[i] > 0; // probability above 0.5
          boolean actual = truth[i] == 1;
          tp += predicted && actual ? 1 : 0;
          fp += predicted && !actual ? 1 : 0;
          fn += !predicted && actual ? 1 : 0;
        }
        double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
        double recall = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
        table.put(c.label(), "F1", rep, tp == 0 ? 0 : 2.0 * tp / (2 * tp + fp + fn));
        table.put(c.label(), "precision", rep, precision);
        table.put(c.label(), "recall", rep, recall);
      }
    }
    return table;
  }

  /**
   * Fits logits to the 0/1 labels {@code y} of {@code rows}. A loss whose first input holds
   * probabilities sees the sigmoid of the logits, and its gradient is carried back through the
   * sigmoid; a positive {@code posWeight} is passed as the {@code pos-weight} input.
   */
  static double[] fit(
      Network net,
      double[][] x,
      double[] y,
      int[] rows,
      Loss loss,
      double posWeight,
      int steps,
      long seed) {
    int n = rows.length;
    float[] target = new float[n];
    for (int i = 0; i < n; i++) {
      target[i] = (float) y[rows[i]];
    }
    boolean onProbabilities = loss.inputDomain(0) == InputDomain.PROBABILITY;
    int inputs = loss.spec().inputs().size();
    Tensor t = Tensor.of(target);
    Tensor[] in = new Tensor[inputs];
    in[1] = t;
    if (posWeight > 0) {
      float[] w = new float[n];
      Arrays.fill(w, (float) posWeight);
      in[indexOf(loss, "pos-weight")] = Tensor.of(w);
    }
    float[][] grads = new float[inputs][];
    float[] prob = new float[n];
    // Full-batch steps: every call sees all rows, in the order of the target tensor.
    Trainer.Objective objective =
        (out, batch, gradOut) -> {
          grads[0] = gradOut;
          if (!onProbabilities) {
            in[0] = Tensor.of(out);
            return loss.evaluate(Reduction.MEAN, in, null, grads);
          }
          for (int i = 0; i < n; i++) {
            prob[i] = (float) (1 / (1 + Math.exp(-out[i])));
          }
          in[0] = Tensor.of(prob);
          double v = loss.evaluate(Reduction.MEAN, in, null, grads);
          for (int i = 0; i < n; i++) {
            gradOut[i] *= prob[i] * (1 - prob[i]); // d sigmoid / d logit
          }
          return v;
        };
    return Trainer.fit(net, x, rows, objective, new Trainer.Schedule(steps, n, 0.05, seed));
  }

  private static int indexOf(Loss loss, String input) {
    for (int k = 0; k < loss.spec().inputs().size(); k++) {
      if (loss.spec().inputs().get(k).name().equals(input)) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "input: expected " + loss.spec().id() + " to take " + input + ", found no such input");
  }

  /**
   * The training rows kept: every negative, and randomly chosen positives so that they make up
   * {@code share} of the rows kept (at least one), in increasing row order.
   */
  static int[] subsample(double[] positive, int[] rows, double share, long seed) {
    List<Integer> pos = new ArrayList<>();
    List<Integer> neg = new ArrayList<>();
    for (int r : rows) {
      (positive[r] == 1 ? pos : neg).add(r);
    }
    int keep = (int) Math.max(1, Math.round(share / (1 - share) * neg.size()));
    if (keep > pos.size()) {
      throw new IllegalArgumentException(
          "share: expected at most the positives available ("
              + pos.size()
              + "), found a need for "
              + keep);
    }
    int[] order = Datasets.permutation(pos.size(), new SplittableRandom(seed * 31 + 5));
    int[] out = new int[neg.size() + keep];
    int k = 0;
    for (int r : neg) {
      out[k++] = r;
    }
    for (int i = 0; i < keep; i++) {
      out[k++] = pos.get(order[i]);
    }
    Arrays.sort(out);
    return out;
  }

  /**
   * Average precision of scores against 0/1 labels, as scikit-learn defines it: the sum over
   * thresholds (distinct scores, descending) of precision times the gain in recall.
   */
  static double averagePrecision(float[] score, double[] truth) {
    Integer[] order = new Integer[score.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Float.compare(score[b], score[a]));
    int positives = 0;
    for (double t : truth) {
      positives += (int) t;
    }
    if (positives == 0) {
      throw new IllegalArgumentException("truth: expected at least one positive, found none");
    }
    double ap = 0;
    int tp = 0;
    int seen = 0;
    double lastRecall = 0;
    for (int i = 0; i < order.length; i++) {
      tp += (int) truth[order[i]];
      seen++;
      // Ties share one threshold: score only after the last of a run of equal scores.
      if (i + 1 < order.length && score[order[i + 1]] == score[order[i]]) {
        continue;
      }
      double recall = (double) tp / positives;
      ap += (recall - lastRecall) * tp / seen;
      lastRecall = recall;
    }
    return ap;
  }
}

package dev.losskit.djl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Short real training runs: DJL models trained by a {@code Trainer} with catalogue losses, whose
 * loss on the training data falls and whose held-out predictions are good. Fixed seeds.
 *
 * <p>Data: Fisher's iris (src/test/resources/data, UCI Machine Learning Repository, CC BY 4.0) for
 * classification; a seeded synthetic linear problem with outliers for regression.
 */
class TrainingTest {
  private static final int SEED = 7;
  private static final int TRAIN_ROWS = 120;

  /**
   * Iris rows, shuffled with a fixed seed, features standardised with the training rows' moments.
   */
  private record Iris(float[][] x, int[] y) {}

  private static final Iris IRIS = iris();

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "cross-entropy",
        "softmax-focal",
        "multi-margin",
        "symmetric-ce",
        "generalized-ce"
      })
  void irisThreeClasses(String id) {
    Engine.getInstance().setRandomSeed(SEED);
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      // DJL's datasets hold float32 labels; class-index inputs take them as whole numbers, while
      // cross-entropy reads floating targets as probabilities (as PyTorch does), so it gets int64.
      boolean indexLabels = id.equals("cross-entropy");
      NDArray x = features(m, 0, TRAIN_ROWS);
      NDArray y = classes(m, 0, TRAIN_ROWS, indexLabels);
      Run run = train(mlp(3), LosskitLoss.of(id), x, y, 40, 12, 0.02f);

      double accuracy =
          accuracy(
              run.predict(features(m, TRAIN_ROWS, 150)),
              classes(m, TRAIN_ROWS, 150, true),
              p -> p.argMax(1));
      run.close();
      System.out.printf("%s: held-out accuracy %.3f%n", id, accuracy);
      assertFalls(id, run);
      assertTrue(accuracy >= 0.9, id + ": held-out accuracy " + accuracy);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"bce-with-logits", "sigmoid-focal", "hinge", "squared-hinge"})
  void irisVirginicaOrNot(String id) {
    Engine.getInstance().setRandomSeed(SEED);
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      NDArray x = features(m, 0, TRAIN_ROWS);
      NDArray y = virginica(m, 0, TRAIN_ROWS);
      Run run = train(mlp(1), LosskitLoss.of(id), x, y, 40, 12, 0.02f);
      // Every one of these losses scores "yes" by a positive output.
      double accuracy =
          accuracy(
              run.predict(features(m, TRAIN_ROWS, 150)),
              virginica(m, TRAIN_ROWS, 150),
              p -> p.gt(0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false));
      run.close();
      System.out.printf("%s: held-out accuracy %.3f%n", id, accuracy);
      assertFalls(id, run);
      assertTrue(accuracy >= 0.9, id + ": held-out accuracy " + accuracy);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"huber", "log-cosh", "general-robust"})
  void robustRegressionUnderOutliers(String id) {
    Engine.getInstance().setRandomSeed(SEED);
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      Regression data = regression(m, 1);
      Map<String, ?> params = id.equals("general-robust") ? Map.of("alpha", 0) : Map.of();
      Run run = train(linear(1), LosskitLoss.of(id, params), data.x, data.noisy, 40, 20, 0.05f);
      double mse = meanSquared(run.predict(data.testX), data.testY);
      run.close();
      System.out.printf("%s: held-out mean squared error %.4f%n", id, mse);
      assertFalls(id, run);
      // The outliers would pull a least-squares fit far off; the clean targets' noise is 0.1^2.
      assertTrue(mse < 0.05, id + ": held-out mean squared error " + mse);
    }
  }

  /** Two outputs bound to two inputs: the model predicts a mean and a variance (clean data). */
  @Test
  void gaussianNllLearnsMeanAndVariance() {
    Engine.getInstance().setRandomSeed(SEED);
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      // A weaker signal: a badly initialised variance then does not start the loss in the
      // hundreds, where Adam's second-moment estimate would stall the mean for many steps.
      Regression data = regression(m, 0.25);
      SequentialBlock net = new SequentialBlock().add(Linear.builder().setUnits(2).build());
      net.add(
          new LambdaBlock(
              out -> {
                NDArray o = out.singletonOrThrow();
                NDArray mean = o.get(":, 0:1");
                NDArray var = Activation.softPlus(o.get(":, 1:2")).add(0.01f);
                return new NDList(mean, var);
              }));
      LosskitLoss loss = LosskitLoss.of("gaussian-nll");
      assertTrue(loss.predictionNames().equals(List.of("pred", "var")), "binding");
      Run run = train(net, loss, data.x, data.clean, 60, 20, 0.02f);
      NDList out = run.trainer.evaluate(new NDList(data.testX));
      double mse = meanSquared(out.get(0), data.testY);
      run.close();
      System.out.printf("gaussian-nll: held-out mean squared error %.4f%n", mse);
      assertFalls("gaussian-nll", run);
      // The mean explains at least 95% of the held-out targets' variance.
      double variance = meanSquared(data.testY.mean(), data.testY);
      assertTrue(
          mse < 0.05 * variance,
          "gaussian-nll: held-out mean squared error " + mse + ", target variance " + variance);
    }
  }

  private static void assertFalls(String id, Run run) {
    System.out.printf("%s: training loss %.4f -> %.4f%n", id, run.before, run.after);
    assertTrue(
        run.after < run.before - 0.5 * Math.abs(run.before),
        id + ": training loss " + run.before + " -> " + run.after);
  }

  /** A trained model with its loss on the training data before and after training. */
  private static final class Run implements AutoCloseable {
    final Model model;
    final Trainer trainer;
    double before;
    double after;

    Run(Model model, Trainer trainer) {
      this.model = model;
      this.trainer = trainer;
    }

    NDArray predict(NDArray x) {
      return trainer.evaluate(new NDList(x)).head();
    }

    @Override
    public void close() {
      trainer.close();
      model.close();
    }
  }

  private static Run train(
      Block block, LosskitLoss loss, NDArray x, NDArray y, int epochs, int batch, float lr) {
    Model model = Model.newInstance("losskit-" + loss.getName(), Device.cpu(), "PyTorch");
    model.setBlock(block);
    DefaultTrainingConfig config =
        new DefaultTrainingConfig(loss)
            .optDevices(new Device[] {Device.cpu()})
            .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(lr)).build())
            // The trainer's evaluator listener accumulates the loss through Loss's own methods.
            .addTrainingListeners(TrainingListener.Defaults.basic());
    Trainer trainer = model.newTrainer(config);
    trainer.initialize(x.getShape());
    Run run = new Run(model, trainer);
    NDList labels = new NDList(y);
    run.before = loss.evaluate(labels, trainer.evaluate(new NDList(x))).getFloat();
    // Rows were shuffled once with a fixed seed; sequential batches keep the run reproducible.
    ArrayDataset data =
        new ArrayDataset.Builder().setData(x).optLabels(y).setSampling(batch, false).build();
    try {
      for (int epoch = 0; epoch < epochs; epoch++) {
        for (Batch b : trainer.iterateDataset(data)) {
          EasyTrain.trainBatch(trainer, b);
          trainer.step();
          b.close();
        }
        trainer.notifyListeners(listener -> listener.onEpoch(trainer));
      }
    } catch (IOException | ai.djl.translate.TranslateException e) {
      throw new IllegalStateException(e);
    }
    run.after = loss.evaluate(labels, trainer.evaluate(new NDList(x))).getFloat();
    return run;
  }

  private static SequentialBlock mlp(int outputs) {
    return new SequentialBlock()
        .add(Linear.builder().setUnits(16).build())
        .add(Activation::relu)
        .add(Linear.builder().setUnits(outputs).build());
  }

  private static SequentialBlock linear(int outputs) {
    return new SequentialBlock().add(Linear.builder().setUnits(outputs).build());
  }

  private static double accuracy(NDArray scores, NDArray truth, Function<NDArray, NDArray> decide) {
    NDArray predicted = decide.apply(scores).toType(truth.getDataType(), false);
    return predicted.eq(truth.reshape(predicted.getShape())).sum().getLong()
        / (double) truth.size();
  }

  private static double meanSquared(NDArray pred, NDArray truth) {
    NDArray p = pred.getShape().size() == 1 ? pred : pred.reshape(truth.getShape());
    return p.sub(truth).square().mean().getFloat();
  }

  private static NDArray features(NDManager m, int from, int to) {
    float[] flat = new float[(to - from) * 4];
    for (int i = from; i < to; i++) {
      System.arraycopy(IRIS.x[i], 0, flat, (i - from) * 4, 4);
    }
    return m.create(flat, new Shape(to - from, 4));
  }

  private static NDArray classes(NDManager m, int from, int to, boolean int64) {
    long[] y = new long[to - from];
    for (int i = from; i < to; i++) {
      y[i - from] = IRIS.y[i];
    }
    NDArray labels = m.create(y, new Shape(to - from));
    return int64 ? labels : labels.toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
  }

  private static NDArray virginica(NDManager m, int from, int to) {
    float[] y = new float[to - from];
    for (int i = from; i < to; i++) {
      y[i - from] = IRIS.y[i] == 2 ? 1 : 0;
    }
    return m.create(y, new Shape(to - from, 1));
  }

  private static Iris iris() {
    List<float[]> rows = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                TrainingTest.class.getResourceAsStream("/data/iris.csv"),
                StandardCharsets.UTF_8))) {
      r.readLine(); // "150,4,setosa,versicolor,virginica"
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String[] f = line.split(",");
        rows.add(
            new float[] {
              Float.parseFloat(f[0]),
              Float.parseFloat(f[1]),
              Float.parseFloat(f[2]),
              Float.parseFloat(f[3])
            });
        labels.add(Integer.parseInt(f[4].trim()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Random random = new Random(SEED);
    int n = rows.size();
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      rows.set(j, rows.set(i, rows.get(j)));
      labels.set(j, labels.set(i, labels.get(j)));
    }
    float[][] x = rows.toArray(new float[0][]);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = labels.get(i);
    }
    for (int c = 0; c < 4; c++) {
      double mean = 0;
      double sq = 0;
      for (int i = 0; i < TRAIN_ROWS; i++) {
        mean += x[i][c];
        sq += x[i][c] * x[i][c];
      }
      mean /= TRAIN_ROWS;
      double sd = Math.sqrt(sq / TRAIN_ROWS - mean * mean);
      for (float[] row : x) {
        row[c] = (float) ((row[c] - mean) / sd);
      }
    }
    return new Iris(x, y);
  }

  /**
   * y = signal (x.(3, -4, 2) + 5) + N(0, 0.1^2), with 15% of the noisy training targets shifted by
   * +-(10..20).
   */
  private record Regression(
      NDArray x, NDArray noisy, NDArray clean, NDArray testX, NDArray testY) {}

  private static Regression regression(NDManager m, double signal) {
    Random random = new Random(SEED);
    double[] w = {3.0 * signal, -4.0 * signal, 2.0 * signal};
    int n = 200;
    int test = 100;
    float[] x = new float[(n + test) * 3];
    float[] y = new float[n + test];
    float[] noisy = new float[n];
    for (int i = 0; i < n + test; i++) {
      double t = 5 * signal;
      for (int j = 0; j < 3; j++) {
        x[i * 3 + j] = (float) random.nextGaussian();
        t += w[j] * x[i * 3 + j];
      }
      y[i] = (float) (t + 0.1 * random.nextGaussian());
      if (i < n) {
        noisy[i] = y[i];
        if (random.nextDouble() < 0.15) {
          noisy[i] += (float) ((random.nextBoolean() ? 1 : -1) * (10 + 10 * random.nextDouble()));
        }
      }
    }
    NDArray all = m.create(x, new Shape(n + test, 3));
    NDArray targets = m.create(y, new Shape(n + test, 1));
    return new Regression(
        all.get("0:" + n),
        m.create(noisy, new Shape(n, 1)),
        targets.get("0:" + n),
        all.get(n + ":"),
        targets.get(n + ":"));
  }
}

package dev.losskit.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * Real training runs: small DL4J networks trained with catalogue losses through the adapter, on
 * Fisher's iris (classification) and a seeded synthetic regression with outliers. The loss must
 * fall and the model must learn.
 */
class TrainingTest {
  private static final int EPOCHS = 80;

  @ParameterizedTest(name = "{0} on iris, {1} output")
  @CsvSource({"sigmoid-focal, IDENTITY", "dice, SOFTMAX", "cross-entropy, IDENTITY"})
  void classifiesIris(String id, Activation output) throws IOException {
    DataSet iris = iris();
    MultiLayerNetwork net = network(4, 3, output, LosskitLossFunction.of(id));
    double before = net.score(iris);
    double accuracyBefore = accuracy(net, iris);
    for (int e = 0; e < EPOCHS; e++) {
      net.fit(iris);
    }
    double after = net.score(iris);
    double accuracy = accuracy(net, iris);
    String what =
        id
            + ": loss "
            + before
            + " -> "
            + after
            + ", accuracy "
            + accuracyBefore
            + " -> "
            + accuracy;
    System.out.println(what);
    assertTrue(after < 0.5 * before, what);
    assertTrue(accuracy > 0.9, what);
  }

  @ParameterizedTest(name = "{0} on a regression with outliers")
  @CsvSource({"huber"})
  void fitsARegressionWithOutliers(String id) {
    DataSet train = regression(1, 200, 0.1);
    DataSet clean = regression(2, 200, 0.0);
    MultiLayerNetwork net = network(3, 1, Activation.IDENTITY, LosskitLossFunction.of(id));
    double before = net.score(train);
    double errorBefore = meanAbsoluteError(net, clean);
    for (int e = 0; e < EPOCHS; e++) {
      net.fit(train);
    }
    double after = net.score(train);
    double error = meanAbsoluteError(net, clean);
    // The outliers keep the training loss from falling far; the clean test error shows the fit.
    String what =
        id
            + ": loss "
            + before
            + " -> "
            + after
            + ", clean test error "
            + errorBefore
            + " -> "
            + error;
    System.out.println(what);
    assertTrue(after < 0.8 * before, what);
    assertTrue(error < 0.5 * errorBefore, what);
  }

  @Test
  void masksOfARecurrentNetworkActAsDl4jsOwnLoss() {
    // An RNN output layer hands the loss [examples x steps, outputs] rows and a per-row mask.
    Random r = new Random(7);
    int n = 4;
    int steps = 5;
    INDArray x = Nd4j.create(DataType.FLOAT, n, 2, steps);
    INDArray y = Nd4j.create(DataType.FLOAT, n, 3, steps);
    INDArray mask = Nd4j.ones(DataType.FLOAT, n, steps);
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < steps; t++) {
        x.putScalar(new int[] {i, 0, t}, r.nextGaussian());
        x.putScalar(new int[] {i, 1, t}, r.nextGaussian());
        for (int j = 0; j < 3; j++) {
          y.putScalar(new int[] {i, j, t}, r.nextGaussian());
        }
        if (t >= steps - i) {
          mask.putScalar(i, t, 0f); // sequences of lengths 5, 4, 3, 2
          y.putScalar(new int[] {i, 0, t}, 0f);
        }
      }
    }
    DataSet d = new DataSet(x, y, null, mask);
    MultiLayerNetwork ours = recurrent(LosskitLossFunction.of("mse"));
    MultiLayerNetwork theirs = recurrent(new LossMSE());
    assertEquals(theirs.score(d), ours.score(d), 1e-6);
    ours.fit(d);
    theirs.fit(d);
    double diff = ours.params().sub(theirs.params()).amaxNumber().doubleValue();
    assertTrue(diff < 1e-6, "parameters after one step differ by " + diff);
    assertEquals(theirs.score(d), ours.score(d), 1e-6);
  }

  private static MultiLayerNetwork recurrent(ILossFunction loss) {
    MultiLayerConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .seed(3)
            .dataType(DataType.FLOAT)
            .weightInit(WeightInit.XAVIER)
            .updater(new Adam(0.05))
            .list()
            .layer(new SimpleRnn.Builder().nIn(2).nOut(6).activation(Activation.TANH).build())
            .layer(
                new RnnOutputLayer.Builder(loss)
                    .nIn(6)
                    .nOut(3)
                    .activation(Activation.IDENTITY)
                    .build())
            .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  private static MultiLayerNetwork network(
      int inputs, int outputs, Activation output, LosskitLossFunction loss) {
    MultiLayerConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .seed(42)
            .dataType(DataType.FLOAT)
            .weightInit(WeightInit.XAVIER)
            .updater(new Adam(0.05))
            .list()
            .layer(
                new DenseLayer.Builder().nIn(inputs).nOut(16).activation(Activation.TANH).build())
            .layer(new OutputLayer.Builder(loss).nIn(16).nOut(outputs).activation(output).build())
            .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /** Iris with standardised features and one-hot labels. */
  private static DataSet iris() throws IOException {
    List<float[]> rows = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                TrainingTest.class.getResourceAsStream("/data/iris.csv"),
                StandardCharsets.UTF_8))) {
      r.readLine(); // "150,4,setosa,versicolor,virginica"
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank()) {
          String[] f = line.split(",");
          float[] row = new float[f.length];
          for (int i = 0; i < f.length; i++) {
            row[i] = Float.parseFloat(f[i]);
          }
          rows.add(row);
        }
      }
    }
    int n = rows.size();
    INDArray x = Nd4j.create(DataType.FLOAT, n, 4);
    INDArray y = Nd4j.zeros(DataType.FLOAT, n, 3);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 4; j++) {
        x.putScalar(i, j, rows.get(i)[j]);
      }
      y.putScalar(i, (int) rows.get(i)[4], 1f);
    }
    x.subiRowVector(x.mean(0)).diviRowVector(x.std(0));
    return new DataSet(x, y);
  }

  /** y = 2 x0 - x1 + sin(3 x2) + noise; a share of targets shifted far away. */
  private static DataSet regression(long seed, int n, double outliers) {
    Random r = new Random(seed);
    INDArray x = Nd4j.create(DataType.FLOAT, n, 3);
    INDArray y = Nd4j.create(DataType.FLOAT, n, 1);
    for (int i = 0; i < n; i++) {
      double x0 = r.nextGaussian();
      double x1 = r.nextGaussian();
      double x2 = r.nextGaussian();
      double t = 2 * x0 - x1 + Math.sin(3 * x2) + 0.1 * r.nextGaussian();
      if (r.nextDouble() < outliers) {
        t += 20;
      }
      x.putScalar(i, 0, x0);
      x.putScalar(i, 1, x1);
      x.putScalar(i, 2, x2);
      y.putScalar(i, 0, t);
    }
    return new DataSet(x, y);
  }

  private static double accuracy(MultiLayerNetwork net, DataSet d) {
    INDArray predicted = net.output(d.getFeatures()).argMax(1);
    INDArray actual = d.getLabels().argMax(1);
    return predicted.eq(actual).castTo(DataType.DOUBLE).meanNumber().doubleValue();
  }

  private static double meanAbsoluteError(MultiLayerNetwork net, DataSet d) {
    INDArray out = net.output(d.getFeatures());
    return Nd4j.math().abs(out.sub(d.getLabels())).meanNumber().doubleValue();
  }
}

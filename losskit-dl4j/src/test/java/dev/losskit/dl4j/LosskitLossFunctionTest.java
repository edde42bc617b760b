package dev.losskit.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * The adapter's contract with DL4J: which losses it takes, how {@code average} and masks act
 * (checked against DL4J's own loss functions where DL4J has the loss), the activation's backprop,
 * errors, and serialisation.
 */
class LosskitLossFunctionTest {
  private static final IActivation IDENTITY = new ActivationIdentity();
  private static final IActivation SIGMOID = new ActivationSigmoid();
  private static final IActivation SOFTMAX = new ActivationSoftmax();

  private static INDArray random(long seed, int rows, int cols) {
    Random r = new Random(seed);
    float[] x = new float[rows * cols];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return Nd4j.create(x, new long[] {rows, cols}, 'c');
  }

  private static INDArray probabilities(long seed, int rows, int cols) {
    Random r = new Random(seed);
    float[] x = new float[rows * cols];
    for (int i = 0; i < x.length; i++) {
      x[i] = 0.05f + 0.9f * r.nextFloat();
    }
    return Nd4j.create(x, new long[] {rows, cols}, 'c');
  }

  private static INDArray oneHot(long seed, int rows, int classes) {
    Random r = new Random(seed);
    INDArray y = Nd4j.zeros(DataType.FLOAT, rows, classes);
    for (int i = 0; i < rows; i++) {
      y.putScalar(i, r.nextInt(classes), 1f);
    }
    return y;
  }

  private static INDArray column(float... v) {
    return Nd4j.create(v, new long[] {v.length, 1}, 'c');
  }

  private static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
    assertEquals(Arrays.toString(expected.shape()), Arrays.toString(actual.shape()), what);
    double diff =
        expected
            .castTo(DataType.DOUBLE)
            .sub(actual.castTo(DataType.DOUBLE))
            .amaxNumber()
            .doubleValue();
    assertTrue(diff <= tol, what + ": max difference " + diff + "\n" + expected + "\n" + actual);
  }

  // ---------------------------------------------------------------- which losses qualify

  @Test
  void takesLossesOfAPredictionAndATarget() {
    List<String> ids = LosskitLossFunction.supportedIds();
    for (String id : List.of("mse", "huber", "sigmoid-focal", "cross-entropy", "dice", "nll")) {
      assertTrue(ids.contains(id), id);
    }
    int total = Catalog.builtin().specs().size();
    assertTrue(ids.size() > 50 && ids.size() < total, ids.size() + " of " + total);
  }

  @Test
  void rejectsOtherLossesSayingWhy() {
    Map<String, String> why =
        Map.of(
            "gaussian-nll", "3 required inputs (pred, target, var)",
            "zero-one", "no gradient",
            "ssim", "needs images (N, C, H, W)",
            "boundary", "flatten into rows",
            "gan-discriminator", "second input fake takes gradients too",
            "entropy", "1 required input (pred)");
    for (Map.Entry<String, String> e : why.entrySet()) {
      IllegalArgumentException x =
          assertThrows(IllegalArgumentException.class, () -> LosskitLossFunction.of(e.getKey()));
      assertTrue(
          x.getMessage().startsWith("loss: " + e.getKey() + " cannot be a DL4J loss function")
              && x.getMessage().contains(e.getValue()),
          x.getMessage());
    }
  }

  @Test
  void rejectsUnknownLossesAndParameters() {
    IllegalArgumentException unknown =
        assertThrows(IllegalArgumentException.class, () -> LosskitLossFunction.of("hubber"));
    assertTrue(unknown.getMessage().contains("'hubber'"), unknown.getMessage());
    IllegalArgumentException param =
        assertThrows(
            IllegalArgumentException.class,
            () -> LosskitLossFunction.of("huber", Map.of("delta", -1.0)));
    assertTrue(param.getMessage().startsWith("parameter delta:"), param.getMessage());
  }

  // ---------------------------------------------------------------- DL4J's own losses as peers

  @Test
  void mseEqualsDl4jMseWithAndWithoutMasks() {
    INDArray pre = random(1, 6, 3);
    INDArray labels = random(2, 6, 3);
    INDArray perExample = column(1, 0, 1, 1, 0, 1);
    INDArray perOutput =
        Nd4j.create(
            new float[] {1, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 1},
            new long[] {6, 3},
            'c');
    ILossFunction ours = LosskitLossFunction.of("mse");
    LossMSE theirs = new LossMSE();
    for (INDArray mask : new INDArray[] {null, perExample, perOutput}) {
      for (boolean average : new boolean[] {true, false}) {
        assertEquals(
            theirs.computeScore(labels, pre, IDENTITY, mask, average),
            ours.computeScore(labels, pre, IDENTITY, mask, average),
            1e-5,
            "score, mask " + mask + ", average " + average);
      }
      assertClose(
          theirs.computeScoreArray(labels, pre, IDENTITY, mask),
          ours.computeScoreArray(labels, pre, IDENTITY, mask),
          1e-5,
          "score array, mask " + mask);
      assertClose(
          theirs.computeGradient(labels, pre, IDENTITY, mask),
          ours.computeGradient(labels, pre, IDENTITY, mask),
          1e-5,
          "gradient, mask " + mask);
    }
  }

  @Test
  void categoricalCeWithSoftmaxEqualsDl4jMcxent() {
    INDArray pre = random(3, 7, 4);
    INDArray labels = oneHot(4, 7, 4);
    INDArray mask = column(1, 1, 0, 1, 1, 0, 1);
    ILossFunction ours = LosskitLossFunction.of("categorical-ce");
    LossMCXENT theirs = new LossMCXENT();
    for (INDArray m : new INDArray[] {null, mask}) {
      assertEquals(
          theirs.computeScore(labels, pre, SOFTMAX, m, true),
          ours.computeScore(labels, pre, SOFTMAX, m, true),
          1e-5,
          "score, mask " + m);
      assertClose(
          theirs.computeScoreArray(labels, pre, SOFTMAX, m),
          ours.computeScoreArray(labels, pre, SOFTMAX, m),
          1e-5,
          "score array, mask " + m);
      assertClose(
          theirs.computeGradient(labels, pre.dup(), SOFTMAX, m),
          ours.computeGradient(labels, pre, SOFTMAX, m),
          1e-5,
          "gradient, mask " + m);
    }
  }

  @Test
  void bceIsDl4jBinaryXentPerOutput() {
    // DL4J's binary cross-entropy sums over outputs, losskit's bce averages them. DL4J's own loss
    // runs the activation's backprop in place on preOutput: it gets a copy.
    INDArray pre = random(5, 5, 2);
    INDArray labels = probabilities(6, 5, 2);
    INDArray mask = column(1, 0, 1, 1, 1);
    ILossFunction ours = LosskitLossFunction.of("bce");
    LossBinaryXENT theirs = new LossBinaryXENT();
    assertEquals(
        theirs.computeScore(labels, pre, SIGMOID, mask, true) / 2,
        ours.computeScore(labels, pre, SIGMOID, mask, true),
        1e-5);
    assertClose(
        theirs.computeGradient(labels, pre.dup(), SIGMOID, mask).div(2),
        ours.computeGradient(labels, pre, SIGMOID, mask),
        1e-5,
        "gradient");
  }

  // ---------------------------------------------------------------- average, masks, activation

  @Test
  void averageDividesTheSummedScoreByTheMinibatch() {
    INDArray pre = random(7, 8, 3);
    INDArray labels = oneHot(8, 8, 3);
    INDArray mask = column(1, 1, 0, 1, 1, 1, 0, 1);
    for (String id : List.of("cross-entropy", "dice", "sigmoid-focal", "rmse")) {
      ILossFunction f = LosskitLossFunction.of(id);
      IActivation act = id.equals("dice") ? SOFTMAX : IDENTITY;
      for (INDArray m : new INDArray[] {null, mask}) {
        double sum = f.computeScore(labels, pre, act, m, false);
        assertEquals(sum / 8, f.computeScore(labels, pre, act, m, true), 1e-6, id);
        assertEquals(
            sum, f.computeScoreArray(labels, pre, act, m).sumNumber().doubleValue(), 1e-5, id);
        Pair<Double, INDArray> both = f.computeGradientAndScore(labels, pre, act, m, true);
        assertEquals(sum / 8, both.getFirst(), 1e-6, id);
        assertClose(f.computeGradient(labels, pre, act, m), both.getSecond(), 0, id);
      }
    }
  }

  @Test
  void maskedExamplesAreLeftOutEvenOfLossesThatCoupleExamples() {
    // dice pools the whole minibatch; masked rows must not enter the pool. Their labels may be
    // anything (DL4J pads masked time steps with zeros), even where the loss wants one-hot rows.
    INDArray pre = random(9, 6, 3);
    INDArray labels = oneHot(10, 6, 3);
    labels.getRow(1).assign(0);
    labels.getRow(4).assign(0);
    INDArray mask = column(1, 0, 1, 1, 0, 1);
    int[] kept = {0, 2, 3, 5};
    INDArray preKept = pre.get(NDArrayIndex.indices(0, 2, 3, 5), NDArrayIndex.all());
    INDArray labelsKept = labels.get(NDArrayIndex.indices(0, 2, 3, 5), NDArrayIndex.all());
    for (String id : List.of("dice", "nll", "softmax-focal")) {
      ILossFunction f = LosskitLossFunction.of(id);
      IActivation act = id.equals("dice") ? SOFTMAX : IDENTITY;
      assertEquals(
          f.computeScore(labelsKept, preKept, act, null, false),
          f.computeScore(labels, pre, act, mask, false),
          1e-5,
          id);
      INDArray sub = f.computeGradient(labelsKept, preKept, act, null);
      INDArray full = f.computeGradient(labels, pre, act, mask);
      for (int k = 0; k < kept.length; k++) {
        assertClose(sub.getRow(k), full.getRow(kept[k]), 1e-6, id + " row " + kept[k]);
      }
      assertEquals(0, full.getRow(1).amaxNumber().doubleValue(), id);
      assertEquals(0, full.getRow(4).amaxNumber().doubleValue(), id);
      INDArray scores = f.computeScoreArray(labels, pre, act, mask);
      assertEquals(0, scores.getDouble(1), id);
      assertEquals(0, scores.getDouble(4), id);
    }
  }

  @Test
  void aPerOutputMaskConstantAlongRowsMasksExamples() {
    INDArray pre = random(11, 4, 3);
    INDArray labels = oneHot(12, 4, 3);
    INDArray rows = column(1, 0, 1, 1);
    INDArray perOutput = rows.repeat(1, 3);
    ILossFunction f = LosskitLossFunction.of("cross-entropy");
    assertEquals(
        f.computeScore(labels, pre, IDENTITY, rows, true),
        f.computeScore(labels, pre, IDENTITY, perOutput, true),
        1e-7);
  }

  @Test
  void perOutputMasksOfLossesThatCoupleOutputsAreRejected() {
    INDArray pre = random(13, 2, 3);
    INDArray labels = oneHot(14, 2, 3);
    INDArray mask = Nd4j.create(new float[] {1, 0, 1, 1, 1, 1}, new long[] {2, 3}, 'c');
    IllegalArgumentException x =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LosskitLossFunction.of("cross-entropy")
                    .computeScore(labels, pre, IDENTITY, mask, true));
    assertTrue(
        x.getMessage().startsWith("mask: cross-entropy couples the outputs"), x.getMessage());
  }

  @Test
  void badMasksAndLabelsAreRejected() {
    INDArray pre = random(15, 3, 2);
    INDArray labels = oneHot(16, 3, 2);
    ILossFunction f = LosskitLossFunction.of("nll");
    IllegalArgumentException half =
        assertThrows(
            IllegalArgumentException.class,
            () -> f.computeScore(labels, pre, IDENTITY, column(1, 0.5f, 1), true));
    assertTrue(
        half.getMessage().startsWith("mask: expected 0 (masked) or 1 (kept), found 0.5"),
        half.getMessage());
    IllegalArgumentException shape =
        assertThrows(
            IllegalArgumentException.class,
            () -> f.computeScore(labels, pre, IDENTITY, column(1, 1), true));
    assertTrue(
        shape.getMessage().startsWith("mask: expected [3, 1] (per example) or [3, 2]"),
        shape.getMessage());
    INDArray notOneHot = labels.dup();
    notOneHot.putScalar(0, 0, 1f);
    notOneHot.putScalar(0, 1, 1f);
    IllegalArgumentException hot =
        assertThrows(
            IllegalArgumentException.class,
            () -> f.computeScore(notOneHot, pre, IDENTITY, null, true));
    assertTrue(
        hot.getMessage()
            .startsWith("labels: nll takes one class per example; expected one-hot rows"),
        hot.getMessage());
    IllegalArgumentException rows =
        assertThrows(
            IllegalArgumentException.class,
            () -> f.computeScore(oneHot(1, 4, 2), pre, IDENTITY, null, true));
    assertTrue(
        rows.getMessage().startsWith("labels: expected a 2-D array with 3 rows"),
        rows.getMessage());
  }

  @Test
  void theGradientGoesBackThroughTheActivation() {
    // bce of sigmoid outputs and bce-with-logits of the pre-activations are one function of them.
    INDArray pre = random(17, 5, 3);
    INDArray labels = probabilities(18, 5, 3);
    ILossFunction probs = LosskitLossFunction.of("bce");
    ILossFunction logits = LosskitLossFunction.of("bce-with-logits");
    assertEquals(
        logits.computeScore(labels, pre, IDENTITY, null, true),
        probs.computeScore(labels, pre, SIGMOID, null, true),
        1e-5);
    assertClose(
        logits.computeGradient(labels, pre, IDENTITY, null),
        probs.computeGradient(labels, pre, SIGMOID, null),
        1e-5,
        "gradient");
  }

  @Test
  void preOutputIsNotModified() {
    INDArray pre = random(19, 4, 3);
    INDArray copy = pre.dup();
    INDArray labels = oneHot(20, 4, 3);
    LosskitLossFunction.of("dice").computeGradientAndScore(labels, pre, SOFTMAX, null, true);
    assertClose(copy, pre, 0, "preOutput");
  }

  @Test
  void oneLabelColumnIsOneTargetPerExample() {
    // multi-quantile: three quantile outputs, one target value per example.
    INDArray pre = random(21, 5, 3);
    INDArray target = random(22, 5, 1);
    ILossFunction f = LosskitLossFunction.of("multi-quantile");
    double expected = 0;
    double[] q = {0.1, 0.5, 0.9};
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 3; j++) {
        double r = target.getDouble(i, 0) - pre.getDouble(i, j);
        expected += Math.max(q[j] * r, (q[j] - 1) * r);
      }
    }
    assertEquals(expected / 15, f.computeScore(target, pre, IDENTITY, null, true), 1e-6);
  }

  // ---------------------------------------------------------------- serialisation

  @Test
  void survivesDl4jJsonAndJavaSerialisation() throws Exception {
    LosskitLossFunction f =
        LosskitLossFunction.of("sigmoid-focal", Map.of("gamma", 3.0, "alpha", 0.5));
    MultiLayerConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .seed(1)
            .list()
            .layer(new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.TANH).build())
            .layer(
                new OutputLayer.Builder(f).nIn(3).nOut(2).activation(Activation.IDENTITY).build())
            .build();
    String json = conf.toJson();
    assertTrue(json.contains("sigmoid-focal"), json);
    MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
    ILossFunction restored = ((OutputLayer) back.getConf(1).getLayer()).getLossFn();
    assertEquals(f, restored);
    assertNotSame(f, restored);
    assertEquals(conf, back);
    assertEquals(f, ((OutputLayer) conf.clone().getConf(1).getLayer()).getLossFn());

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(f);
    }
    LosskitLossFunction javaBack;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      javaBack = (LosskitLossFunction) in.readObject();
    }
    assertEquals(f, javaBack);
    INDArray pre = random(23, 4, 2);
    INDArray labels = oneHot(24, 4, 2);
    assertEquals(
        f.computeScore(labels, pre, IDENTITY, null, true),
        javaBack.computeScore(labels, pre, IDENTITY, null, true),
        0);
    assertEquals(
        f.computeScore(labels, pre, IDENTITY, null, true),
        restored.computeScore(labels, pre, IDENTITY, null, true),
        0);
  }
}

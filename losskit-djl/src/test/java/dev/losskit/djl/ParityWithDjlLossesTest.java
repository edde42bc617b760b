package dev.losskit.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Where DJL has the same loss built in, one forward and backward pass through a small network gives
 * the same value and the same gradients of every model parameter with losskit's loss as with DJL's:
 * the injected gradient chains through the model as the engine's own would.
 */
class ParityWithDjlLossesTest {
  private static final int N = 16;
  private static final int FEATURES = 5;

  @Test
  void crossEntropyMatchesSoftmaxCrossEntropy() {
    // DJL's default: log-softmax over the last axis, class-index labels, mean over the batch.
    compare(
        LosskitLoss.of("cross-entropy"),
        Loss.softmaxCrossEntropyLoss(),
        3,
        r -> new long[] {r.nextInt(3)});
  }

  @Test
  void maeMatchesL1() {
    compare(LosskitLoss.of("mae"), Loss.l1Loss(), 1, r -> new float[] {(float) r.nextGaussian()});
  }

  @Test
  void mseMatchesL2WithUnitWeight() {
    // DJL's L2Loss weighs by 1/2 by default; with weight 1 it is the mean squared error.
    compare(
        LosskitLoss.of("mse"),
        Loss.l2Loss("L2Loss", 1f),
        1,
        r -> new float[] {(float) r.nextGaussian()});
  }

  @Test
  void bceWithLogitsMatchesSigmoidBinaryCrossEntropy() {
    compare(
        LosskitLoss.of("bce-with-logits"),
        Loss.sigmoidBinaryCrossEntropyLoss(),
        1,
        r -> new float[] {r.nextInt(2)});
  }

  @Test
  void hingeMatchesHinge() {
    // DJL's HingeLoss multiplies by the label as given: labels -1 and +1.
    compare(
        LosskitLoss.of("hinge"), Loss.hingeLoss(), 1, r -> new float[] {r.nextBoolean() ? 1 : -1});
  }

  /** Labels: one row per sample, a float[] or long[] of the label's row (one value here). */
  private static void compare(
      LosskitLoss ours, Loss theirs, int outputs, Function<Random, Object> label) {
    Engine.getInstance().setRandomSeed(3);
    Random random = new Random(3);
    SequentialBlock block =
        new SequentialBlock()
            .add(Linear.builder().setUnits(8).build())
            .add(ai.djl.nn.Activation::tanh)
            .add(Linear.builder().setUnits(outputs).build());
    try (Model model = Model.newInstance("parity", Device.cpu(), "PyTorch")) {
      model.setBlock(block);
      try (Trainer trainer =
          model.newTrainer(
              new DefaultTrainingConfig(theirs).optDevices(new Device[] {Device.cpu()}))) {
        NDManager m = trainer.getManager();
        float[] x = new float[N * FEATURES];
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) random.nextGaussian();
        }
        trainer.initialize(new Shape(N, FEATURES));
        NDArray data = m.create(x, new Shape(N, FEATURES));
        NDArray labels = labels(m, random, label, outputs);

        List<float[]> oursGrads = new ArrayList<>();
        float oursValue = pass(trainer, block, ours, data, labels, oursGrads);
        List<float[]> theirGrads = new ArrayList<>();
        float theirValue = pass(trainer, block, theirs, data, labels, theirGrads);

        assertEquals(theirValue, oursValue, 1e-6 * Math.max(1, Math.abs(theirValue)), "value");
        for (int p = 0; p < oursGrads.size(); p++) {
          float[] a = theirGrads.get(p);
          float[] b = oursGrads.get(p);
          for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - b[i]) <= 1e-5 * Math.abs(a[i]) + 1e-7)) {
              fail("parameter " + p + "[" + i + "]: DJL " + a[i] + ", losskit " + b[i]);
            }
          }
        }
      }
    }
  }

  private static NDArray labels(
      NDManager m, Random random, Function<Random, Object> label, int outputs) {
    Object first = label.apply(random);
    if (first instanceof long[]) {
      long[] y = new long[N];
      y[0] = ((long[]) first)[0];
      for (int i = 1; i < N; i++) {
        y[i] = ((long[]) label.apply(random))[0];
      }
      return m.create(y, new Shape(N));
    }
    float[] y = new float[N];
    y[0] = ((float[]) first)[0];
    for (int i = 1; i < N; i++) {
      y[i] = ((float[]) label.apply(random))[0];
    }
    return m.create(y, new Shape(N, outputs));
  }

  private static float pass(
      Trainer trainer,
      SequentialBlock block,
      Loss loss,
      NDArray data,
      NDArray labels,
      List<float[]> grads) {
    float value;
    try (GradientCollector collector = trainer.newGradientCollector()) {
      collector.zeroGradients();
      NDList out = trainer.forward(new NDList(data));
      NDArray l = loss.evaluate(new NDList(labels), out);
      value = l.getFloat();
      collector.backward(l);
    }
    for (Pair<String, Parameter> p : block.getParameters()) {
      grads.add(p.getValue().getArray().getGradient().toFloatArray());
    }
    return value;
  }
}

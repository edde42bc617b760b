package dev.losskit.peers;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.L1Loss;
import ai.djl.training.loss.L2Loss;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SigmoidBinaryCrossEntropyLoss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import dev.losskit.bench.PeerCases;

/**
 * DJL on its PyTorch engine: the loss from {@code ai.djl.training.loss}, the gradient from a {@link
 * GradientCollector} (PyTorch's autograd).
 */
final class DjlPeer implements Peer {
  private final NDManager manager = NDManager.newBaseManager("PyTorch");

  @Override
  public String label() {
    return "djl-pytorch " + Engine.getEngine("PyTorch").getVersion();
  }

  @Override
  public String threads() {
    return "torch.get_num_threads="
        + JniUtils.getNumThreads()
        + " get_num_interop_threads="
        + JniUtils.getNumInteropThreads();
  }

  @Override
  public Step prepare(String name, PeerCases.Case c) {
    Loss loss = loss(name);
    if (loss == null) {
      return null;
    }
    float[] p = c.inputs()[0].data();
    float[] t = c.inputs()[1].data();
    NDManager m = manager.newSubManager();
    NDArray pred = m.create(p, new Shape(toLong(c.inputs()[0].shape())));
    NDArray target = m.create(t, new Shape(toLong(c.inputs()[1].shape())));
    if (c.inputs()[1].isIntegral()) {
      target = target.toType(DataType.INT64, false);
    }
    pred.setRequiresGradient(true);
    NDArray label = target;
    return new Step() {
      @Override
      public double run() {
        try (NDScope scope = new NDScope();
            GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          scope.suppressNotUsedWarning();
          NDArray value = loss.evaluate(new NDList(label), new NDList(pred));
          gc.backward(value);
          return value.getFloat();
        }
      }

      @Override
      public float[] gradient() {
        return pred.getGradient().toFloatArray();
      }

      @Override
      public void close() {
        m.close();
      }
    };
  }

  /** DJL's loss for a case, or null; each is checked against losskit's value before it is timed. */
  private static Loss loss(String name) {
    switch (name) {
      case "mse":
        return new L2Loss("mse", 1f); // DJL's default weight is 1/2
      case "l1":
        return new L1Loss();
      // No "quantile": QuantileL1Loss is twice the pinball loss (GluonTS' convention).
      case "bce_logits":
        return new SigmoidBinaryCrossEntropyLoss();
      // No "bce": SigmoidBinaryCrossEntropyLoss(fromSigmoid = true) returns minus the loss in
      // 0.36.0.
      case "cross_entropy_c10":
      case "cross_entropy_c1000":
        return new SoftmaxCrossEntropyLoss(); // sparse labels, log-softmax of the logits inside
      case "nll_c10":
      case "nll_c1000":
        return new SoftmaxCrossEntropyLoss("nll", 1f, -1, true, false); // input: log-probabilities
      default:
        return null;
    }
  }

  private static long[] toLong(int[] shape) {
    long[] s = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      s[i] = shape[i];
    }
    return s;
  }

  @Override
  public void close() {
    manager.close();
  }
}

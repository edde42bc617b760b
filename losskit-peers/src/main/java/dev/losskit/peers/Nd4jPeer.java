package dev.losskit.peers;

import dev.losskit.bench.PeerCases;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMAE;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * ND4J's CPU backend: the loss and its gradient from {@link ILossFunction#computeGradientAndScore},
 * with the output activation that DL4J would apply (sigmoid for logits, softmax for class logits).
 * Elementwise cases are N examples of one output, as a DL4J output layer holds them; ND4J returns
 * the gradient of the per-example sum, so it is divided by the example count in place to give the
 * gradient of the mean, as the other sides compute.
 */
final class Nd4jPeer implements Peer {
  /** A peer on {@code threads} threads; OMP_NUM_THREADS in the environment must say the same. */
  Nd4jPeer(int threads) {
    Nd4j.getEnvironment().setMaxThreads(threads);
    Nd4j.getEnvironment().setMaxMasterThreads(threads);
    Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
  }

  @Override
  public String label() {
    return "nd4j-native 1.0.0-M2.1";
  }

  @Override
  public String threads() {
    return "OMP_NUM_THREADS="
        + System.getenv("OMP_NUM_THREADS")
        + " maxThreads="
        + Nd4j.getEnvironment().maxThreads()
        + " maxMasterThreads="
        + Nd4j.getEnvironment().maxMasterThreads();
  }

  @Override
  public Step prepare(String name, PeerCases.Case c) {
    ILossFunction fn;
    IActivation act;
    switch (name) {
      case "mse":
        fn = new LossMSE();
        act = new ActivationIdentity();
        break;
      case "l1":
        fn = new LossMAE();
        act = new ActivationIdentity();
        break;
      case "bce_logits":
        fn = new LossBinaryXENT();
        act = new ActivationSigmoid();
        break;
      case "bce":
        fn = new LossBinaryXENT();
        act = new ActivationIdentity();
        break;
      case "cross_entropy_c10":
      case "cross_entropy_c1000":
        fn = new LossMCXENT();
        act = new ActivationSoftmax();
        break;
      default:
        return null;
    }
    float[] p = c.inputs()[0].data();
    float[] t = c.inputs()[1].data();
    INDArray pre;
    INDArray labels;
    if (c.inputs()[1].isIntegral()) {
      int b = c.inputs()[0].dim(0);
      int k = c.inputs()[0].dim(1);
      pre = Nd4j.create(p, new long[] {b, k}, DataType.FLOAT);
      float[] oneHot = new float[b * k];
      for (int i = 0; i < b; i++) {
        oneHot[i * k + (int) t[i]] = 1;
      }
      labels = Nd4j.create(oneHot, new long[] {b, k}, DataType.FLOAT);
    } else {
      pre = Nd4j.create(p, new long[] {p.length, 1}, DataType.FLOAT);
      labels = Nd4j.create(t, new long[] {t.length, 1}, DataType.FLOAT);
    }
    long examples = pre.size(0);
    return new Step() {
      private INDArray grad;

      @Override
      public double run() {
        Pair<Double, INDArray> r = fn.computeGradientAndScore(labels, pre, act, null, true);
        grad = r.getSecond().divi(examples);
        return r.getFirst();
      }

      @Override
      public float[] gradient() {
        return grad.ravel().toFloatVector();
      }

      @Override
      public void close() {
        pre.close();
        labels.close();
      }
    };
  }

  @Override
  public void close() {}
}

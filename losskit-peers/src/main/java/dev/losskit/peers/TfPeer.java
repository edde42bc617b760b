package dev.losskit.peers;

import dev.losskit.bench.PeerCases;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.TensorFlow;
import org.tensorflow.framework.losses.BinaryCrossentropy;
import org.tensorflow.framework.losses.Huber;
import org.tensorflow.framework.losses.LogCosh;
import org.tensorflow.framework.losses.Loss;
import org.tensorflow.framework.losses.MeanAbsoluteError;
import org.tensorflow.framework.losses.MeanSquaredError;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.nn.SparseSoftmaxCrossEntropyWithLogits;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * TensorFlow Java: a graph with the loss of {@code org.tensorflow.framework.losses} and its
 * gradient from {@code tf.gradients} (cross-entropy: the fused {@code
 * SparseSoftmaxCrossEntropyWithLogits} op, which returns the gradient itself), run by a {@link
 * Session} with the given intra-op threads and one inter-op thread; each call feeds the prepared
 * input tensors and fetches the value and the gradient.
 */
final class TfPeer implements Peer {
  private final ConfigProto config;

  /** A peer whose sessions run each op on {@code threads} threads, one op at a time. */
  TfPeer(int threads) {
    config =
        ConfigProto.newBuilder()
            .setIntraOpParallelismThreads(threads)
            .setInterOpParallelismThreads(1)
            .build();
  }

  @Override
  public String label() {
    return "tensorflow-java 1.1.0 (TF " + TensorFlow.version() + ")";
  }

  @Override
  public String threads() {
    return "intra_op_parallelism_threads="
        + config.getIntraOpParallelismThreads()
        + " inter_op_parallelism_threads="
        + config.getInterOpParallelismThreads();
  }

  @Override
  public Step prepare(String name, PeerCases.Case c) {
    Loss loss = loss(name);
    if (loss == null && !name.startsWith("cross_entropy_")) {
      return null;
    }
    float[] p = c.inputs()[0].data();
    float[] t = c.inputs()[1].data();
    // Elementwise cases are N samples of one output: Keras losses average over the last axis first.
    Shape ps = c.inputs()[1].isIntegral() ? shape(c.inputs()[0].shape()) : Shape.of(p.length, 1);
    Shape ts = c.inputs()[1].isIntegral() ? Shape.of(t.length) : Shape.of(t.length, 1);
    Graph g = new Graph();
    Ops tf = Ops.create(g);
    Placeholder<TFloat32> pred = tf.placeholder(TFloat32.class, Placeholder.shape(ps));
    Placeholder<TFloat32> target = tf.placeholder(TFloat32.class, Placeholder.shape(ts));
    Operand<TFloat32> value;
    Operand<?> grad;
    if (loss == null) {
      // Cross-entropy with class indices: TF has no graph gradient for its fused op, whose second
      // output is the gradient of each sample's loss; the mean's gradient divides it by the batch.
      SparseSoftmaxCrossEntropyWithLogits<TFloat32> ce =
          tf.nn.sparseSoftmaxCrossEntropyWithLogits(pred, tf.dtypes.cast(target, TInt64.class));
      value = tf.math.mean(ce.loss(), tf.constant(0));
      grad = tf.math.div(ce.backprop(), tf.constant((float) ps.get(0)));
    } else {
      value = loss.call(tf, target, pred, null);
      grad = tf.gradients(value, List.of(pred)).dy(0);
    }
    Session s = new Session(g, config);
    TFloat32 pt = TFloat32.tensorOf(ps, DataBuffers.of(p, true, false));
    TFloat32 tt = TFloat32.tensorOf(ts, DataBuffers.of(t, true, false));
    return new Step() {
      @Override
      public double run() {
        try (Result r = s.runner().feed(pred, pt).feed(target, tt).fetch(value).fetch(grad).run()) {
          return ((TFloat32) r.get(0)).getFloat();
        }
      }

      @Override
      public float[] gradient() {
        try (Result r = s.runner().feed(pred, pt).feed(target, tt).fetch(grad).run()) {
          TFloat32 x = (TFloat32) r.get(0);
          float[] out = new float[(int) x.size()];
          x.copyTo(DataBuffers.of(out, false, false));
          return out;
        }
      }

      @Override
      public void close() {
        pt.close();
        tt.close();
        s.close();
        g.close();
      }
    };
  }

  /**
   * The framework's loss for a case, or null (cross-entropy is built from the fused op); each is
   * checked against losskit's value.
   */
  private static Loss loss(String name) {
    switch (name) {
      case "mse":
        return new MeanSquaredError();
      case "l1":
        return new MeanAbsoluteError();
      case "huber":
      case "smooth_l1": // beta = 1: the same loss as Huber with delta = 1
        return new Huber(); // delta = 1
      case "log_cosh":
        return new LogCosh();
      case "bce_logits":
        return new BinaryCrossentropy(true);
      case "bce":
        return new BinaryCrossentropy(false);
      default:
        return null;
    }
  }

  private static Shape shape(int[] dims) {
    long[] s = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      s[i] = dims[i];
    }
    return Shape.of(s);
  }

  @Override
  public void close() {}
}

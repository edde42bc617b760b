package dev.losskit.peers;

import dev.losskit.bench.PeerCases;

/**
 * One Java framework that computes the side-by-side cases with its own loss functions and its own
 * gradient machinery; losskit's code is used only to build the inputs and to check the value.
 */
public interface Peer extends AutoCloseable {
  /** The name written in the {@code torch} column of the CSV, e.g. "djl-pytorch 2.7.1". */
  String label();

  /** How the framework's threads are set, as it reports them (for the CSV's env column). */
  String threads();

  /**
   * Prepares one case: copies its inputs into the framework and builds the loss and its gradient.
   *
   * @param name the case name of {@link PeerCases} (e.g. "mse", "cross_entropy_c10")
   * @param c the case built by {@link PeerCases#build}; its arrays are not modified
   * @return the prepared step, or {@code null} when the framework has no such loss
   */
  Step prepare(String name, PeerCases.Case c);

  /** Frees what the peer holds (native memory, sessions). */
  @Override
  void close();

  /** One case prepared in the framework. */
  interface Step extends AutoCloseable {
    /**
     * One value-and-gradient call, as a user of the framework would make it.
     *
     * @return the loss value
     */
    double run();

    /**
     * The gradient with respect to the prediction, as a Java array; call it after exactly one
     * {@link #run()} (DJL accumulates gradients across calls, as PyTorch does).
     */
    float[] gradient();

    @Override
    void close();
  }
}

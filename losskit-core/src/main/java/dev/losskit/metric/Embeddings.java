package dev.losskit.metric;

import dev.losskit.Shapes;
import dev.losskit.Tensor;
import dev.losskit.internal.Samples;
import java.util.SplittableRandom;

/** Shape checks and typical inputs shared by the embedding losses. */
final class Embeddings {
  /** Embedding dimension of sampled inputs: odd, so that it hits the tails of unrolled loops. */
  static final int SAMPLE_DIM = 7;

  private Embeddings() {}

  /** Throws unless {@code t} is a matrix {@code (N, D)} of row embeddings. */
  static void requireMatrix(String name, Tensor t) {
    if (t.rank() != 2) {
      throw new IllegalArgumentException(
          name + ": expected embeddings of shape (N, D), found " + Shapes.toString(t.shape()));
    }
  }

  /** Throws unless {@code t} has the shape of {@code like}. */
  static void requireSame(String name, Tensor t, String likeName, Tensor like) {
    Shapes.requireSame(name, t, likeName, like);
  }

  /** Throws unless {@code t} holds one value per row of {@code rowsName}: shape {@code (n)}. */
  static void requirePerRow(String name, Tensor t, int n, String rowsName) {
    if (!t.hasShape(n)) {
      throw new IllegalArgumentException(
          name
              + ": expected shape ("
              + n
              + "), one value per row of "
              + rowsName
              + ", found "
              + Shapes.toString(t.shape()));
    }
  }

  /** Standard normal embeddings {@code (n, SAMPLE_DIM)}. */
  static Tensor sample(SplittableRandom r, int n) {
    return Samples.normal(r, 1, n, SAMPLE_DIM);
  }
}

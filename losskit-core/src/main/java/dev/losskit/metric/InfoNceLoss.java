package dev.losskit.metric;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.BulkExp;
import java.lang.ref.SoftReference;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * InfoNCE: for each row of view {@code a}, the cross-entropy of picking its own row of view {@code
 * b} among all rows of {@code b} by cosine similarity; the basic loss for learning representations
 * from paired views, with the other rows of the batch as negatives.
 *
 * <pre>{@code
 * s_ij = <a_i, b_j> / (max(|a_i|, eps) max(|b_j|, eps)),  eps = 1e-12
 * l_i  = log sum_j exp(s_ij / tau) - s_ii / tau                      (one value per row)
 * dl/ds_ij = (softmax_j(s_i. / tau) - [i = j]) / tau
 * dL/da_i  = (u_i - ah_i <ah_i, u_i>) / |a_i|,  u_i = sum_j dL/ds_ij b_j / max(|b_j|, eps),
 *            ah_i = a_i / |a_i|   (u_i / eps where |a_i| < eps); dL/db_j likewise over i
 * }</pre>
 *
 * <p>Inputs: {@code a} and {@code b}, embeddings {@code (N, D)} of equal shape, finite; row {@code
 * i} of {@code a} and row {@code i} of {@code b} form the positive pair. Gradients for both. The
 * unreduced loss has shape {@code (N)}; {@code mean} divides by N.
 *
 * <p>Numerics: the log-sum-exp is shifted by the row maximum; each row is normalized as {@code
 * torch.nn.functional.normalize(x, dim=1)} does, so that zero-norm rows give finite values and
 * gradients. The N by N similarity matrix is a float matrix product of the normalized rows ({@link
 * FloatGemm}: packed, register-tiled, vectorized), computed in blocks of rows; each block's
 * log-sum-exp and gradient coefficients {@code dL/ds} follow at once, while it is in cache, and so
 * does that block's {@code dL/da} (a product with {@code b}). {@code dL/db} is a product with the
 * transpose of the coefficients (read by columns as the kernel packs them), after all blocks. Above
 * a size the blocks run on the common fork-join pool; the loss is summed in block order, so the
 * result does not depend on the number of threads. The matrix and the other arrays of a call are
 * kept per thread for the next call.
 *
 * <p>Equals {@code F.cross_entropy(F.normalize(a) @ F.normalize(b).T / tau, arange(N))}; there is
 * no PyTorch loss of that name.
 *
 * @see <a href="https://arxiv.org/abs/1807.03748">van den Oord, Li and Vinyals (2018)</a>
 */
public final class InfoNceLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("info-nce", Family.METRIC)
          .name("InfoNCE")
          .summary(
              "Cross-entropy of matching each row of one view to its own row of the other view by"
                  + " cosine similarity, the rest of the batch serving as negatives.")
          .formula(
              "l_i = log sum_j exp(cos(a_i, b_j) / tau) - cos(a_i, b_i) / tau;"
                  + " cos(x, y) = <x, y> / (max(|x|, 1e-12) max(|y|, 1e-12))")
          .gradient(
              "dl/dcos(a_i, b_j) = (softmax_j(cos(a_i, b.) / tau) - [i = j]) / tau, carried to a_i"
                  + " and b_j through the normalization: (u - ah <ah, u>) / |a| for u = dL/dah")
          .input("a", "(N, D)", InputDomain.REAL, true, "embeddings of the first view")
          .input(
              "b",
              "(N, D), as a",
              InputDomain.REAL,
              true,
              "embeddings of the second view; row i pairs with row i of a")
          .param(
              ParamSpec.real(
                  "temperature",
                  0.1,
                  Range.POSITIVE,
                  "divides the cosine similarities; smaller values sharpen the softmax"))
          .traits(Trait.NONNEGATIVE, Trait.BOUNDED)
          .equivalent(
              "torch.nn.functional.cross_entropy(F.normalize(a) @ F.normalize(b).T / temperature,"
                  + " torch.arange(N))",
              "")
          .whenToUse(
              "Self-supervised or paired-view representation learning with in-batch negatives (CPC,"
                  + " MoCo-style objectives); it needs large batches for enough negatives, and"
                  + " duplicated rows in a batch count as false negatives.")
          .reference(
              "van den Oord, Li and Vinyals (2018), Representation learning with contrastive"
                  + " predictive coding",
              "https://arxiv.org/abs/1807.03748")
          .sampler((p, r, n) -> new Tensor[] {Embeddings.sample(r, n), Embeddings.sample(r, n)})
          .tasks(Task.ACTION_RECOGNITION, Task.REPRESENTATION)
          .build(InfoNceLoss::new);

  /** Rows of the similarity matrix per block: 64 rows of 1024 floats stay in a 1 MiB L2 cache. */
  static final int BLOCK = 64;

  /**
   * Multiply-adds of the similarity product ({@code n^2 D}) from which a call splits its row blocks
   * across threads: 2^21 (128 rows of 128 terms) is about a millisecond of work per call, where the
   * hand-off of a block (microseconds) no longer counts.
   */
  static final long SPLIT_WORK = 1L << 21;

  private final double temperature;

  private InfoNceLoss(Params p) {
    super(SPEC, p);
    this.temperature = p.real("temperature");
  }

  @Override
  public int[] check(Tensor[] in) {
    Embeddings.requireMatrix("a", in[0]);
    Embeddings.requireSame("b", in[1], "a", in[0]);
    return new int[] {in[0].dim(0)};
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    return compute(FloatGemm.kernel(), in, values, grads, scale);
  }

  /** {@link #compute} with the given matrix-product kernel (tests run both). */
  double compute(
      FloatGemm.Kernel kernel, Tensor[] in, float[] values, float[][] grads, double scale) {
    int n = in[0].dim(0);
    int dim = in[0].dim(1);
    float[] ga = grads == null ? null : grads[0];
    float[] gb = grads == null ? null : grads[1];
    Scratch t = Scratch.take(n, dim, kernel.panelWidth());
    try {
      return compute(kernel, in[0].data(), in[1].data(), n, dim, values, ga, gb, scale, t);
    } finally {
      Scratch.give(t);
    }
  }

  private double compute(
      FloatGemm.Kernel kernel,
      float[] a,
      float[] b,
      int n,
      int dim,
      float[] values,
      float[] ga,
      float[] gb,
      double scale,
      Scratch t) {
    int w = kernel.panelWidth();
    float[] ah = t.ah;
    float[] bh = t.bh;
    normalize(a, n, dim, ah, t.na);
    normalize(b, n, dim, bh, t.nb);
    // b-hat^T packed once: each block of rows of the similarity matrix is one packed product.
    float[] packed = FloatGemm.pack(bh, dim, n, true, w, t.packed);
    float[] s = t.s;
    boolean anyGrad = ga != null || gb != null;
    int blocks = (n + BLOCK - 1) / BLOCK;
    double[] partial = new double[blocks];
    boolean split = splits(n, dim);
    // b-hat packed too when dL/da is wanted: each block's dL/da is a product with it.
    float[] bp = ga == null ? null : FloatGemm.pack(bh, n, dim, false, w, t.packedRows);
    // Rows of s: the product, then at once, while the block is in cache, the row log-sum-exp and
    // (with gradients) the coefficients dL/ds; then dL/da for those rows, which needs no other row
    // and reads the block from cache rather than memory.
    forEachBlock(
        blocks,
        split,
        blk -> {
          int i0 = blk * BLOCK;
          int i1 = Math.min(n, i0 + BLOCK);
          kernel.multiplyPacked(ah, i0 * dim, dim, 1, i1 - i0, dim, packed, n, s, i0 * n, n);
          partial[blk] = softmaxRows(kernel, s, n, i0, i1, values, anyGrad, scale);
          if (ga != null) {
            kernel.multiplyPacked(s, i0 * n, n, 1, i1 - i0, n, bp, dim, t.u, i0 * dim, dim);
            project(t.u, ah, t.na, i0, i1, dim, ga);
          }
        });
    double sum = 0;
    for (double p : partial) {
      sum += p; // in block order: the same value for any number of threads
    }
    if (gb != null) {
      float[] ap = FloatGemm.pack(ah, n, dim, false, w, t.packedRows);
      forEachBlock(
          blocks,
          split,
          blk -> {
            int i0 = blk * BLOCK;
            int i1 = Math.min(n, i0 + BLOCK);
            // Rows i0..i1 of s^T are columns i0..i1 of s: the kernel packs them as it reads them.
            kernel.multiplyPacked(s, i0, 1, n, i1 - i0, n, ap, dim, t.u, i0 * dim, dim);
            project(t.u, bh, t.nb, i0, i1, dim, gb);
          });
    }
    return sum;
  }

  /**
   * Rows {@code i0..i1} of the similarity matrix {@code s}: returns the sum of their losses, writes
   * them to {@code values} (when given) and, with gradients, overwrites the rows with {@code
   * dL/ds_ij} times {@code scale}.
   */
  private double softmaxRows(
      FloatGemm.Kernel kernel,
      float[] s,
      int n,
      int i0,
      int i1,
      float[] values,
      boolean grads,
      double scale) {
    double inv = 1 / temperature;
    float finv = (float) inv;
    double c = scale * inv;
    double sum = 0;
    for (int i = i0; i < i1; i++) {
      int row = i * n;
      float max = kernel.max(s, row, row + n);
      float sii = s[row + i];
      for (int j = 0; j < n; j++) {
        s[row + j] = (s[row + j] - max) * finv;
      }
      BulkExp.expInPlace(s, row, row + n); // kept for the gradient
      double e = kernel.sum(s, row, row + n);
      double l = Math.log(e) - (sii - max) * inv;
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (grads) {
        float k = (float) (c / e);
        for (int j = 0; j < n; j++) {
          s[row + j] *= k;
        }
        s[row + i] -= (float) c;
      }
    }
    return sum;
  }

  /**
   * Whether a call of {@code n} rows of {@code dim} terms runs its row blocks on several threads.
   */
  static boolean splits(int n, int dim) {
    return n > BLOCK && (long) n * n * dim >= SPLIT_WORK;
  }

  /**
   * Runs {@code body} for blocks {@code 0..blocks}: with {@code split}, on the calling thread and
   * the common pool's workers (as many as there are blocks), each taking the next block. The caller
   * waits for the blocks, not for the helpers: a helper that starts only after the caller has taken
   * every block (on a loaded machine) finds none left and costs the call nothing.
   */
  private static void forEachBlock(int blocks, boolean split, IntConsumer body) {
    int helpers = split ? Math.min(blocks, ForkJoinPool.getCommonPoolParallelism() + 1) - 1 : 0;
    if (helpers <= 0) {
      for (int blk = 0; blk < blocks; blk++) {
        body.accept(blk);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(blocks);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Runnable worker =
        () -> {
          for (int blk = next.getAndIncrement(); blk < blocks; blk = next.getAndIncrement()) {
            try {
              body.accept(blk);
            } catch (Throwable e) {
              failure.compareAndSet(null, e);
            } finally {
              done.countDown();
            }
          }
        };
    for (int h = 0; h < helpers; h++) {
      ForkJoinPool.commonPool().execute(worker);
    }
    worker.run();
    boolean interrupted = false;
    while (true) {
      try {
        done.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // the blocks write into the caller's arrays: wait for them all
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Throwable e = failure.get();
    if (e instanceof RuntimeException) {
      throw (RuntimeException) e;
    }
    if (e instanceof Error) {
      throw (Error) e;
    }
  }

  /**
   * The arrays of one call, kept per thread between calls (softly, so that a large batch's matrix
   * goes when memory runs short): a call allocates nothing that grows with the batch. Taken out
   * while in use, so that a nested or concurrent call on the same thread gets its own.
   */
  private static final class Scratch {
    private static final ThreadLocal<SoftReference<Scratch>> KEPT = new ThreadLocal<>();

    final float[] ah;
    final float[] bh;
    final double[] na;
    final double[] nb;
    final int width;
    final float[] s;
    final float[] u;
    final float[] packed; // b-hat^T (dim by n)
    final float[] packedRows; // b-hat, then a-hat (n by dim)

    private Scratch(int n, int dim, int width) {
      this.width = width;
      ah = new float[n * dim];
      bh = new float[n * dim];
      na = new double[n];
      nb = new double[n];
      s = new float[n * n];
      u = new float[n * dim];
      packed = new float[FloatGemm.packedSize(dim, n, width)];
      packedRows = new float[FloatGemm.packedSize(n, dim, width)];
    }

    private boolean fits(int n, int dim, int width) {
      return na.length == n && ah.length == n * dim && this.width == width;
    }

    static Scratch take(int n, int dim, int width) {
      SoftReference<Scratch> ref = KEPT.get();
      Scratch t = ref == null ? null : ref.get();
      KEPT.set(null);
      return t != null && t.fits(n, dim, width) ? t : new Scratch(n, dim, width);
    }

    static void give(Scratch t) {
      KEPT.set(new SoftReference<>(t));
    }
  }

  /**
   * Writes the rows of {@code x} divided by {@code max(|x_i|, EPS)} to {@code out} (norms
   * accumulated in double, unclamped norms into {@code norms}).
   */
  private static void normalize(float[] x, int rows, int dim, float[] out, double[] norms) {
    for (int i = 0; i < rows; i++) {
      int o = i * dim;
      double nrm = Math.sqrt(dot(x, x, o, o + dim));
      norms[i] = nrm;
      double inv = 1 / Math.max(nrm, CosineMatrix.EPS);
      for (int k = o; k < o + dim; k++) {
        out[k] = (float) (x[k] * inv);
      }
    }
  }

  /**
   * Carries {@code u_i = dL/dxh_i} of rows {@code i0..i1} through the normalization: {@code (u_i -
   * xh_i <xh_i, u_i>) / |x_i|}, or {@code u_i / EPS} where the clamp is active.
   */
  private static void project(
      float[] u, float[] xh, double[] nx, int i0, int i1, int dim, float[] g) {
    for (int i = i0; i < i1; i++) {
      int o = i * dim;
      double nrm = nx[i];
      if (nrm >= CosineMatrix.EPS) {
        double proj = dot(xh, u, o, o + dim);
        double inv = 1 / nrm;
        for (int d = o; d < o + dim; d++) {
          g[d] = (float) ((u[d] - xh[d] * proj) * inv);
        }
      } else {
        for (int d = o; d < o + dim; d++) {
          g[d] = (float) (u[d] / CosineMatrix.EPS);
        }
      }
    }
  }

  /**
   * {@code <x, y>} over {@code from..to} in double, in four independent sums so that the adds do
   * not wait on each other.
   */
  private static double dot(float[] x, float[] y, int from, int to) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int k = from;
    for (; k + 3 < to; k += 4) {
      s0 += (double) x[k] * y[k];
      s1 += (double) x[k + 1] * y[k + 1];
      s2 += (double) x[k + 2] * y[k + 2];
      s3 += (double) x[k + 3] * y[k + 3];
    }
    for (; k < to; k++) {
      s0 += (double) x[k] * y[k];
    }
    return (s0 + s1) + (s2 + s3);
  }
}

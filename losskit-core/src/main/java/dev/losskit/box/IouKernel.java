package dev.losskit.box;

import dev.losskit.internal.vectorization.Vectorization;

/**
 * The fused value and gradient pass of the IoU family over a range of box pairs, implemented twice:
 * by {@link ScalarIouKernel} (one pair at a time, in double) and by a Vector API implementation
 * (pairs in double lanes) loaded only when {@link Vectorization} selected the vector kernels. One
 * kernel serves every loss of the family; {@link Terms} says which penalty terms are on, fixed for
 * the whole range, so nothing is dispatched per box.
 *
 * <p>{@link #compute} works on the pairs {@code [from, to)} only: it returns the sum of their
 * losses, writes them into {@code values[from, to)} when {@code values} is not null and {@code
 * scale} times the gradient with respect to each pred box's own coordinates into {@code grad} when
 * {@code grad} is not null. The formulas are in the loss classes.
 */
interface IouKernel {
  /** The losses of the family, by the terms they add to {@code 1 - IoU}. */
  enum Terms {
    /** {@code 1 - IoU}. */
    IOU,
    /** Plus the empty share of the enclosing box. */
    GIOU,
    /** Plus the centre distance over the enclosing diagonal. */
    DIOU,
    /** Plus the DIoU distance and the aspect term weighted by alpha. */
    CIOU,
    /** Plus the DIoU distance and the width and height differences. */
    EIOU;

    boolean distance() {
      return this == DIOU || this == CIOU || this == EIOU;
    }
  }

  /**
   * The sum of the losses of pairs {@code [from, to)}.
   *
   * @param eps the eps of the IoU, enclosure, distance and size terms
   * @param alphaEps the eps of CIoU's alpha (unused by the other losses)
   * @param frozenAlpha CIoU's alpha per box when held fixed, or null to compute it from the boxes
   */
  double compute(
      Terms terms,
      Boxes.Format format,
      double eps,
      double alphaEps,
      float[] pred,
      float[] target,
      double[] frozenAlpha,
      float[] values,
      float[] grad,
      double scale,
      int from,
      int to);

  /** The vector kernel when the vector kernels are selected, else the scalar one. */
  static IouKernel selected() {
    return Selection.SELECTED;
  }

  /** The vector kernel when this JVM can run it, else null. */
  static IouKernel vector() {
    return Selection.vector();
  }

  /** Holds the choice, made once, following {@link Vectorization#kernels()}. */
  final class Selection {
    private static final String VECTOR_CLASS = "dev.losskit.box.VectorIouKernel";
    static final IouKernel SELECTED =
        Vectorization.kernels() == Vectorization.scalar() ? ScalarIouKernel.INSTANCE : orScalar();

    private Selection() {}

    private static IouKernel orScalar() {
      IouKernel v = vector();
      return v != null ? v : ScalarIouKernel.INSTANCE;
    }

    static IouKernel vector() {
      if (Vectorization.vector().isEmpty()) {
        return null;
      }
      return Vectorization.loadVector(IouKernel.class, VECTOR_CLASS).orElse(null);
    }
  }
}

package dev.losskit.image;

/**
 * A differentiable map from images to feature maps at several layers (a network such as VGG, a
 * discriminator, or the built-in {@link #builtin()} one), as the perceptual losses use it: {@code
 * perceptual}, {@code style}, {@code feature-matching} and {@code context}.
 *
 * <p>An extractor gives the feature maps of a batch of images {@code (N, C, H, W)} at layers 1 to
 * {@code deepest}, each {@code (N, C_l, H_l, W_l)}, and the vector-Jacobian product: given the
 * gradient of a loss with respect to those feature maps, the gradient with respect to the images.
 * Values are double, in C order. Implementations must be deterministic and safe to use from several
 * threads; the {@link Features} of one forward pass belong to one caller.
 */
public interface FeatureExtractor {
  /** Number of layers whose feature maps {@link #forward} can return (numbered from 1). */
  int layers();

  /**
   * Throws an {@link IllegalArgumentException} naming {@code input} when images of shape {@code (N,
   * C, H, W)} cannot pass through layers 1 to {@code deepest} (too small, wrong channel count).
   */
  void check(String input, int[] shape, int deepest);

  /**
   * Runs a batch of images through layers 1 to {@code deepest}.
   *
   * @param images {@code (N, C, H, W)} values in C order (not modified)
   * @param shape {@code (N, C, H, W)}
   */
  Features forward(double[] images, int[] shape, int deepest);

  /** The feature maps of one forward pass, and what its backward pass needs. */
  interface Features {
    /** The shape {@code (N, C_l, H_l, W_l)} of layer {@code l} (from 1). */
    int[] shape(int l);

    /** The feature maps of layer {@code l} (from 1), {@code (N, C_l, H_l, W_l)}; not a copy. */
    double[] layer(int l);

    /**
     * The vector-Jacobian product: overwrites {@code imageGrad} ({@code N C H W}) with the gradient
     * of a loss whose gradient with respect to layer {@code l} is {@code featureGrads[l - 1]} (null
     * for a layer the loss does not use).
     */
    void backward(double[][] featureGrads, double[] imageGrad);
  }

  /** The built-in deterministic extractor; see {@link BuiltinExtractor}. */
  static FeatureExtractor builtin() {
    return BuiltinExtractor.INSTANCE;
  }
}

package dev.losskit.internal.vectorization;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every provider's vector implementation loads through {@link Vectorization#loadVector} when the
 * JVM has the module (the tests run with it): a class that failed to load would silently leave its
 * losses on the scalar path.
 */
class VectorProvidersTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "dev.losskit.internal.vectorization.VectorKernels",
        "dev.losskit.internal.VectorExp",
        "dev.losskit.metric.VectorGemm",
        "dev.losskit.classification.VectorCrossEntropyRows",
        "dev.losskit.segmentation.VectorRegionKernel",
        "dev.losskit.image.VectorRowOps",
        "dev.losskit.box.VectorIouKernel"
      })
  void eachVectorImplementationLoads(String className) {
    assertTrue(Vectorization.loadVector(Object.class, className).isPresent(), className);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev.losskit.internal.NoSuchKernel"})
  void aMissingClassIsEmptyNotAnError(String className) {
    assertFalse(Vectorization.loadVector(Object.class, className).isPresent());
  }
}

package dev.losskit.internal.vectorization;

import java.lang.System.Logger.Level;
import java.lang.reflect.Constructor;
import java.util.Optional;

/**
 * Selects the kernels once, at start-up: the Vector API kernels when the JVM was started with
 * {@code --add-modules jdk.incubator.vector} and the system property {@code losskit.vector} is not
 * {@code false}; the scalar kernels otherwise. The vector class is loaded reflectively, and only
 * when the module is present, so a JVM without the module never touches the incubator API.
 *
 * <p>The choice is logged through {@link System.Logger} at {@code DEBUG}, which the default
 * configuration does not print: the command line's standard output and error are a contract.
 */
public final class Vectorization {
  /** The system property that disables the vector kernels when set to {@code false}. */
  public static final String PROPERTY = "losskit.vector";

  static final String VECTOR_MODULE = "jdk.incubator.vector";
  private static final String VECTOR_CLASS = "dev.losskit.internal.vectorization.VectorKernels";
  private static final System.Logger LOG = System.getLogger(Vectorization.class.getName());

  private static final Kernels KERNELS = select(System.getProperty(PROPERTY));

  private Vectorization() {}

  /** The kernels selected at start-up. */
  public static Kernels kernels() {
    return KERNELS;
  }

  /** The scalar kernels, whatever was selected. */
  public static Kernels scalar() {
    return ScalarKernels.INSTANCE;
  }

  /** The vector kernels, or empty when this JVM cannot run them (module absent, no SIMD). */
  public static Optional<Kernels> vector() {
    return KERNELS instanceof ScalarKernels ? loadVector() : Optional.of(KERNELS);
  }

  /**
   * The kernels for the given value of {@link #PROPERTY}: scalar for {@code "false"} or when the
   * vector kernels cannot be loaded.
   */
  static Kernels select(String property) {
    if ("false".equalsIgnoreCase(property)) {
      LOG.log(Level.DEBUG, "losskit: scalar kernels ({0}=false)", PROPERTY);
      return ScalarKernels.INSTANCE;
    }
    Optional<Kernels> vector = loadVector();
    if (vector.isPresent()) {
      LOG.log(Level.DEBUG, "losskit: Vector API kernels, {0}", vector.get());
      return vector.get();
    }
    LOG.log(
        Level.DEBUG,
        "losskit: scalar kernels; start the JVM with --add-modules {0} for the SIMD kernels",
        VECTOR_MODULE);
    return ScalarKernels.INSTANCE;
  }

  private static Optional<Kernels> loadVector() {
    return loadVector(Kernels.class, VECTOR_CLASS);
  }

  /**
   * The Vector API implementation {@code className} of {@code type} (a class with a no-argument
   * constructor), loaded only when the JVM has the module; empty when the module is absent or the
   * constructor refuses (vectors too narrow to gain). Every kernel provider of the library loads
   * its vector implementation through here, so that none touches the incubator API without the
   * module.
   */
  public static <T> Optional<T> loadVector(Class<T> type, String className) {
    if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
      return Optional.empty();
    }
    try {
      // The implementations are package-private, in their provider's package.
      Constructor<?> c = Class.forName(className).getDeclaredConstructor();
      c.setAccessible(true);
      return Optional.of(type.cast(c.newInstance()));
    } catch (ReflectiveOperationException | LinkageError e) {
      // Constructor refusal (vectors narrower than 128 bits) arrives wrapped as the cause.
      LOG.log(Level.DEBUG, "losskit: " + className + " unavailable", e);
      return Optional.empty();
    }
  }

  /**
   * The implementation of {@code type} to use: the vector one ({@link #loadVector}) unless {@link
   * #PROPERTY} is {@code false} or it cannot be loaded, else {@code scalar}. Read once per
   * provider, at start-up.
   */
  public static <T> T select(Class<T> type, String className, T scalar) {
    if ("false".equalsIgnoreCase(System.getProperty(PROPERTY))) {
      return scalar;
    }
    return loadVector(type, className).orElse(scalar);
  }
}

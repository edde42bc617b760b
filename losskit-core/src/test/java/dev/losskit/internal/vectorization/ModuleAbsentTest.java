package dev.losskit.internal.vectorization;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A JVM started without {@code --add-modules jdk.incubator.vector} (as {@code java -jar} without
 * the flag) selects the scalar kernels and computes, without touching the incubator API.
 */
class ModuleAbsentTest {
  /** Run in the child JVM: prints the selected kernels and an mse value. */
  public static void main(String[] args) {
    float[] p = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    float[] t = new float[p.length];
    System.out.println(
        Vectorization.kernels().getClass().getSimpleName()
            + " "
            + Vectorization.vector().isPresent()
            + " "
            + Vectorization.kernels().mse(p, t, null, null, 1, 0, p.length));
  }

  @Test
  void withoutTheModuleTheScalarKernelsRun() throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    ModuleAbsentTest.class.getName()))
            .redirectErrorStream(true)
            .start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    child.waitFor(60, TimeUnit.SECONDS);
    assertEquals(0, child.exitValue(), out);
    // 1^2 + ... + 11^2 = 506; nothing else on stdout or stderr (the fallback logs at DEBUG).
    assertEquals("ScalarKernels false 506.0", out);
  }
}

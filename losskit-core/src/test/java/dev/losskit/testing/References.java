package dev.losskit.testing;

import dev.losskit.Reduction;
import dev.losskit.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reference cases generated from peers (PyTorch, torchvision, scikit-learn) by {@code
 * tools/reference/generate.py}, one JSON file per catalogue id under {@code
 * src/test/resources/reference}.
 */
public final class References {
  /**
   * Where the reference files live: this module's test resources, seen from any module of the
   * build.
   */
  public static final Path DIR = locate();

  private static Path locate() {
    Path here = Paths.get("src", "test", "resources", "reference");
    Path core = Paths.get("..", "losskit-core").resolve(here);
    return Files.isDirectory(core) ? core : here;
  }

  /** One case: a loss evaluation and what the peer computed for it. */
  public record Case(
      String id,
      String name,
      String peer,
      Map<String, String> params,
      Reduction reduction,
      Map<String, Tensor> inputs,
      double value,
      Tensor values,
      Map<String, Tensor> grads) {
    @Override
    public String toString() {
      return id + " / " + name + " / " + reduction.id() + " " + params;
    }
  }

  private References() {}

  /** Whether a reference file exists for the id. */
  public static boolean exists(String id) {
    return Files.exists(DIR.resolve(id + ".json"));
  }

  /** Every case of every reference file. */
  public static List<Case> all() {
    List<Case> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path f : (Iterable<Path>) files.sorted()::iterator) {
        if (f.toString().endsWith(".json")) {
          out.addAll(read(f));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The cases of one file. */
  @SuppressWarnings("unchecked")
  public static List<Case> read(Path file) {
    Map<String, Object> doc;
    try {
      doc = (Map<String, Object>) Json.parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String id = (String) doc.get("id");
    String peer = (String) doc.get("peer");
    List<Case> out = new ArrayList<>();
    for (Object o : (List<Object>) doc.get("cases")) {
      Map<String, Object> c = (Map<String, Object>) o;
      Map<String, String> params = new java.util.LinkedHashMap<>();
      ((Map<String, Object>) c.getOrDefault("params", Map.of()))
          .forEach((k, v) -> params.put(k, render(v)));
      Map<String, Tensor> inputs = tensors((Map<String, Object>) c.get("inputs"));
      Map<String, Tensor> grads = tensors((Map<String, Object>) c.getOrDefault("grads", Map.of()));
      Object v = c.get("value");
      Tensor values =
          c.containsKey("values") ? tensor((Map<String, Object>) c.get("values")) : null;
      out.add(
          new Case(
              id,
              (String) c.get("name"),
              peer,
              params,
              Reduction.parse((String) c.get("reduction")),
              inputs,
              v == null ? Double.NaN : (Double) v,
              values,
              grads));
    }
    return out;
  }

  private static String render(Object v) {
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString(d.longValue());
    }
    if (v instanceof List<?> l) {
      StringBuilder b = new StringBuilder();
      for (Object x : l) {
        b.append(b.length() == 0 ? "" : ",").append(render(x));
      }
      return b.toString();
    }
    return String.valueOf(v);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Tensor> tensors(Map<String, Object> m) {
    Map<String, Tensor> out = new java.util.LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, tensor((Map<String, Object>) v)));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Tensor tensor(Map<String, Object> t) {
    List<Object> shapeList = (List<Object>) t.get("shape");
    int[] shape = new int[shapeList.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = ((Double) shapeList.get(i)).intValue();
    }
    List<Object> data = (List<Object>) t.get("data");
    float[] x = new float[data.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = ((Double) data.get(i)).floatValue();
    }
    String dtype = (String) t.getOrDefault("dtype", "float32");
    return dtype.startsWith("int") ? Tensor.integral(x, shape) : Tensor.shaped(x, shape);
  }
}

package dev.losskit.io;

import dev.losskit.Shapes;
import dev.losskit.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files: little-endian float32, float64, int32 and int64 in C
 * order, format versions 1 to 3.
 *
 * <p>Floating files become floating tensors (float64 rounded to float32); integer files become
 * integral tensors (class indices, labels). Anything else (other dtypes, big-endian data, Fortran
 * order, a truncated or corrupt file) is refused with an {@link NpyFormatException} that names the
 * file and the problem.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /** Reads a tensor from a file. */
  public static Tensor read(Path file) throws IOException {
    return read(Files.readAllBytes(file), file.toString());
  }

  /** Reads a tensor from the bytes of a {@code .npy} file; {@code name} is used in messages. */
  public static Tensor read(byte[] bytes, String name) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 10) {
      throw new NpyFormatException(name + ": not a .npy file (only " + bytes.length + " bytes)");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        throw new NpyFormatException(
            name + ": not a .npy file (the magic string \\x93NUMPY is missing)");
      }
    }
    int major = bytes[6];
    int headerLength;
    int headerStart;
    if (major == 1) {
      headerLength = Short.toUnsignedInt(b.getShort(8));
      headerStart = 10;
    } else if (major == 2 || major == 3) {
      if (bytes.length < 12) {
        throw new NpyFormatException(name + ": truncated header");
      }
      headerLength = b.getInt(8);
      headerStart = 12;
    } else {
      throw new NpyFormatException(
          name + ": expected .npy format version 1, 2 or 3, found " + major);
    }
    if (headerLength < 0 || headerStart + headerLength > bytes.length) {
      throw new NpyFormatException(name + ": truncated header");
    }
    String header =
        new String(
            bytes,
            headerStart,
            headerLength,
            major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    String descr = group(DESCR, header, name, "descr");
    String fortran = group(FORTRAN, header, name, "fortran_order");
    int[] shape = shape(group(SHAPE, header, name, "shape"), name);
    if (fortran.equals("True")) {
      throw new NpyFormatException(
          name + ": expected C order, found Fortran order (save with np.ascontiguousarray)");
    }
    int width;
    switch (descr) {
      case "<f4":
      case "<i4":
        width = 4;
        break;
      case "<f8":
      case "<i8":
        width = 8;
        break;
      default:
        String why =
            descr.startsWith(">")
                ? " (big-endian data: convert with a.astype(a.dtype.newbyteorder('<')))"
                : "";
        throw new NpyFormatException(
            name
                + ": expected dtype float32, float64, int32 or int64 (little-endian), found '"
                + descr
                + "'"
                + why);
    }
    int count = Shapes.size(shape);
    int dataStart = headerStart + headerLength;
    long needed = (long) count * width;
    if (bytes.length - dataStart < needed) {
      throw new NpyFormatException(
          name
              + ": truncated data: shape "
              + Shapes.toString(shape)
              + " needs "
              + needed
              + " bytes, found "
              + (bytes.length - dataStart));
    }
    if (bytes.length - dataStart > needed) {
      throw new NpyFormatException(
          name
              + ": corrupt file: "
              + (bytes.length - dataStart - needed)
              + " bytes after the data of shape "
              + Shapes.toString(shape));
    }
    float[] x = new float[count];
    b.position(dataStart);
    switch (descr) {
      case "<f4":
        b.asFloatBuffer().get(x);
        return Tensor.shaped(x, shape);
      case "<f8":
        for (int i = 0; i < count; i++) {
          x[i] = (float) b.getDouble(dataStart + 8 * i);
        }
        return Tensor.shaped(x, shape);
      case "<i4":
        for (int i = 0; i < count; i++) {
          x[i] = integer(b.getInt(dataStart + 4 * i), i, name);
        }
        return Tensor.integral(x, shape);
      default:
        for (int i = 0; i < count; i++) {
          x[i] = integer(b.getLong(dataStart + 8 * i), i, name);
        }
        return Tensor.integral(x, shape);
    }
  }

  private static float integer(long v, int index, String name) {
    if (Math.abs(v) > (1 << 24)) {
      throw new NpyFormatException(
          name
              + ": expected integers below 2^24 in magnitude (class indices, labels), found "
              + v
              + " at index "
              + index);
    }
    return v;
  }

  private static String group(Pattern p, String header, String name, String key) {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new NpyFormatException(name + ": corrupt header: no '" + key + "' in " + header.trim());
    }
    return m.group(1);
  }

  private static int[] shape(String text, String name) {
    List<Integer> dims = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      try {
        dims.add(Integer.parseInt(p.endsWith("L") ? p.substring(0, p.length() - 1) : p));
      } catch (NumberFormatException e) {
        throw new NpyFormatException(name + ": corrupt header: bad shape (" + text + ")");
      }
    }
    int[] shape = new int[dims.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = dims.get(i);
      if (shape[i] < 0) {
        throw new NpyFormatException(
            name + ": corrupt header: negative dimension in (" + text + ")");
      }
    }
    return shape;
  }

  /** The bytes of a float32 {@code .npy} file (version 1) holding the tensor's values. */
  public static byte[] toBytes(Tensor t) {
    StringBuilder shape = new StringBuilder("(");
    int[] s = t.shape();
    for (int i = 0; i < s.length; i++) {
      shape.append(s[i]).append(s.length == 1 || i < s.length - 1 ? "," : "");
      if (i < s.length - 1) {
        shape.append(' ');
      }
    }
    shape.append(')');
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    // Header padded with spaces and ended by a newline so that the data starts 64-byte aligned.
    int unpadded = MAGIC.length + 4 + dict.length() + 1;
    int pad = (64 - unpadded % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    float[] x = t.data();
    ByteBuffer b =
        ByteBuffer.allocate(MAGIC.length + 4 + header.length() + 4 * x.length)
            .order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
    b.put(header.getBytes(StandardCharsets.ISO_8859_1));
    b.asFloatBuffer().put(x);
    return b.array();
  }

  /** Writes a float32 {@code .npy} file. */
  public static void write(Path file, Tensor t) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(toBytes(t));
    }
  }
}

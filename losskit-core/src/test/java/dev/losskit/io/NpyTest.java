package dev.losskit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NpyTest {
  /** A .npy file as NumPy writes it: version 1, padded header, then the data. */
  static byte[] npy(String descr, boolean fortran, String shape, byte[] data) {
    String dict =
        "{'descr': '"
            + descr
            + "', 'fortran_order': "
            + (fortran ? "True" : "False")
            + ", 'shape': "
            + shape
            + ", }";
    int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    ByteBuffer b =
        ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0})
        .putShort((short) header.length());
    b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
    return b.array();
  }

  static byte[] le(int width, double... values) {
    ByteBuffer b = ByteBuffer.allocate(width * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      if (width == 4) {
        b.putFloat((float) v);
      } else {
        b.putDouble(v);
      }
    }
    return b.array();
  }

  @Test
  void readsEverySupportedDtype() {
    Tensor f4 = Npy.read(npy("<f4", false, "(2, 2)", le(4, 1, 2, 3, 4)), "f4");
    assertTrue(f4.hasShape(2, 2) && !f4.isIntegral());
    assertArrayEquals(new float[] {1, 2, 3, 4}, f4.data());
    Tensor f8 = Npy.read(npy("<f8", false, "(3,)", le(8, 0.5, -1e300, 2)), "f8");
    assertArrayEquals(new float[] {0.5f, Float.NEGATIVE_INFINITY, 2}, f8.data());
    ByteBuffer i4 =
        ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(0).putInt(-100).putInt(7);
    Tensor ti4 = Npy.read(npy("<i4", false, "(3,)", i4.array()), "i4");
    assertTrue(ti4.isIntegral());
    assertArrayEquals(new float[] {0, -100, 7}, ti4.data());
    ByteBuffer i8 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(3).putLong(1);
    Tensor ti8 = Npy.read(npy("<i8", false, "(2,)", i8.array()), "i8");
    assertTrue(ti8.isIntegral());
    assertArrayEquals(new float[] {3, 1}, ti8.data());
    Tensor scalar = Npy.read(npy("<f4", false, "()", le(4, 5)), "scalar");
    assertTrue(scalar.hasShape());
    Tensor empty = Npy.read(npy("<f4", false, "(0, 3)", new byte[0]), "empty");
    assertTrue(empty.hasShape(0, 3));
  }

  @Test
  void writesWhatItReads() {
    Tensor t = Tensor.of(new float[] {1.5f, -2, 3, 4, 5, 6}, 2, 3);
    byte[] bytes = Npy.toBytes(t);
    assertEquals(0, (bytes.length - 4 * 6) % 64, "data 64-byte aligned");
    Tensor back = Npy.read(bytes, "round trip");
    assertTrue(back.hasShape(2, 3));
    assertArrayEquals(t.data(), back.data());
    assertTrue(new String(bytes, StandardCharsets.ISO_8859_1).contains("'shape': (2, 3)"));
    assertTrue(
        new String(Npy.toBytes(Tensor.of(new float[] {1})), StandardCharsets.ISO_8859_1)
            .contains("(1,)"));
  }

  private static void refused(byte[] bytes, String... words) {
    NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(bytes, "x.npy"));
    assertTrue(e.getMessage().startsWith("x.npy: "), e.getMessage());
    for (String w : words) {
      assertTrue(e.getMessage().contains(w), e.getMessage());
    }
  }

  @Test
  void refusesWhatItCannotRead() {
    refused(npy(">f4", false, "(1,)", le(4, 1)), "big-endian");
    refused(npy("<f4", true, "(1,)", le(4, 1)), "Fortran");
    refused(npy("<i2", false, "(1,)", new byte[2]), "'<i2'");
    refused(npy("|b1", false, "(1,)", new byte[1]), "'|b1'");
    refused(npy("<c8", false, "(1,)", new byte[8]), "'<c8'");
    byte[] good = npy("<f4", false, "(4,)", le(4, 1, 2, 3, 4));
    refused(Arrays.copyOf(good, good.length - 1), "truncated data");
    refused(Arrays.copyOf(good, 20), "truncated header");
    refused(Arrays.copyOf(good, good.length + 4), "corrupt");
    refused("just text, not numpy".getBytes(StandardCharsets.UTF_8), "not a .npy file");
    refused(new byte[3], "not a .npy file");
    refused(npy("<f4", false, "(a, b)", new byte[0]), "bad shape");
    ByteBuffer big = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
    refused(npy("<i8", false, "(1,)", big.array()), "2^24");
    byte[] v9 = good.clone();
    v9[6] = 9;
    refused(v9, "version");
  }
}

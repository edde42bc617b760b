package dev.losskit.io;

/** A {@code .npy} file that losskit cannot read, with the file and the problem named. */
public final class NpyFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public NpyFormatException(String message) {
    super(message);
  }
}

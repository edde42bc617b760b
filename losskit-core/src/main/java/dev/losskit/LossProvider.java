package dev.losskit;

import java.util.List;

/**
 * Contributes third-party losses to the {@link Catalog}: implement it, and name the class in {@code
 * META-INF/services/dev.losskit.LossProvider}.
 */
public interface LossProvider {
  List<LossSpec> specs();
}

package dev.losskit;

/** Holds the catalogue entry and parameters, so that a loss class states only its math. */
public abstract class AbstractLoss implements Loss {
  private final LossSpec spec;
  private final Params params;

  protected AbstractLoss(LossSpec spec, Params params) {
    this.spec = spec;
    this.params = params;
  }

  @Override
  public final LossSpec spec() {
    return spec;
  }

  @Override
  public final Params params() {
    return params;
  }

  @Override
  public String toString() {
    return spec.id() + params;
  }
}

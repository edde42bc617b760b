package dev.losskit;

/**
 * One named input of a loss.
 *
 * @param name the catalogue name ({@code pred}, {@code target}, {@code weight}, ...)
 * @param shape the layout, e.g. {@code (N, C, d1, ..., dk)}
 * @param domain the values it may hold
 * @param differentiable whether the loss gives a gradient with respect to it
 * @param optional whether it may be absent
 * @param description what it is, in a few words
 */
public record InputSpec(
    String name,
    String shape,
    InputDomain domain,
    boolean differentiable,
    boolean optional,
    String description) {}

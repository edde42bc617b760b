package dev.losskit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The catalogue entry of one loss: everything a user, the CLI, the docs, the benchmarks and the
 * tests need to know about it, and the factory that makes instances from parameters.
 */
public final class LossSpec {
  /** Makes typical inputs of a loss for gradient checks, benchmarks and tests. */
  @FunctionalInterface
  public interface Sampler {
    /**
     * Returns one tensor per declared input (null for an optional input left out), sized by {@code
     * n}: elements for elementwise losses, samples (rows) for per-sample losses.
     */
    Tensor[] sample(Params params, SplittableRandom random, int n);
  }

  /** A paper or page that defines the loss. */
  public record Reference(String citation, String url) {}

  private final String id;
  private final Family family;
  private final String name;
  private final String summary;
  private final String formula;
  private final String gradient;
  private final List<InputSpec> inputs;
  private final List<ParamSpec> params;
  private final Set<Trait> traits;
  private final Set<Task> tasks;
  private final List<Reference> references;
  private final String equivalent;
  private final String peer;
  private final String whenToUse;
  private final List<String> aliases;
  private final Set<Reduction> reductions;
  private final Reduction defaultReduction;
  private final Function<Params, Loss> factory;
  private final Sampler sampler;

  private LossSpec(Builder b, Function<Params, Loss> factory) {
    this.id = b.id;
    this.family = b.family;
    this.name = Objects.requireNonNull(b.name, "name");
    this.summary = Objects.requireNonNull(b.summary, "summary");
    this.formula = Objects.requireNonNull(b.formula, "formula");
    this.gradient = Objects.requireNonNull(b.gradient, "gradient");
    this.inputs = List.copyOf(b.inputs);
    this.params = List.copyOf(b.params);
    this.traits =
        Collections.unmodifiableSet(
            b.traits.isEmpty() ? EnumSet.noneOf(Trait.class) : EnumSet.copyOf(b.traits));
    this.tasks =
        Collections.unmodifiableSet(
            b.tasks.isEmpty() ? EnumSet.noneOf(Task.class) : EnumSet.copyOf(b.tasks));
    this.references = List.copyOf(b.references);
    this.equivalent = b.equivalent;
    this.peer = b.peer;
    this.whenToUse = Objects.requireNonNull(b.whenToUse, "whenToUse");
    this.aliases = List.copyOf(b.aliases);
    this.reductions = Collections.unmodifiableSet(EnumSet.copyOf(b.reductions));
    this.defaultReduction = b.defaultReduction;
    this.factory = factory;
    this.sampler = Objects.requireNonNull(b.sampler, "sampler");
    if (inputs.isEmpty()) {
      throw new IllegalStateException(id + ": a loss needs at least one input");
    }
    if (!reductions.contains(defaultReduction)) {
      throw new IllegalStateException(id + ": default reduction not among the allowed ones");
    }
  }

  /** Starts an entry; {@code id} is the stable kebab-case catalogue id. */
  public static Builder builder(String id, Family family) {
    return new Builder(id, family);
  }

  /**
   * Starts an entry for an elementwise loss of {@code pred} and {@code target} of equal shape, mean
   * over elements.
   */
  public static Builder elementwise(String id, Family family) {
    return builder(id, family)
        .input("pred", "(*)", InputDomain.REAL, true, "predictions")
        .input("target", "(*), as pred", InputDomain.REAL, false, "targets");
  }

  public String id() {
    return id;
  }

  public Family family() {
    return family;
  }

  /** Display name, e.g. "Huber". */
  public String name() {
    return name;
  }

  /** One sentence: what it measures and when to use it. */
  public String summary() {
    return summary;
  }

  /** The per-element (or per-sample) loss, in plain text. */
  public String formula() {
    return formula;
  }

  /** Its derivatives, in plain text. */
  public String gradient() {
    return gradient;
  }

  public List<InputSpec> inputs() {
    return inputs;
  }

  /** Index of the input called {@code name}, or -1. */
  public int inputIndex(String name) {
    for (int i = 0; i < inputs.size(); i++) {
      if (inputs.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  public List<ParamSpec> params() {
    return params;
  }

  public Set<Trait> traits() {
    return traits;
  }

  public boolean has(Trait t) {
    return traits.contains(t);
  }

  /** The review's tasks this loss serves, in {@link Task} order. */
  public Set<Task> tasks() {
    return tasks;
  }

  public List<Reference> references() {
    return references;
  }

  /** The equivalent call in PyTorch or another library, or "" where none exists. */
  public String equivalent() {
    return equivalent;
  }

  /**
   * The peer whose reference values the tests compare with ("pytorch", "torchvision",
   * "scikit-learn"), or "" where the catalogue formula is the only definition.
   */
  public String peer() {
    return peer;
  }

  public String whenToUse() {
    return whenToUse;
  }

  public List<String> aliases() {
    return aliases;
  }

  public Set<Reduction> reductions() {
    return reductions;
  }

  public Reduction defaultReduction() {
    return defaultReduction;
  }

  public Sampler sampler() {
    return sampler;
  }

  /** Typical inputs for the given parameters; see {@link Sampler}. */
  public Tensor[] sample(Params p, SplittableRandom random, int n) {
    return sampler.sample(p, random, n);
  }

  /** The loss with every parameter at its default. */
  public Loss create() {
    return create(Map.of());
  }

  /**
   * The loss with the given parameters (text or Java values), the rest at their defaults.
   *
   * @throws IllegalArgumentException for an unknown parameter or a value outside its domain
   */
  public Loss create(Map<String, ?> given) {
    return factory.apply(params(given));
  }

  /** Parses and checks parameters without making a loss. */
  public Params params(Map<String, ?> given) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (ParamSpec p : params) {
      values.put(p.name(), p.defaultValue());
    }
    for (Map.Entry<String, ?> e : given.entrySet()) {
      ParamSpec p = param(e.getKey());
      values.put(p.name(), p.parse(e.getValue()));
    }
    return new Params(values);
  }

  /** The default parameters. */
  public Params defaults() {
    return params(Map.of());
  }

  private ParamSpec param(String name) {
    for (ParamSpec p : params) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    List<String> names = new ArrayList<>();
    for (ParamSpec p : params) {
      names.add(p.name());
    }
    throw new IllegalArgumentException(
        "parameter "
            + name
            + ": not a parameter of "
            + id
            + "; expected "
            + (names.isEmpty() ? "no parameters" : "one of " + String.join(", ", names)));
  }

  @Override
  public String toString() {
    return id;
  }

  /** Collects the parts of a {@link LossSpec}. */
  public static final class Builder {
    private final String id;
    private final Family family;
    private String name;
    private String summary;
    private String formula;
    private String gradient;
    private final List<InputSpec> inputs = new ArrayList<>();
    private final List<ParamSpec> params = new ArrayList<>();
    private final Set<Trait> traits = EnumSet.noneOf(Trait.class);
    private final Set<Task> tasks = EnumSet.noneOf(Task.class);
    private final List<Reference> references = new ArrayList<>();
    private String equivalent = "";
    private String peer = "";
    private String whenToUse;
    private final List<String> aliases = new ArrayList<>();
    private final Set<Reduction> reductions =
        EnumSet.of(Reduction.MEAN, Reduction.SUM, Reduction.NONE);
    private Reduction defaultReduction = Reduction.MEAN;
    private Sampler sampler;

    private Builder(String id, Family family) {
      if (!id.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
        throw new IllegalArgumentException("id: expected kebab-case, found '" + id + "'");
      }
      this.id = id;
      this.family = Objects.requireNonNull(family);
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder summary(String summary) {
      this.summary = summary;
      return this;
    }

    public Builder formula(String formula) {
      this.formula = formula;
      return this;
    }

    public Builder gradient(String gradient) {
      this.gradient = gradient;
      return this;
    }

    /** Adds a required input. */
    public Builder input(
        String name, String shape, InputDomain domain, boolean differentiable, String description) {
      inputs.add(new InputSpec(name, shape, domain, differentiable, false, description));
      return this;
    }

    /** Adds an optional input; it must come after the required ones. */
    public Builder optionalInput(
        String name, String shape, InputDomain domain, boolean differentiable, String description) {
      inputs.add(new InputSpec(name, shape, domain, differentiable, true, description));
      return this;
    }

    /**
     * Replaces the domain of an input already declared (e.g. the target of {@link #elementwise}).
     */
    public Builder domain(String input, InputDomain domain) {
      for (int i = 0; i < inputs.size(); i++) {
        InputSpec s = inputs.get(i);
        if (s.name().equals(input)) {
          inputs.set(
              i,
              new InputSpec(
                  s.name(), s.shape(), domain, s.differentiable(), s.optional(), s.description()));
          return this;
        }
      }
      throw new IllegalStateException(id + ": no input " + input);
    }

    public Builder param(ParamSpec p) {
      params.add(p);
      return this;
    }

    public Builder traits(Trait... ts) {
      traits.addAll(List.of(ts));
      return this;
    }

    /** The review's tasks the loss serves (see {@link Task}). */
    public Builder tasks(Task... ts) {
      tasks.addAll(List.of(ts));
      return this;
    }

    public Builder reference(String citation, String url) {
      references.add(new Reference(citation, url));
      return this;
    }

    /**
     * The equivalent call elsewhere, and the peer the reference tests compare with ("" for none).
     */
    public Builder equivalent(String call, String peer) {
      this.equivalent = call;
      this.peer = peer;
      return this;
    }

    public Builder whenToUse(String text) {
      this.whenToUse = text;
      return this;
    }

    public Builder aliases(String... names) {
      aliases.addAll(List.of(names));
      return this;
    }

    /** Allows {@code batchmean} as well. */
    public Builder batchmean() {
      reductions.add(Reduction.BATCHMEAN);
      return this;
    }

    /** Restricts the reductions to these. */
    public Builder onlyReductions(Reduction... rs) {
      reductions.clear();
      reductions.addAll(List.of(rs));
      return this;
    }

    public Builder defaultReduction(Reduction r) {
      this.defaultReduction = r;
      return this;
    }

    public Builder sampler(Sampler s) {
      this.sampler = s;
      return this;
    }

    public LossSpec build(Function<Params, Loss> factory) {
      return new LossSpec(this, factory);
    }
  }
}

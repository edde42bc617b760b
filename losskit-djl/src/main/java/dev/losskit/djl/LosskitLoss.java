package dev.losskit.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.losskit.Catalog;
import dev.losskit.InputDomain;
import dev.losskit.InputSpec;
import dev.losskit.Loss;
import dev.losskit.LossSpec;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A DJL loss that computes any differentiable catalogue loss with losskit, so that a DJL {@code
 * Trainer} follows losskit's exact analytic gradient.
 *
 * <h2>Forward and backward</h2>
 *
 * <p>{@link #evaluate} copies the predictions and labels to {@code float[]}, runs losskit's fused
 * value-and-gradient kernel once, and returns the scalar
 *
 * <pre>{@code
 * v + sum_k sum((pred_k - stopGradient(pred_k)) * g_k)
 * }</pre>
 *
 * where {@code v} is losskit's reduced value and {@code g_k} its gradient with respect to
 * prediction {@code k}, both constants. The second term is exactly zero, so the result's value is
 * {@code v}; its derivative with respect to {@code pred_k} is {@code g_k}, so the engine's backward
 * pass receives losskit's gradient and chains it into the model. No loss arithmetic runs in the
 * engine. Labels receive no gradient.
 *
 * <h2>Which arrays are which inputs</h2>
 *
 * <p>The {@code predictions} and {@code labels} lists of {@link #evaluate} are bound, position by
 * position, to the loss's declared inputs (see {@code losskit describe ID}). By default:
 *
 * <ul>
 *   <li>predictions: the required differentiable inputs in declared order, except {@code target}
 *       ({@code pred}; {@code pred, var} for {@code gaussian-nll}; {@code anchor, positive,
 *       negative} for {@code triplet-margin}; {@code reconstruction, mu, logvar} for {@code vae});
 *   <li>labels: the other required inputs in declared order ({@code target}; {@code target,
 *       insample} for {@code mase}; {@code label} for {@code contrastive}; none for {@code
 *       info-nce} or {@code entropy});
 *   <li>optional inputs ({@code weight}, {@code pos-weight}, {@code alpha}, {@code class-weight},
 *       ...) are left out unless named: with {@link Builder#predictions}/{@link Builder#labels} to
 *       take them from the lists, or {@link Builder#input} to fix them once (class weights).
 * </ul>
 *
 * <p>Both lists must hold exactly the bound arrays, except that labels are ignored when no input is
 * bound to them (DJL's training loop needs a label array even for unsupervised losses).
 *
 * <h2>Data types</h2>
 *
 * <p>Predictions must be float32. Labels of any numeric type are read as float32; integer and
 * boolean labels are integral tensors (class indices), floating ones values or probabilities, as in
 * PyTorch. An input that holds only class indices also accepts whole-valued floating labels, as
 * DJL's datasets produce them.
 *
 * <h2>Reductions</h2>
 *
 * <p>As DJL's built-in losses, the result is a scalar: the loss's default reduction ({@code mean}
 * for nearly all, with PyTorch's denominators), or {@code sum} or {@code batchmean} where the loss
 * allows it. {@code none} is rejected: a trainer differentiates one number.
 *
 * <p>The loss, reduction and binding are fixed when built; the only mutable state is the
 * accumulators every DJL {@code Loss} keeps for its training listeners.
 */
public final class LosskitLoss extends ai.djl.training.loss.Loss {
  private final Loss loss;
  private final Reduction reduction;
  private final int[] predictionInputs;
  private final int[] labelInputs;
  private final Tensor[] constants;

  private LosskitLoss(Builder b, int[] predictionInputs, int[] labelInputs, Tensor[] constants) {
    super(b.name == null ? b.loss.spec().id() : b.name);
    this.loss = b.loss;
    this.reduction = b.reduction;
    this.predictionInputs = predictionInputs;
    this.labelInputs = labelInputs;
    this.constants = constants;
  }

  /** The catalogue loss {@code idOrAlias} with default parameters and binding. */
  public static LosskitLoss of(String idOrAlias) {
    return builder(idOrAlias).build();
  }

  /** The catalogue loss {@code idOrAlias} with these parameters and the default binding. */
  public static LosskitLoss of(String idOrAlias, Map<String, ?> params) {
    return builder(idOrAlias).params(params).build();
  }

  /**
   * Starts a loss from the built-in catalogue (with any {@code LossProvider} on the class path).
   *
   * @throws IllegalArgumentException for an unknown id
   */
  public static Builder builder(String idOrAlias) {
    return new Builder(Catalog.builtin().get(idOrAlias), null);
  }

  /** Starts from a configured losskit loss (parameters already set). */
  public static Builder builder(Loss loss) {
    return new Builder(loss.spec(), loss);
  }

  /** The losskit loss this computes. */
  public Loss loss() {
    return loss;
  }

  /** The reduction applied to the unreduced loss. */
  public Reduction reduction() {
    return reduction;
  }

  /** The declared input names the prediction arrays are bound to, in list order. */
  public List<String> predictionNames() {
    return names(predictionInputs);
  }

  /** The declared input names the label arrays are bound to, in list order. */
  public List<String> labelNames() {
    return names(labelInputs);
  }

  private List<String> names(int[] inputs) {
    List<String> out = new ArrayList<>();
    for (int k : inputs) {
      out.add(loss.spec().inputs().get(k).name());
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * The reduced losskit value, as a float32 scalar on the predictions' manager whose gradient with
   * respect to each prediction is losskit's analytic gradient.
   *
   * @throws IllegalArgumentException naming the array or input when the lists do not match the
   *     binding, a prediction is not float32, or losskit rejects the values
   */
  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    String id = loss.spec().id();
    if (predictions.size() != predictionInputs.length) {
      throw new IllegalArgumentException(
          "predictions: "
              + id
              + " expects "
              + predictionInputs.length
              + " array(s) "
              + predictionNames()
              + ", found "
              + predictions.size());
    }
    if (labelInputs.length > 0 && labels.size() != labelInputs.length) {
      throw new IllegalArgumentException(
          "labels: "
              + id
              + " expects "
              + labelInputs.length
              + " array(s) "
              + labelNames()
              + ", found "
              + labels.size());
    }
    Tensor[] in = constants.clone();
    float[][] grads = new float[in.length][];
    for (int i = 0; i < predictionInputs.length; i++) {
      int k = predictionInputs[i];
      NDArray p = predictions.get(i);
      if (p.getDataType() != DataType.FLOAT32) {
        throw new IllegalArgumentException(
            "predictions["
                + i
                + "] ("
                + inputName(k)
                + "): expected float32, found "
                + p.getDataType());
      }
      in[k] = Tensor.shaped(p.toFloatArray(), dims(p, inputName(k)));
      grads[k] = new float[in[k].size()];
    }
    for (int i = 0; i < labelInputs.length; i++) {
      int k = labelInputs[i];
      in[k] = labelTensor(labels.get(i), inputName(k), loss.inputDomain(k));
    }
    double value = loss.evaluate(reduction, in, null, grads);

    // The surrogate: value v, derivative g_k with respect to prediction k, and an exact zero added.
    NDManager manager = predictions.head().getManager();
    NDArray out = manager.create((float) value);
    for (int i = 0; i < predictionInputs.length; i++) {
      NDArray p = predictions.get(i);
      NDArray g = manager.create(grads[predictionInputs[i]], p.getShape());
      out = out.add(p.sub(p.stopGradient()).mul(g).sum());
    }
    return out;
  }

  private String inputName(int k) {
    return loss.spec().inputs().get(k).name();
  }

  private static Tensor labelTensor(NDArray a, String name, InputDomain domain) {
    DataType type = a.getDataType();
    int[] shape = dims(a, name);
    float[] data;
    if (type == DataType.FLOAT32) {
      data = a.toFloatArray();
    } else if (type.isFloating() || type.isInteger() || type.isBoolean()) {
      try (NDArray f = a.toType(DataType.FLOAT32, true)) {
        data = f.toFloatArray();
      }
    } else {
      throw new IllegalArgumentException(
          name + ": expected a numeric label array, found " + type + " " + a.getShape());
    }
    boolean integral =
        type.isInteger() || type.isBoolean() || (domain == InputDomain.CLASS_INDEX && wholes(data));
    return integral ? Tensor.integral(data, shape) : Tensor.shaped(data, shape);
  }

  private static boolean wholes(float[] x) {
    for (float v : x) {
      if (v != Math.rint(v)) {
        return false;
      }
    }
    return true;
  }

  private static int[] dims(NDArray a, String name) {
    long[] s = a.getShape().getShape();
    int[] out = new int[s.length];
    for (int i = 0; i < s.length; i++) {
      if (s[i] > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            name + ": expected dimensions below 2^31, found shape " + a.getShape());
      }
      out[i] = (int) s[i];
    }
    return out;
  }

  /** Sets the parameters, reduction and input binding of a {@link LosskitLoss}. */
  public static final class Builder {
    private final LossSpec spec;
    private Loss loss;
    private Map<String, ?> params = Map.of();
    private Reduction reduction;
    private String name;
    private List<String> predictions;
    private List<String> labels;
    private final Map<String, Tensor> constants = new LinkedHashMap<>();

    private Builder(LossSpec spec, Loss loss) {
      this.spec = spec;
      this.loss = loss;
      this.reduction = spec.defaultReduction();
    }

    /** Parameters by name, as text or Java values; only for a loss started from an id. */
    public Builder params(Map<String, ?> params) {
      if (loss != null) {
        throw new IllegalStateException(
            "params: the loss " + spec.id() + " was given already configured");
      }
      this.params = Map.copyOf(params);
      return this;
    }

    /** The reduction: the loss's default, or {@code sum} / {@code batchmean} where allowed. */
    public Builder reduction(Reduction reduction) {
      this.reduction = reduction;
      return this;
    }

    /** The evaluator name DJL reports the loss under; the catalogue id by default. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** The inputs the prediction arrays are bound to, in list order; all differentiable. */
    public Builder predictions(String... inputs) {
      this.predictions = List.of(inputs);
      return this;
    }

    /** The inputs the label arrays are bound to, in list order. */
    public Builder labels(String... inputs) {
      this.labels = List.of(inputs);
      return this;
    }

    /**
     * Fixes an input (class weights, a covariance) for every evaluation, copied; it gets no
     * gradient.
     */
    public Builder input(String input, Tensor value) {
      constants.put(input, value.copy());
      return this;
    }

    /**
     * Checks everything and makes the loss.
     *
     * @throws IllegalArgumentException for a parameter, reduction or binding the loss cannot take,
     *     naming it, the expectation and what was found
     */
    public LosskitLoss build() {
      if (spec.has(Trait.NOT_DIFFERENTIABLE)) {
        throw new IllegalArgumentException(
            "loss: expected a differentiable loss to train with, found "
                + spec.id()
                + ", which has no gradient");
      }
      if (loss == null) {
        loss = spec.create(params);
      }
      if (reduction == Reduction.NONE) {
        throw new IllegalArgumentException(
            "reduction: expected a reduction to one number (a DJL trainer differentiates a"
                + " scalar), found none; use sum");
      }
      if (!spec.reductions().contains(reduction)) {
        List<String> allowed = new ArrayList<>();
        for (Reduction r : spec.reductions()) {
          if (r != Reduction.NONE) {
            allowed.add(r.id());
          }
        }
        throw new IllegalArgumentException(
            "reduction: "
                + spec.id()
                + " expects one of "
                + String.join(", ", allowed)
                + ", found "
                + reduction.id());
      }
      List<InputSpec> declared = spec.inputs();
      Tensor[] fixed = new Tensor[declared.size()];
      boolean[] bound = new boolean[declared.size()];
      for (Map.Entry<String, Tensor> e : constants.entrySet()) {
        int k = index(e.getKey(), "input", bound);
        loss.inputDomain(k).check(e.getKey(), e.getValue());
        fixed[k] = e.getValue();
      }
      int[] pred = bind(predictions != null ? predictions : defaultPredictions(), "predictions");
      for (int k : pred) {
        if (!declared.get(k).differentiable()) {
          throw new IllegalArgumentException(
              "predictions: expected differentiable inputs of "
                  + spec.id()
                  + ", found "
                  + declared.get(k).name()
                  + "; bind it with labels(...) or input(...)");
        }
      }
      if (pred.length == 0) {
        throw new IllegalArgumentException(
            "predictions: expected at least one input of " + spec.id() + " to train, found none");
      }
      int[] lab = bind(labels != null ? labels : defaultLabels(), "labels");
      for (int k : pred) {
        mark(k, "predictions", bound);
      }
      for (int k : lab) {
        mark(k, "labels", bound);
      }
      for (int k = 0; k < declared.size(); k++) {
        if (!bound[k] && !declared.get(k).optional()) {
          throw new IllegalArgumentException(
              declared.get(k).name()
                  + ": required by "
                  + spec.id()
                  + " but bound to neither predictions, labels nor a fixed input");
        }
      }
      return new LosskitLoss(this, pred, lab, fixed);
    }

    private List<String> defaultPredictions() {
      List<String> out = new ArrayList<>();
      for (InputSpec s : spec.inputs()) {
        if (!s.optional() && isPrediction(s)) {
          out.add(s.name());
        }
      }
      return out;
    }

    private List<String> defaultLabels() {
      List<String> out = new ArrayList<>();
      for (InputSpec s : spec.inputs()) {
        if (!s.optional() && !isPrediction(s) && !constants.containsKey(s.name())) {
          out.add(s.name());
        }
      }
      return out;
    }

    // A differentiable "target" (kl-div's) is still what the data set provides, not the model.
    private static boolean isPrediction(InputSpec s) {
      return s.differentiable() && !s.name().equals("target");
    }

    private int[] bind(List<String> names, String what) {
      int[] out = new int[names.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = index(names.get(i), what, null);
      }
      return out;
    }

    private int index(String input, String what, boolean[] bound) {
      int k = spec.inputIndex(input);
      if (k < 0) {
        List<String> all = new ArrayList<>();
        for (InputSpec s : spec.inputs()) {
          all.add(s.name());
        }
        throw new IllegalArgumentException(
            what + ": expected inputs of " + spec.id() + " " + all + ", found '" + input + "'");
      }
      if (bound != null) {
        mark(k, what, bound);
      }
      return k;
    }

    private void mark(int k, String what, boolean[] bound) {
      if (bound[k]) {
        throw new IllegalArgumentException(
            what
                + ": expected each input of "
                + spec.id()
                + " bound once, found "
                + spec.inputs().get(k).name()
                + " bound twice");
      }
      bound[k] = true;
    }
  }
}

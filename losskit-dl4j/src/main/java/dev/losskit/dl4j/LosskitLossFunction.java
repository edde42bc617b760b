package dev.losskit.dl4j;

import dev.losskit.Catalog;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.InputSpec;
import dev.losskit.Loss;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import java.io.ObjectStreamException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.LossUtil;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonIgnore;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A losskit catalogue loss as a Deeplearning4j {@link ILossFunction}, for every loss whose inputs
 * are a prediction and a target: {@code LosskitLossFunction.of("sigmoid-focal", Map.of("gamma",
 * 2.0))} goes wherever DL4J takes a loss function ({@code OutputLayer.Builder.lossFunction}, {@code
 * LossLayer}, {@code RnnOutputLayer}, {@code CnnLossLayer}).
 *
 * <h2>What DL4J hands over, and what losskit sees</h2>
 *
 * <ul>
 *   <li>The prediction is the layer's activation of {@code preOutput}, a 2-D {@code [minibatch,
 *       nOut]} array (the RNN and CNN loss layers put time steps and pixels into rows). Pick the
 *       activation the loss expects: identity for losses of logits ({@code sigmoid-focal}, {@code
 *       bce-with-logits}, {@code cross-entropy}), sigmoid or softmax for losses of probabilities
 *       ({@code bce}, {@code focal}, {@code dice}). The gradient goes back through the activation
 *       with {@code activationFn.backprop}.
 *   <li>Labels of the output's shape are passed as they are, except for losses that take class
 *       indices ({@code nll}, {@code softmax-focal}, {@code arcface}, ...): their labels are
 *       one-hot rows, or one column of class indices. One label column for a wider output is one
 *       target per example ({@code multi-quantile}, {@code crps-ensemble}, class indices). Ignored
 *       targets ({@code ignore-index}) have no place in one-hot labels: mask those examples.
 *   <li>Region losses (the {@code dice} family) read {@code [rows, C]} as rows of {@code C}
 *       classes, that is as {@code (rows, C, 1, 1)}: with {@code CnnLossLayer}, whose rows are the
 *       pixels of the minibatch, that is the loss of the whole minibatch's masks, as losskit
 *       computes it on {@code (N, C, H, W)}; with {@code C = 1} a binary mask.
 * </ul>
 *
 * <h2>Averaging, masks, and how they map to losskit's reductions</h2>
 *
 * <p>DL4J sums per-example scores and, with {@code average}, divides by the minibatch size {@code
 * N}; the gradient it asks for is that of the sum (it divides by {@code N} itself). The adapter
 * evaluates the loss with losskit's {@code mean} reduction over the {@code n} examples that are not
 * masked out, {@code L}, and reports {@code n L} as the summed score: without masks, {@code
 * computeScore(average = true)} is exactly losskit's {@code mean}, and {@code computeGradient / N}
 * its gradient. For an elementwise loss this divides by the number of outputs as DL4J's {@code
 * LossMSE} does; for a loss of whole minibatches ({@code dice}, {@code rmse}) and for composites
 * ({@code weighted-sum}, whose terms have their own denominators) each example's score is {@code
 * L}.
 *
 * <p>A per-example mask ({@code [N, 1]}, or {@code [N, nOut]} constant along each row) of 0s and 1s
 * removes masked examples before the loss is evaluated, so they change neither the value nor the
 * gradient of the others, even for losses that couple examples; their score and gradient are 0, and
 * {@code average} still divides by {@code N}, as DL4J's own losses do. A per-output mask (0s and 1s
 * varying along a row) multiplies the unreduced values and the gradient; only elementwise losses
 * accept it, since the others couple an example's outputs.
 *
 * <p>Instances are immutable, {@link java.io.Serializable} and (de)serialise with DL4J's JSON
 * network configuration as {@code {"loss": id, "params": {...}}}.
 */
public final class LosskitLossFunction implements ILossFunction {
  private static final long serialVersionUID = 1L;

  /** Losses that read neighbouring pixels or time steps, which DL4J's 2-D arrays do not keep. */
  private static final Set<String> NEIGHBOURHOODS = Set.of("boundary", "soft-dtw");

  @JsonProperty("loss")
  private final String id;

  @JsonProperty("params")
  private final Map<String, String> params;

  @JsonIgnore private final transient Loss loss;
  @JsonIgnore private final transient boolean regionLayout;

  @JsonCreator
  private LosskitLossFunction(
      @JsonProperty("loss") String id, @JsonProperty("params") Map<String, String> params) {
    if (id == null) {
      throw new IllegalArgumentException("loss: expected a catalogue id, found null");
    }
    LossSpec spec = Catalog.builtin().get(id);
    Optional<String> why = unsupportedReason(spec);
    if (why.isPresent()) {
      throw new IllegalArgumentException(
          "loss: " + spec.id() + " cannot be a DL4J loss function: " + why.get());
    }
    Map<String, String> given = params == null ? Map.of() : params;
    this.loss = spec.create(given);
    this.id = spec.id();
    this.params = Collections.unmodifiableMap(new TreeMap<>(given));
    this.regionLayout = isRegionLoss(spec);
  }

  /**
   * The catalogue loss {@code id} (or alias) with the given parameters (text or Java values), the
   * rest at their defaults.
   *
   * @throws IllegalArgumentException for an unknown loss, a loss that does not take a prediction
   *     and a target, or a bad parameter
   */
  public static LosskitLossFunction of(String id, Map<String, ?> params) {
    Map<String, String> text = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : params.entrySet()) {
      if (e.getValue() == null) {
        throw new IllegalArgumentException(
            "parameter " + e.getKey() + ": expected a value, found null");
      }
      text.put(e.getKey(), ParamSpec.render(e.getValue()));
    }
    return new LosskitLossFunction(id, text);
  }

  /** The catalogue loss {@code id} (or alias) with default parameters. */
  public static LosskitLossFunction of(String id) {
    return of(id, Map.of());
  }

  /**
   * Why the catalogue entry cannot be a DL4J loss function, or empty when it can: DL4J gives a loss
   * function two arrays, the network's 2-D output and the labels, and trains on the gradient with
   * respect to the output.
   */
  public static Optional<String> unsupportedReason(LossSpec spec) {
    if (spec.has(Trait.NOT_DIFFERENTIABLE)) {
      return Optional.of("it has no gradient to train with");
    }
    List<InputSpec> required = new ArrayList<>();
    for (InputSpec s : spec.inputs()) {
      if (!s.optional()) {
        required.add(s);
      }
    }
    if (required.size() != 2) {
      List<String> names = new ArrayList<>();
      for (InputSpec s : required) {
        names.add(s.name());
      }
      return Optional.of(
          "it takes "
              + required.size()
              + (required.size() == 1 ? " required input (" : " required inputs (")
              + String.join(", ", names)
              + "), a DL4J loss function exactly two: the network's output and the labels");
    }
    InputSpec pred = required.get(0);
    InputSpec target = required.get(1);
    if (!pred.differentiable()) {
      return Optional.of("its first input " + pred.name() + " takes no gradient");
    }
    // kl-div may differentiate its target; here the target is data all the same.
    if (target.differentiable() && !target.name().equals("target")) {
      return Optional.of(
          "its second input "
              + target.name()
              + " takes gradients too: a second model output, not labels");
    }
    if (spec.family() == Family.IMAGE) {
      return Optional.of(
          "it needs images "
              + pred.shape()
              + ", and DL4J hands a loss function 2-D [examples, outputs] arrays");
    }
    if (NEIGHBOURHOODS.contains(spec.id())) {
      return Optional.of(
          "it reads neighbouring pixels or time steps, which DL4J's loss layers flatten into rows"
              + " of a 2-D array before a loss function sees them");
    }
    if (!spec.reductions().contains(Reduction.MEAN)) {
      return Optional.of("it has no mean reduction to average over the minibatch");
    }
    return Optional.empty();
  }

  /** The catalogue ids that can be DL4J loss functions, in catalogue order. */
  public static List<String> supportedIds() {
    List<String> ids = new ArrayList<>();
    for (LossSpec s : Catalog.builtin().specs()) {
      if (unsupportedReason(s).isEmpty()) {
        ids.add(s.id());
      }
    }
    return ids;
  }

  /** Region losses lay classes along dim 1 of images; a row of C outputs is a 1x1 image. */
  static boolean isRegionLoss(LossSpec spec) {
    return spec.family() == Family.SEGMENTATION
        && spec.inputs().get(0).shape().startsWith("(N, C, d1, ..., dk), or binary masks");
  }

  /** The catalogue id. */
  public String lossId() {
    return id;
  }

  /** The parameters given (as text); the others are at their defaults. */
  public Map<String, String> params() {
    return params;
  }

  /** The losskit loss this function evaluates. */
  public Loss loss() {
    return loss;
  }

  @Override
  public double computeScore(
      INDArray labels,
      INDArray preOutput,
      IActivation activationFn,
      INDArray mask,
      boolean average) {
    Batch b = evaluate(labels, preOutput, activationFn, mask, false);
    return average ? b.score / b.rows : b.score;
  }

  @Override
  public INDArray computeScoreArray(
      INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
    Batch b = evaluate(labels, preOutput, activationFn, mask, false);
    return Nd4j.create(b.scoreArray, new long[] {b.rows, 1}, 'c').castTo(preOutput.dataType());
  }

  @Override
  public INDArray computeGradient(
      INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
    return evaluate(labels, preOutput, activationFn, mask, true).gradient;
  }

  @Override
  public Pair<Double, INDArray> computeGradientAndScore(
      INDArray labels,
      INDArray preOutput,
      IActivation activationFn,
      INDArray mask,
      boolean average) {
    Batch b = evaluate(labels, preOutput, activationFn, mask, true);
    return new Pair<>(average ? b.score / b.rows : b.score, b.gradient);
  }

  @Override
  public String name() {
    return toString();
  }

  @Override
  public String toString() {
    return "LosskitLossFunction(" + id + (params.isEmpty() ? "" : ", " + params) + ")";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LosskitLossFunction other
        && id.equals(other.id)
        && params.equals(other.params);
  }

  @Override
  public int hashCode() {
    return id.hashCode() * 31 + params.hashCode();
  }

  /** Java deserialisation rebuilds the loss from its id and parameters. */
  private Object readResolve() throws ObjectStreamException {
    return new LosskitLossFunction(id, params);
  }

  /** The outcome of one evaluation, in DL4J's terms. */
  private static final class Batch {
    int rows;

    /** The summed (not averaged) score. */
    double score;

    /** One score per example; they add up to {@link #score}. */
    float[] scoreArray;

    /** dScore/dPreOutput, or null. */
    INDArray gradient;
  }

  private Batch evaluate(
      INDArray labels,
      INDArray preOutput,
      IActivation activationFn,
      INDArray mask,
      boolean withGradient) {
    if (preOutput.rank() != 2) {
      throw new IllegalArgumentException(
          "preOutput: expected a 2-D [minibatch, nOut] array, found shape "
              + Arrays.toString(preOutput.shape()));
    }
    int rows = (int) preOutput.size(0);
    int width = (int) preOutput.size(1);
    if (labels.rank() != 2 || labels.size(0) != rows) {
      throw new IllegalArgumentException(
          "labels: expected a 2-D array with "
              + rows
              + " rows like the output "
              + Arrays.toString(preOutput.shape())
              + ", found shape "
              + Arrays.toString(labels.shape()));
    }
    int labelWidth = (int) labels.size(1);
    float[] out = floats(activationFn.getActivation(preOutput.dup(), true));
    float[] lab = floats(labels);
    Masking m = Masking.of(mask, rows, width);

    Batch b = new Batch();
    b.rows = rows;
    b.scoreArray = new float[rows];
    float[] dOut = withGradient ? new float[rows * width] : null;
    int n = m.active.length;
    if (n > 0) {
      Tensor[] in = new Tensor[loss.spec().inputs().size()];
      float[] labRows = gather(lab, labelWidth, m.active);
      in[0] = predTensor(gather(out, width, m.active), n, width);
      in[1] = targetTensor(labRows, n, width, labelWidth);
      // A composite reduces each term on its own: no one denominator splits its score into
      // unreduced values, and its own evaluation checks the inputs term by term.
      boolean splits = loss.spec().family() != Family.COMPOSE;
      int[] unreduced = splits ? unreducedShape(in, labRows, n, width, labelWidth) : new int[0];
      int size = 1;
      for (int d : unreduced) {
        size *= d;
      }
      double den = splits ? loss.meanDenominator(in, size) : 0;
      boolean perRow = splits && unreduced.length >= 1 && unreduced[0] == n;
      boolean elementwise = splits && Arrays.equals(unreduced, in[0].shape());
      if (m.perOutput != null && !elementwise) {
        throw new IllegalArgumentException(
            "mask: "
                + id
                + " couples the outputs of an example, so a per-output mask must mask whole"
                + " examples (rows of equal values); found a row with both 0 and 1");
      }
      float[] values = splits ? new float[size] : null;
      float[][] grads = new float[in.length][];
      if (withGradient) {
        grads[0] = new float[n * width];
      }
      double mean = loss.evaluate(Reduction.MEAN, in, values, withGradient ? grads : null);
      // losskit's mean is sum(values) / den; n times it is the summed score DL4J expects.
      double perValue = den > 0 ? n / den : 0;
      if (m.perOutput != null) {
        float[] keep = gather(m.perOutput, width, m.active);
        double s = 0;
        for (int k = 0; k < n; k++) {
          double row = 0;
          for (int j = 0; j < width; j++) {
            row += keep[k * width + j] * (double) values[k * width + j];
          }
          b.scoreArray[m.active[k]] = (float) (row * perValue);
          s += row * perValue;
        }
        b.score = s;
        if (withGradient) {
          for (int i = 0; i < grads[0].length; i++) {
            grads[0][i] *= keep[i];
          }
        }
      } else {
        b.score = n * mean;
        if (perRow) {
          int per = size / n;
          for (int k = 0; k < n; k++) {
            double row = 0;
            for (int j = 0; j < per; j++) {
              row += values[k * per + j];
            }
            b.scoreArray[m.active[k]] = (float) (row * perValue);
          }
        } else {
          for (int k = 0; k < n; k++) {
            b.scoreArray[m.active[k]] = (float) mean;
          }
        }
      }
      if (withGradient) {
        float[] g = grads[0];
        for (int k = 0; k < n; k++) {
          int from = k * width;
          int to = m.active[k] * width;
          for (int j = 0; j < width; j++) {
            dOut[to + j] = (float) (n * (double) g[from + j]);
          }
        }
      }
    }
    if (withGradient) {
      INDArray dLda = Nd4j.create(dOut, new long[] {rows, width}, 'c').castTo(preOutput.dataType());
      INDArray grad = activationFn.backprop(preOutput.dup(), dLda).getFirst();
      if (mask != null) {
        INDArray column = mask.rank() == 1 ? mask.reshape(rows, 1) : mask;
        // As DL4J's own losses do: masked outputs get no gradient whatever the activation does.
        LossUtil.applyMask(grad, column.castTo(grad.dataType()));
      }
      b.gradient = grad;
    }
    return b;
  }

  /**
   * Checks the inputs and returns the unreduced shape; with one output and one label column the
   * target may instead be one value per example ({@code in[1]} is replaced then).
   */
  private int[] unreducedShape(Tensor[] in, float[] labRows, int n, int width, int labelWidth) {
    try {
      return loss.check(in);
    } catch (IllegalArgumentException e) {
      if (labelWidth != 1 || width != 1) {
        throw e;
      }
      in[1] = Tensor.of(labRows, n);
      return loss.check(in);
    }
  }

  private Tensor predTensor(float[] pred, int n, int width) {
    return regionLayout ? Tensor.of(pred, n, width, 1, 1) : Tensor.of(pred, n, width);
  }

  /**
   * The target in the loss's layout: class indices for losses that take them (from one-hot rows or
   * one column of indices), one value per example for one label column, else the labels as they
   * are.
   */
  private Tensor targetTensor(float[] lab, int n, int width, int labelWidth) {
    InputDomain domain = loss.inputDomain(1);
    boolean oneColumn = labelWidth == 1 && width > 1;
    if (domain == InputDomain.CLASS_INDEX
        || (domain == InputDomain.CLASS_INDEX_OR_PROBABILITY && oneColumn)) {
      float[] idx = labelWidth == 1 ? indexColumn(lab) : argmaxOneHot(lab, n, labelWidth);
      return regionLayout ? Tensor.integral(idx, n, 1, 1) : Tensor.integral(idx, n);
    }
    if (oneColumn) {
      return Tensor.of(lab, n);
    }
    return regionLayout ? Tensor.of(lab, n, labelWidth, 1, 1) : Tensor.of(lab, n, labelWidth);
  }

  private float[] indexColumn(float[] lab) {
    for (int i = 0; i < lab.length; i++) {
      float v = lab[i];
      if (v != Math.rint(v) || v < 0 || v >= (1 << 24)) {
        throw new IllegalArgumentException(
            "labels: "
                + id
                + " takes class indices; expected whole numbers >= 0, found "
                + v
                + " in row "
                + i);
      }
    }
    return lab;
  }

  private float[] argmaxOneHot(float[] lab, int n, int classes) {
    float[] idx = new float[n];
    for (int k = 0; k < n; k++) {
      int hot = -1;
      boolean oneHot = true;
      for (int c = 0; c < classes; c++) {
        float v = lab[k * classes + c];
        if (v == 1 && hot < 0) {
          hot = c;
        } else if (v != 0) {
          oneHot = false;
        }
      }
      if (!oneHot || hot < 0) {
        throw new IllegalArgumentException(
            "labels: "
                + id
                + " takes one class per example; expected one-hot rows or one column of class"
                + " indices, found row "
                + k
                + " = "
                + Arrays.toString(Arrays.copyOfRange(lab, k * classes, (k + 1) * classes)));
      }
      idx[k] = hot;
    }
    return idx;
  }

  /** Which rows a DL4J mask keeps, and the per-output mask of the kept rows where there is one. */
  private static final class Masking {
    final int[] active;
    final float[] perOutput;

    private Masking(int[] active, float[] perOutput) {
      this.active = active;
      this.perOutput = perOutput;
    }

    static Masking of(INDArray mask, int rows, int width) {
      if (mask == null) {
        int[] all = new int[rows];
        for (int i = 0; i < rows; i++) {
          all[i] = i;
        }
        return new Masking(all, null);
      }
      float[] m = floats(mask);
      for (int i = 0; i < m.length; i++) {
        if (m[i] != 0 && m[i] != 1) {
          throw new IllegalArgumentException(
              "mask: expected 0 (masked) or 1 (kept), found " + m[i] + " at index " + i);
        }
      }
      int per;
      if (m.length == rows && (mask.rank() == 1 || mask.size(0) == rows)) {
        per = 1;
      } else if (mask.rank() == 2 && mask.size(0) == rows && mask.size(1) == width) {
        per = width;
      } else {
        throw new IllegalArgumentException(
            "mask: expected ["
                + rows
                + ", 1] (per example) or ["
                + rows
                + ", "
                + width
                + "] (per output), found shape "
                + Arrays.toString(mask.shape()));
      }
      // A row with any output kept is evaluated; a per-output mask then zeroes the others.
      boolean wholeRows = true;
      int[] kept = new int[rows];
      int count = 0;
      for (int i = 0; i < rows; i++) {
        boolean any = false;
        for (int j = 0; j < per; j++) {
          wholeRows &= m[i * per + j] == m[i * per];
          any |= m[i * per + j] != 0;
        }
        if (any) {
          kept[count++] = i;
        }
      }
      int[] active = Arrays.copyOf(kept, count);
      return new Masking(active, wholeRows ? null : m);
    }
  }

  /** The rows {@code active} of a row-major array with {@code width} columns. */
  private static float[] gather(float[] x, int width, int[] active) {
    float[] out = new float[active.length * width];
    for (int k = 0; k < active.length; k++) {
      System.arraycopy(x, active[k] * width, out, k * width, width);
    }
    return out;
  }

  /** The values of an array as float32, in C order. */
  private static float[] floats(INDArray a) {
    return Nd4j.toFlattened('c', a.castTo(DataType.FLOAT)).toFloatVector();
  }
}

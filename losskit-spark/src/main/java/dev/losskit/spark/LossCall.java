package dev.losskit.spark;

import dev.losskit.Catalog;
import dev.losskit.InputSpec;
import dev.losskit.Loss;
import dev.losskit.LossSpec;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One call of a losskit SQL function: the loss with its parameters, and how the call's columns
 * become the loss's declared inputs. Made once per distinct (loss, options, column count) and
 * shared by every row and thread.
 *
 * <p>Options (a {@code map<string,string>}, all optional):
 *
 * <ul>
 *   <li>{@code mode}: {@code fail} (default) fails the query on the first bad row, naming its
 *       problem; {@code skip} skips bad rows (the per-row function returns null, the aggregate
 *       counts them per reason).
 *   <li>{@code reduction}: {@code mean}, {@code sum} or {@code batchmean} where the loss allows it;
 *       default: the loss's default reduction.
 *   <li>{@code rows}: {@code sample} (default) makes each row one sample of a batch, the tensor of
 *       an input gaining a leading dimension of size 1; {@code batch} takes each row's values as a
 *       whole batch (e.g. arrays collected with {@code collect_list}).
 *   <li>{@code shape.<input>}: the shape of one row of that input, e.g. {@code shape.pred=3,32,32}
 *       for flattened images.
 *   <li>{@code input.<input>}: an input that is the same for every row, as comma-separated numbers
 *       (e.g. class weights {@code input.weight=1,2,0.5}); the columns then fill the other inputs.
 *   <li>anything else: a parameter of the loss ({@code delta=0.5}), checked by the catalogue.
 * </ul>
 */
final class LossCall {
  /** What happens to a row the loss cannot be evaluated on. */
  enum Mode {
    FAIL,
    SKIP
  }

  private static final Map<List<Object>, LossCall> CACHE = new ConcurrentHashMap<>();

  final String function;
  final Loss loss;
  final Mode mode;
  final Reduction reduction;
  final boolean sampleRows;

  /** For each column, the index of the declared input it fills. */
  final int[] columnInput;

  /** Per declared input: the row shape from {@code shape.<input>}, or null. */
  final int[][] shapes;

  /** Per declared input: the constant tensor from {@code input.<input>}, or null. */
  final Tensor[] constants;

  private volatile Boolean rowSeparable;

  /**
   * The call for these arguments, from the cache when seen before.
   *
   * @throws IllegalArgumentException for an unknown loss, option or parameter, or columns that do
   *     not fit the loss's inputs
   */
  static LossCall of(String function, Object id, Map<String, String> options, int columns) {
    List<Object> key = List.of(function, String.valueOf(id), options, columns);
    LossCall call = CACHE.get(key);
    if (call == null) {
      call = new LossCall(function, id, options, columns);
      CACHE.putIfAbsent(key, call);
    }
    return call;
  }

  private LossCall(String function, Object id, Map<String, String> options, int columns) {
    this.function = function;
    if (id == null) {
      throw new IllegalArgumentException(
          function + ": expected a loss id as the first argument, found null");
    }
    LossSpec spec = Catalog.builtin().get(id.toString());
    int n = spec.inputs().size();
    Map<String, String> params = new LinkedHashMap<>();
    Mode m = Mode.FAIL;
    Reduction r = spec.defaultReduction();
    boolean sample = true;
    shapes = new int[n][];
    constants = new Tensor[n];
    for (Map.Entry<String, String> e : options.entrySet()) {
      String k = e.getKey();
      String v = e.getValue();
      if (k.equals("mode")) {
        m = parseMode(v);
      } else if (k.equals("reduction")) {
        r = Reduction.parse(v);
      } else if (k.equals("rows")) {
        sample = parseRows(v);
      } else if (k.startsWith("shape.")) {
        shapes[input(spec, k, "shape.")] = parseShape(k, v);
      } else if (k.startsWith("input.")) {
        constants[input(spec, k, "input.")] = Tensor.of(parseNumbers(k, v));
      } else {
        params.put(k, v);
      }
    }
    if (r == Reduction.NONE || !spec.reductions().contains(r)) {
      List<String> ok = new ArrayList<>();
      for (Reduction x : spec.reductions()) {
        if (x != Reduction.NONE) {
          ok.add(x.id());
        }
      }
      throw new IllegalArgumentException(
          "reduction: "
              + function
              + " returns one number per row or group; "
              + spec.id()
              + " expects one of "
              + String.join(", ", ok)
              + ", found "
              + r.id());
    }
    for (int k = 0; k < n; k++) {
      if (shapes[k] != null && constants[k] != null) {
        constants[k] = constants[k].reshape(shapes[k]);
      }
    }
    this.loss = spec.create(params);
    for (int k = 0; k < n; k++) {
      if (constants[k] != null) {
        // A bad constant is the query's fault, not a row's: fail now rather than skip every row.
        loss.inputDomain(k).check("input." + spec.inputs().get(k).name(), constants[k]);
      }
    }
    this.mode = m;
    this.reduction = r;
    this.sampleRows = sample;
    this.columnInput = mapColumns(spec, columns);
  }

  /** The declared inputs the columns fill: in declaration order, skipping constant inputs. */
  private int[] mapColumns(LossSpec spec, int columns) {
    List<Integer> free = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int k = 0; k < spec.inputs().size(); k++) {
      if (constants[k] == null) {
        free.add(k);
        names.add(spec.inputs().get(k).name());
      }
    }
    if (columns > free.size()) {
      throw new IllegalArgumentException(
          "inputs: "
              + function
              + "('"
              + spec.id()
              + "', ...) takes at most "
              + free.size()
              + " input columns ("
              + String.join(", ", names)
              + "), found "
              + columns);
    }
    int[] map = new int[columns];
    boolean[] given = new boolean[spec.inputs().size()];
    for (int c = 0; c < columns; c++) {
      map[c] = free.get(c);
      given[map[c]] = true;
    }
    for (int k = 0; k < given.length; k++) {
      InputSpec s = spec.inputs().get(k);
      if (!given[k] && constants[k] == null && !s.optional()) {
        throw new IllegalArgumentException(
            s.name()
                + ": required by "
                + spec.id()
                + " but not given; expected "
                + function
                + "('"
                + spec.id()
                + "', "
                + String.join(", ", names.subList(0, Math.min(names.size(), requiredCount(spec))))
                + "[, options]), found "
                + columns
                + " input column(s)");
      }
    }
    return map;
  }

  private static int requiredCount(LossSpec spec) {
    int c = 0;
    for (InputSpec s : spec.inputs()) {
      c += s.optional() ? 0 : 1;
    }
    return c;
  }

  /**
   * The loss's inputs for one row: column values converted (see {@link RowValues}), constants
   * added, optional inputs left out as null.
   */
  Tensor[] inputs(Object[] columns) throws BadRow {
    Tensor[] in = constants.clone();
    List<InputSpec> declared = loss.spec().inputs();
    for (int c = 0; c < columnInput.length; c++) {
      int k = columnInput[c];
      in[k] = RowValues.tensor(declared.get(k).name(), columns[c], shapes[k], sampleRows);
    }
    return in;
  }

  /**
   * Whether the loss of a batch is the sum of the losses of its rows (with additive mean
   * denominators), so that an aggregate can carry sums; decided once, see {@link Separability}.
   */
  boolean rowSeparable() {
    Boolean s = rowSeparable;
    if (s == null) {
      s = Separability.rowSeparable(loss);
      rowSeparable = s;
    }
    return s;
  }

  String describe() {
    return function + "('" + loss.spec().id() + "')";
  }

  private static int input(LossSpec spec, String key, String prefix) {
    String name = key.substring(prefix.length());
    int k = spec.inputIndex(name);
    if (k < 0) {
      List<String> names = new ArrayList<>();
      for (InputSpec s : spec.inputs()) {
        names.add(s.name());
      }
      throw new IllegalArgumentException(
          key
              + ": expected "
              + prefix
              + "<input> with an input of "
              + spec.id()
              + " ("
              + String.join(", ", names)
              + "), found '"
              + name
              + "'");
    }
    return k;
  }

  private static Mode parseMode(String v) {
    switch (v.toLowerCase(Locale.ROOT)) {
      case "fail":
        return Mode.FAIL;
      case "skip":
        return Mode.SKIP;
      default:
        throw new IllegalArgumentException("mode: expected fail or skip, found '" + v + "'");
    }
  }

  private static boolean parseRows(String v) {
    switch (v.toLowerCase(Locale.ROOT)) {
      case "sample":
        return true;
      case "batch":
        return false;
      default:
        throw new IllegalArgumentException("rows: expected sample or batch, found '" + v + "'");
    }
  }

  private static int[] parseShape(String key, String v) {
    if (v.isBlank()) {
      return new int[0]; // a scalar
    }
    String[] parts = v.split(",", -1);
    int[] shape = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        shape[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        shape[i] = -1;
      }
      if (shape[i] < 0) {
        throw new IllegalArgumentException(
            key + ": expected comma-separated sizes (e.g. 3,32,32), found '" + v + "'");
      }
    }
    return shape;
  }

  private static float[] parseNumbers(String key, String v) {
    String[] parts = v.split(",", -1);
    float[] x = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        x[i] = Float.parseFloat(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            key + ": expected comma-separated numbers, found '" + v + "'", e);
      }
    }
    return x;
  }
}

package dev.losskit.xgboost;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.LossSpec;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.TwiceDifferentiable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.IObjective;

/**
 * An XGBoost custom objective from a catalogue loss marked H ({@link TwiceDifferentiable}): each
 * boosting round it gives XGBoost the loss's exact gradient and second derivative per prediction,
 * both computed by the catalogue's loss.
 *
 * <pre>{@code
 * Booster b = XGBoost.train(train, params, rounds, watches,
 *     LosskitObjective.of("pseudo-huber", Map.of("delta", 2.0)), LosskitMetric.of("pseudo-huber"));
 * }</pre>
 *
 * <h2>Margins</h2>
 *
 * <p>XGBoost passes raw margins (the sum of the trees plus {@code base_score}); each margin is the
 * loss's {@code pred} input unchanged and each label its {@code target}. So the margin means what
 * {@code pred} means in the catalogue: the value itself for mse, huber, pseudo-huber and log-cosh
 * (as {@code reg:squarederror}); a logit for bce-with-logits and sigmoid-focal, the probability
 * being sigmoid(margin) (as {@code binary:logistic}'s margin); a log-rate for poisson-nll (as
 * {@code count:poisson}; with {@code log-input=false} the margin is the rate itself and a negative
 * margin is an error); the log of the mean for tweedie (as {@code reg:tweedie}). Leave XGBoost's
 * {@code objective} parameter unset, so that {@code predict} returns these margins untransformed,
 * and set {@code base_score} to a margin (for logits, 0 is probability 1/2), since XGBoost would
 * otherwise estimate it as for squared error. With several outputs per row ({@code [rows][k]}
 * predictions) the labels must hold {@code rows * k} values, row by row. Row weights of the
 * training matrix multiply gradient and Hessian, as in XGBoost's built-in objectives.
 *
 * <h2>Hessian floor</h2>
 *
 * <p>XGBoost's tree builder divides by sums of Hessians plus {@code lambda} and requires {@code
 * min_child_weight} of Hessian in each child, so it needs Hessians that are positive. Some H losses
 * have Hessians that vanish or turn negative: huber's is exactly 0 beyond {@code delta}, log-cosh's
 * and pseudo-huber's decay to 0 far from the target, sigmoid-focal is not convex and its second
 * derivative is negative in places, tweedie's and poisson-nll's are 0 where the exponential is
 * continued linearly. The objective therefore passes {@code max(h, floor)} with a floor of {@value
 * #DEFAULT_HESSIAN_FLOOR} by default ({@link #withHessianFloor} changes it; XGBoost's own logistic
 * objective floors its Hessian the same way at 1e-16). The floor keeps gains and leaf weights
 * defined; it does not make Newton steps sensible where a leaf has almost no curvature: such a leaf
 * gets a weight of about -sum(g) / lambda, and with {@code min_child_weight} of 1 such rows cannot
 * be split off. Use {@code max_delta_step}, a larger {@code lambda}, a larger floor or a smaller
 * {@code min_child_weight} for losses that are flat far from the target, and scale targets so that
 * {@code delta} sits near the noise level.
 *
 * <p>Instances are immutable and serializable (the loss is rebuilt from its id and parameters).
 */
public final class LosskitObjective implements IObjective {
  private static final long serialVersionUID = 1L;

  /** The default lower bound on the second derivative passed to XGBoost. */
  public static final double DEFAULT_HESSIAN_FLOOR = 1e-6;

  private final String id;
  private final LinkedHashMap<String, String> params;
  private final double hessianFloor;
  private transient TwiceDifferentiable loss;

  private LosskitObjective(String id, Map<String, String> params, double hessianFloor) {
    this.id = id;
    this.params = new LinkedHashMap<>(params);
    this.hessianFloor = hessianFloor;
    this.loss = create(id, params);
  }

  /** The objective of the loss {@code idOrAlias} with default parameters. */
  public static LosskitObjective of(String idOrAlias) {
    return of(idOrAlias, Map.of());
  }

  /**
   * The objective of the loss {@code idOrAlias} with the given parameters (text or Java values).
   *
   * @throws IllegalArgumentException for an unknown loss, a loss not marked H, one that needs
   *     inputs other than {@code pred} and {@code target}, or a bad parameter
   */
  public static LosskitObjective of(String idOrAlias, Map<String, ?> params) {
    TwiceDifferentiable loss = create(idOrAlias, params);
    return new LosskitObjective(loss.spec().id(), Margins.givenParams(loss), DEFAULT_HESSIAN_FLOOR);
  }

  /**
   * This objective with another lower bound on the Hessian.
   *
   * @param floor a finite number at least 0
   */
  public LosskitObjective withHessianFloor(double floor) {
    if (!(floor >= 0) || Double.isInfinite(floor)) {
      throw new IllegalArgumentException(
          "hessianFloor: expected a finite number at least 0, found " + floor);
    }
    return new LosskitObjective(id, params, floor);
  }

  /** The catalogue id of the loss. */
  public String lossId() {
    return id;
  }

  /** The loss this objective differentiates. */
  public TwiceDifferentiable loss() {
    if (loss == null) {
      loss = create(id, params);
    }
    return loss;
  }

  /** The lower bound on the Hessian passed to XGBoost. */
  public double hessianFloor() {
    return hessianFloor;
  }

  /**
   * The gradient and Hessian of the loss of each prediction with respect to its margin.
   *
   * @param predicts the raw margins, {@code [rows][outputs]}
   * @param dtrain the training matrix, whose labels are the targets
   * @return the gradient and the floored Hessian, each flattened row by row
   * @throws IllegalArgumentException when labels or margins are outside the loss's domain
   */
  @Override
  public List<float[]> getGradient(float[][] predicts, DMatrix dtrain) {
    Margins m = Margins.of(predicts, dtrain);
    TwiceDifferentiable l = loss();
    float[][] grads = new float[l.spec().inputs().size()][];
    float[] grad = new float[m.pred().size()];
    grads[0] = grad;
    // The gradient of the summed loss is each element's own derivative.
    l.evaluate(Reduction.SUM, new Tensor[] {m.pred(), m.target()}, null, grads);
    float[] hess = l.hessian(m.pred(), m.target()).data();
    float floor = (float) hessianFloor;
    float[] w = m.weights();
    for (int i = 0; i < grad.length; i++) {
      float h = Math.max(hess[i], floor);
      if (w != null) {
        grad[i] *= w[i];
        h *= w[i];
      }
      hess[i] = h;
    }
    List<float[]> out = new ArrayList<>(2);
    out.add(grad);
    out.add(hess);
    return out;
  }

  /** The ids of the catalogue's losses marked H, which can serve as objectives. */
  public static List<String> twiceDifferentiableIds() {
    List<String> ids = new ArrayList<>();
    for (LossSpec s : Catalog.builtin().specs()) {
      if (s.has(Trait.HESSIAN)) {
        ids.add(s.id());
      }
    }
    return ids;
  }

  private static TwiceDifferentiable create(String idOrAlias, Map<String, ?> params) {
    LossSpec spec = Catalog.builtin().get(idOrAlias);
    if (!spec.has(Trait.HESSIAN)) {
      throw new IllegalArgumentException(
          "loss: expected a loss marked H (with a second derivative: "
              + String.join(", ", twiceDifferentiableIds())
              + "), found '"
              + idOrAlias
              + "', which gives no Hessian");
    }
    Margins.requirePredTarget(spec, "an XGBoost objective");
    Loss loss = spec.create(params);
    if (!(loss instanceof TwiceDifferentiable t)) {
      throw new IllegalArgumentException(
          "loss: '" + idOrAlias + "' is marked H but does not implement TwiceDifferentiable");
    }
    return t;
  }

  @Override
  public String toString() {
    return "LosskitObjective[" + id + params + ", hessianFloor=" + hessianFloor + "]";
  }
}

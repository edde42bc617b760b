package dev.losskit.xgboost;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.LossSpec;
import dev.losskit.Reduction;
import java.util.LinkedHashMap;
import java.util.Map;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.IEvaluation;

/**
 * An XGBoost evaluation metric from an elementwise catalogue loss: the mean loss over the
 * predictions of a matrix (weighted by its row weights when it has any), computed by the
 * catalogue's loss. Lower is better.
 *
 * <p>XGBoost evaluates custom metrics on {@code predict}'s output, which is the raw margin when the
 * booster's {@code objective} parameter is left unset (as with {@link LosskitObjective}) or has an
 * identity link ({@code reg:squarederror}, {@code reg:pseudohubererror}); the margin is the loss's
 * {@code pred} input unchanged, as for the objective. With a built-in objective that has a link
 * ({@code binary:logistic}, {@code count:poisson}), {@code predict} returns probabilities or rates,
 * so choose a loss that takes them ({@code bce} rather than {@code bce-with-logits}).
 *
 * <p>Instances are immutable and serializable (the loss is rebuilt from its id and parameters).
 */
public final class LosskitMetric implements IEvaluation {
  private static final long serialVersionUID = 1L;

  private final String id;
  private final LinkedHashMap<String, String> params;
  private transient Loss loss;

  private LosskitMetric(Loss loss) {
    this.id = loss.spec().id();
    this.params = Margins.givenParams(loss);
    this.loss = loss;
  }

  /** The metric of the loss {@code idOrAlias} with default parameters. */
  public static LosskitMetric of(String idOrAlias) {
    return of(idOrAlias, Map.of());
  }

  /**
   * The metric of the loss {@code idOrAlias} with the given parameters (text or Java values).
   *
   * @throws IllegalArgumentException for an unknown loss, one that needs inputs other than {@code
   *     pred} and {@code target}, or a bad parameter
   */
  public static LosskitMetric of(String idOrAlias, Map<String, ?> params) {
    return new LosskitMetric(create(idOrAlias, params));
  }

  private static Loss create(String idOrAlias, Map<String, ?> params) {
    LossSpec spec = Catalog.builtin().get(idOrAlias);
    Margins.requirePredTarget(spec, "an XGBoost metric");
    return spec.create(params);
  }

  /** The loss whose mean this metric reports. */
  public Loss loss() {
    if (loss == null) {
      loss = create(id, params);
    }
    return loss;
  }

  /** The metric's name in XGBoost's evaluation log: the catalogue id. */
  @Override
  public String getMetric() {
    return id;
  }

  /**
   * The mean loss of the predictions, weighted by the row weights of {@code data} when present.
   *
   * @throws IllegalArgumentException when the loss gives no value per prediction, or labels or
   *     predictions are outside its domain
   */
  @Override
  public float eval(float[][] predicts, DMatrix data) {
    Margins m = Margins.of(predicts, data);
    LossResult r = loss().evaluate(Reduction.NONE, m.pred(), m.target());
    float[] v = r.values().data();
    if (v.length != m.pred().size()) {
      throw new IllegalArgumentException(
          "loss: an XGBoost metric needs one loss value per prediction, but "
              + id
              + " gives "
              + v.length
              + " values for "
              + m.pred().size()
              + " predictions");
    }
    float[] w = m.weights();
    double sum = 0;
    double total = 0;
    for (int i = 0; i < v.length; i++) {
      double wi = w == null ? 1 : w[i];
      sum += wi * v[i];
      total += wi;
    }
    return total > 0 ? (float) (sum / total) : 0f;
  }

  @Override
  public String toString() {
    return "LosskitMetric[" + id + params + "]";
  }
}

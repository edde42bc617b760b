package dev.losskit.image;

import dev.losskit.Params;
import dev.losskit.testing.OracleInputs;

/**
 * The oracles of the feature losses: each image pair through the built-in extractor, in double (or
 * taken as the feature maps with features=precomputed), then a naive per-layer term from the
 * formula.
 */
final class FeatureOracles {
  private FeatureOracles() {}

  /** The naive term of one layer: feature maps {@code (c, hw)} of pred and target. */
  interface Term {
    double value(double[] a, double[] b, int c, int hw);
  }

  static double[] values(
      PerImageCache cache, OracleInputs in, Params p, boolean weighted, Term term) {
    boolean pre = p.text("features").equals("precomputed");
    double[] given = p.reals("layers");
    double[] weights = weighted ? p.reals("weights") : null;
    return cache.values(
        in,
        p,
        (x, y, s) -> {
          if (pre) {
            return term.value(x, y, s[0], s[1] * s[2]);
          }
          int deepest = 0;
          for (double l : given) {
            deepest = Math.max(deepest, (int) l);
          }
          int[] shape = {1, s[0], s[1], s[2]};
          FeatureExtractor.Features fx = BuiltinExtractor.INSTANCE.forward(x, shape, deepest);
          FeatureExtractor.Features fy = BuiltinExtractor.INSTANCE.forward(y, shape, deepest);
          double v = 0;
          for (int k = 0; k < given.length; k++) {
            int l = (int) given[k];
            int[] fs = fx.shape(l);
            double w = weighted ? weights[k] : 1.0 / given.length;
            v += w * term.value(fx.layer(l), fy.layer(l), fs[1], fs[2] * fs[3]);
          }
          return v;
        });
  }
}

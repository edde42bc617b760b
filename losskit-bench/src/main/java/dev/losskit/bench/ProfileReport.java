package dev.losskit.bench;

import dev.losskit.bench.LossProfiler.Profile;
import dev.losskit.bench.LossProfiler.Stability;
import dev.losskit.bench.LossProfiler.Timing;
import java.util.List;
import java.util.Locale;

/** Renders profiles as a terminal table or as the Markdown of docs/computational-evaluation.md. */
public final class ProfileReport {
  private ProfileReport() {}

  /** A cost class from the time per unit, in the review's words. */
  public static String cost(Profile p) {
    double ns = p.largest().nanosPerUnit();
    if (p.exponent() > 1.5) {
      return "High (superlinear)";
    }
    return ns < 5 ? "Low" : ns < 50 ? "Medium" : "High";
  }

  /** A gradient-stability class, in the review's words. */
  public static String stability(Profile p) {
    Stability s = p.stability();
    if (Double.isNaN(s.minGradNorm())) {
      return "n/a (no gradient)";
    }
    if (s.nonFiniteFraction() > 0) {
      return "Low (non-finite)";
    }
    return s.vanishingFraction() > 0.2 ? "Medium (vanishing)" : "High";
  }

  public static String table(List<Profile> profiles) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "%-22s %10s %12s %12s %8s %10s %9s %9s %10s %10s%n",
            "ID",
            "UNITS",
            "NS/UNIT",
            "NS/UNIT+G",
            "EXP",
            "BYTES/CALL",
            "NONFINITE",
            "VANISH",
            "|G| MAX",
            "SMOOTH"));
    for (Profile p : profiles) {
      Timing v = p.valueOnly().get(p.valueOnly().size() - 1);
      Timing g = p.largest();
      Stability s = p.stability();
      b.append(
          String.format(
              Locale.ROOT,
              "%-22s %10d %12.3f %12.3f %8.2f %10.0f %9.3f %9.3f %10.3g %10.3g%n",
              p.id(),
              g.units(),
              v.nanosPerUnit(),
              g.nanosPerUnit(),
              p.exponent(),
              g.bytesPerCall(),
              s.nonFiniteFraction(),
              s.vanishingFraction(),
              s.maxGradNorm(),
              s.smoothness()));
    }
    return b.toString();
  }

  public static String markdown(List<Profile> profiles, String command, String machine) {
    StringBuilder b = new StringBuilder();
    b.append("# Computational evaluation, measured\n\n");
    b.append(
        "The review compares losses by computational efficiency, implementation complexity and gradient"
            + " stability in qualitative terms (High/Medium/Low). This page measures them, for every"
            + " catalogue id, on one machine, single-threaded, default parameters:\n\n");
    b.append("```bash\n").append(command).append("\n```\n\n");
    b.append("Machine: ").append(machine).append("\n\n");
    b.append(
        "- **ns/unit**: median time per unit (element, sample, box or pixel: the size the loss's"
            + " sampler is given) at the largest size measured, value only and value + gradient.\n"
            + "- **exp**: the fitted exponent of time against size (1 = linear; 2 = all pairs of a"
            + " batch).\n"
            + "- **bytes/call**: heap allocated per value + gradient call (scratch, result arrays).\n"
            + "- **non-finite**: fraction of a sweep of seeded inputs scaled by 1e-3, 1 and 1e3 with a"
            + " non-finite value or gradient (must be 0); **vanishing**: fraction with a gradient norm"
            + " below 1e-12; **|g| range**: the gradient's L2 norm over the sweep; **smoothness**: median"
            + " local Lipschitz estimate of the gradient (lower is smoother).\n"
            + "- **cost** and **stability**: the same figures in the review's words (cost: Low < 5"
            + " ns/unit <= Medium < 50 ns/unit <= High, or High when the exponent exceeds 1.5; stability: High"
            + " unless gradients vanish in over 20% of the sweep or are ever non-finite).\n\n");
    b.append(
        "| id | family | units | ns/unit (value) | ns/unit (value+grad) | exp | bytes/call |"
            + " non-finite | vanishing | |g| range | smoothness | cost | stability |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Profile p : profiles) {
      Timing v = p.valueOnly().get(p.valueOnly().size() - 1);
      Timing g = p.largest();
      Stability s = p.stability();
      b.append(
          String.format(
              Locale.ROOT,
              "| `%s` | %s | %d | %.3g | %.3g | %.2f | %.0f | %.2f | %.2f | %s | %s | %s | %s |%n",
              p.id(),
              p.family(),
              g.units(),
              v.nanosPerUnit(),
              g.nanosPerUnit(),
              p.exponent(),
              g.bytesPerCall(),
              s.nonFiniteFraction(),
              s.vanishingFraction(),
              Double.isNaN(s.minGradNorm())
                  ? "n/a"
                  : String.format(Locale.ROOT, "%.2g to %.2g", s.minGradNorm(), s.maxGradNorm()),
              Double.isNaN(s.smoothness())
                  ? "n/a"
                  : String.format(Locale.ROOT, "%.3g", s.smoothness()),
              cost(p),
              stability(p)));
    }
    return b.toString();
  }
}

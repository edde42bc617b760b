package dev.losskit.spark;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import scala.Tuple2;
import scala.collection.Iterator;

/**
 * The arguments of one call, {@code (id, column..., [options])}, as Spark hands them to a user
 * function: the id a string, columns as values, the options a {@code scala.collection.Map}.
 */
final class Arguments {
  private Arguments() {}

  /** The arguments of a recent call on this thread and their call: rows repeat them. */
  private record Recent(String function, Object id, Object options, int count, LossCall call) {
    boolean matches(String f, Object[] args, Object opts) {
      return count == args.length
          && function.equals(f)
          && Objects.equals(id, args[0])
          && Objects.equals(options, opts);
    }
  }

  /** A few calls per thread, enough for the losskit functions of one query. */
  private static final int RECENT = 8;

  private static final ThreadLocal<Recent[]> RECENT_CALLS =
      ThreadLocal.withInitial(() -> new Recent[RECENT]);

  /** The call for these arguments. */
  static LossCall call(String function, Object[] args) {
    Object last = args.length > 0 ? args[args.length - 1] : null;
    Object options = last instanceof scala.collection.Map<?, ?> ? last : null;
    Recent[] recent = RECENT_CALLS.get();
    for (Recent r : recent) {
      if (r != null && r.matches(function, args, options)) {
        return r.call;
      }
    }
    LossCall call = lookUp(function, args);
    System.arraycopy(recent, 0, recent, 1, RECENT - 1);
    recent[0] = new Recent(function, args[0], options, args.length, call);
    return call;
  }

  private static LossCall lookUp(String function, Object[] args) {
    if (args.length < 2) {
      throw new IllegalArgumentException(
          function + ": expected (id, input..., [options]), found " + args.length + " argument(s)");
    }
    boolean hasOptions = args[args.length - 1] instanceof scala.collection.Map<?, ?>;
    Map<String, String> options =
        hasOptions
            ? options(function, (scala.collection.Map<?, ?>) args[args.length - 1])
            : Map.of();
    int columns = args.length - 1 - (hasOptions ? 1 : 0);
    return LossCall.of(function, args[0], options, columns);
  }

  /** The column values: the arguments between the id and the options. */
  static Object[] columns(LossCall call, Object[] args) {
    return Arrays.copyOfRange(args, 1, 1 + call.columnInput.length);
  }

  private static Map<String, String> options(String function, scala.collection.Map<?, ?> m) {
    Map<String, String> out = new TreeMap<>();
    Iterator<? extends Tuple2<?, ?>> it = m.iterator();
    while (it.hasNext()) {
      Tuple2<?, ?> e = it.next();
      if (e._1() == null || e._2() == null) {
        throw new IllegalArgumentException(
            function + " options: expected non-null keys and values, found " + e);
      }
      out.put(e._1().toString(), e._2().toString());
    }
    return out;
  }
}

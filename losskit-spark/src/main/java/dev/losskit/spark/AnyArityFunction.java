package dev.losskit.spark;

import java.io.Serializable;
import scala.Function1;
import scala.Function10;
import scala.Function11;
import scala.Function12;
import scala.Function2;
import scala.Function3;
import scala.Function4;
import scala.Function5;
import scala.Function6;
import scala.Function7;
import scala.Function8;
import scala.Function9;

/**
 * A Spark function of any number of arguments from 2 to 12, so that one SQL name serves every loss
 * whatever its number of inputs: {@code losskit(id, input1, ..., [options])}.
 *
 * <p>Spark calls a user function through the Scala function interface of its argument count, so
 * this class implements all of them and hands the arguments to {@link #call}.
 */
@SuppressWarnings("rawtypes")
abstract class AnyArityFunction
    implements Serializable,
        Function2,
        Function3,
        Function4,
        Function5,
        Function6,
        Function7,
        Function8,
        Function9,
        Function10,
        Function11,
        Function12 {
  private static final long serialVersionUID = 1L;

  /** Evaluates the function on one row's arguments. */
  abstract Object call(Object[] args);

  @Override
  public Object apply(Object a0, Object a1) {
    return call(new Object[] {a0, a1});
  }

  @Override
  public Object apply(Object a0, Object a1, Object a2) {
    return call(new Object[] {a0, a1, a2});
  }

  @Override
  public Object apply(Object a0, Object a1, Object a2, Object a3) {
    return call(new Object[] {a0, a1, a2, a3});
  }

  @Override
  public Object apply(Object a0, Object a1, Object a2, Object a3, Object a4) {
    return call(new Object[] {a0, a1, a2, a3, a4});
  }

  @Override
  public Object apply(Object a0, Object a1, Object a2, Object a3, Object a4, Object a5) {
    return call(new Object[] {a0, a1, a2, a3, a4, a5});
  }

  @Override
  public Object apply(Object a0, Object a1, Object a2, Object a3, Object a4, Object a5, Object a6) {
    return call(new Object[] {a0, a1, a2, a3, a4, a5, a6});
  }

  @Override
  public Object apply(
      Object a0, Object a1, Object a2, Object a3, Object a4, Object a5, Object a6, Object a7) {
    return call(new Object[] {a0, a1, a2, a3, a4, a5, a6, a7});
  }

  @Override
  public Object apply(
      Object a0,
      Object a1,
      Object a2,
      Object a3,
      Object a4,
      Object a5,
      Object a6,
      Object a7,
      Object a8) {
    return call(new Object[] {a0, a1, a2, a3, a4, a5, a6, a7, a8});
  }

  @Override
  public Object apply(
      Object a0,
      Object a1,
      Object a2,
      Object a3,
      Object a4,
      Object a5,
      Object a6,
      Object a7,
      Object a8,
      Object a9) {
    return call(new Object[] {a0, a1, a2, a3, a4, a5, a6, a7, a8, a9});
  }

  @Override
  public Object apply(
      Object a0,
      Object a1,
      Object a2,
      Object a3,
      Object a4,
      Object a5,
      Object a6,
      Object a7,
      Object a8,
      Object a9,
      Object a10) {
    return call(new Object[] {a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10});
  }

  @Override
  public Object apply(
      Object a0,
      Object a1,
      Object a2,
      Object a3,
      Object a4,
      Object a5,
      Object a6,
      Object a7,
      Object a8,
      Object a9,
      Object a10,
      Object a11) {
    return call(new Object[] {a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11});
  }

  @Override
  public Function1 curried() {
    throw new UnsupportedOperationException("curried");
  }

  @Override
  public Function1 tupled() {
    throw new UnsupportedOperationException("tupled");
  }

  @Override
  public String toString() {
    return getClass().getSimpleName();
  }
}

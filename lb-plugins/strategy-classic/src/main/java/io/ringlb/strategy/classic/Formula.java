package io.ringlb.strategy.classic;

import java.util.function.LongBinaryOperator;

/**
 * An arithmetic formula in {@code i} and {@code j}, parsed once into a tree of operators.
 *
 * <p>Arithmetic is exact on 64-bit integers with the exercise's Python semantics for {@code /}
 * and {@code %} (floor division, a remainder with the divisor's sign), so {@code i^2 + 2i + 17}
 * means what it meant there for every request id that fits. Past 64 bits a value wraps, and
 * since {@code +}, {@code -}, {@code *} and {@code ^} then stay right modulo any power of two,
 * a power-of-two slot count still sees the true value's remainder. Division by zero, which
 * Python would raise on mid-request, is made total as Lean and Coq make it: {@code x / 0 = 0}
 * and {@code x % 0 = x}. A negative power of an integer other than 1 or -1 truncates to 0.
 */
public final class Formula {

  private final String text;
  private final LongBinaryOperator root;

  Formula(String text, LongBinaryOperator root) {
    this.text = text;
    this.root = root;
  }

  /**
   * Parses {@code text}, in which only the letters of {@code variables} may appear.
   *
   * @param variables {@code "i"} for {@code H(i)}, {@code "ij"} for {@code Phi(i, j)}
   * @throws FormulaSyntaxException with the 1-based position of the first problem
   */
  public static Formula parse(String text, String variables) {
    return new Formula(text, new FormulaParser(text, variables).parse());
  }

  /** The formula's value at {@code i} and {@code j}; a formula without {@code j} ignores it. */
  public long evaluate(long i, long j) {
    return root.applyAsLong(i, j);
  }

  /** The formula's value reduced to a slot of {@code 0 .. slots - 1}. */
  public int slot(long i, long j, int slots) {
    return (int) Math.floorMod(root.applyAsLong(i, j), (long) slots);
  }

  @Override
  public String toString() {
    return text;
  }
}

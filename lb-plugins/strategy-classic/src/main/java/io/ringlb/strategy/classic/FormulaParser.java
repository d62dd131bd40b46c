package io.ringlb.strategy.classic;

import java.util.function.LongBinaryOperator;

/**
 * A recursive-descent parser for formulas. Expression libraries for the JVM evaluate in
 * {@code double} or {@code BigDecimal}; a slot needs exact integer arithmetic modulo M, so the
 * grammar, small as it is, is parsed here:
 *
 * <pre>
 * sum     = product { ("+" | "-") product }
 * product = unary { ("*" | "/" | "%") unary | power }     a power right after is implicit "*": 2i, 3(i + 1)
 * unary   = ("-" | "+") unary | power
 * power   = atom [ "^" unary ]                           right-associative: 2^3^2 = 2^9
 * atom    = integer | variable | "(" sum ")"
 * </pre>
 *
 * Operands that are constants are folded while parsing, so {@code 2^10 * i} costs one multiply.
 */
final class FormulaParser {

  /** A constant node, kept recognisable so the parser can fold constant operations. */
  private record Constant(long value) implements LongBinaryOperator {
    @Override
    public long applyAsLong(long i, long j) {
      return value;
    }
  }

  private final String text;
  private final String variables;
  private int at;

  FormulaParser(String text, String variables) {
    this.text = text;
    this.variables = variables;
  }

  LongBinaryOperator parse() {
    skipSpaces();
    if (at == text.length()) {
      throw error("empty formula");
    }
    LongBinaryOperator formula = sum();
    if (at < text.length()) {
      throw error("unexpected '" + text.charAt(at) + "'");
    }
    return formula;
  }

  private LongBinaryOperator sum() {
    LongBinaryOperator left = product();
    while (true) {
      if (accept('+')) {
        left = combine(left, product(), (a, b) -> a + b);
      } else if (accept('-')) {
        left = combine(left, product(), (a, b) -> a - b);
      } else {
        return left;
      }
    }
  }

  private LongBinaryOperator product() {
    LongBinaryOperator left = unary();
    while (true) {
      int operatorAt = at;
      if (accept('*')) {
        left = combine(left, unary(), (a, b) -> a * b);
      } else if (accept('/')) {
        left = combine(left, nonZero(unary(), operatorAt), Arithmetic::divide);
      } else if (accept('%')) {
        left = combine(left, nonZero(unary(), operatorAt), Arithmetic::remainder);
      } else if (startsAtom() && !Character.isDigit(peek())) {
        left = combine(left, power(), (a, b) -> a * b);
      } else {
        return left;
      }
    }
  }

  private LongBinaryOperator unary() {
    if (accept('-')) {
      return combine(new Constant(0), unary(), (a, b) -> a - b);
    }
    if (accept('+')) {
      return unary();
    }
    return power();
  }

  private LongBinaryOperator power() {
    LongBinaryOperator base = atom();
    if (accept('^')) {
      return combine(base, unary(), Arithmetic::power);
    }
    return base;
  }

  private LongBinaryOperator atom() {
    if (at == text.length()) {
      throw error("unexpected end of formula");
    }
    char c = peek();
    int open = at;
    if (accept('(')) {
      LongBinaryOperator inner = sum();
      if (!accept(')')) {
        throw at == text.length()
            ? new FormulaSyntaxException("unclosed '('", open + 1)
            : error("expected ')' but found '" + peek() + "'");
      }
      return inner;
    }
    if (Character.isDigit(c)) {
      return integer();
    }
    if (Character.isLetter(c)) {
      return variable();
    }
    throw error("unexpected '" + c + "'");
  }

  private LongBinaryOperator integer() {
    int start = at;
    while (at < text.length() && Character.isDigit(text.charAt(at))) {
      at++;
    }
    String digits = text.substring(start, at);
    skipSpaces();
    try {
      return new Constant(Long.parseLong(digits));
    } catch (NumberFormatException e) {
      throw new FormulaSyntaxException("number " + digits + " does not fit in 64 bits", start + 1);
    }
  }

  private LongBinaryOperator variable() {
    int start = at;
    while (at < text.length() && Character.isLetterOrDigit(text.charAt(at))) {
      at++;
    }
    String name = text.substring(start, at);
    skipSpaces();
    if (name.length() == 1 && variables.indexOf(name.charAt(0)) >= 0) {
      return name.equals("i") ? (i, j) -> i : (i, j) -> j;
    }
    String accepted = String.join(", ", variables.chars().mapToObj(Character::toString).toList());
    throw new FormulaSyntaxException("unknown variable '" + name + "' (use " + accepted + ")", start + 1);
  }

  private static LongBinaryOperator combine(LongBinaryOperator left, LongBinaryOperator right, LongBinaryOperator operation) {
    if (left instanceof Constant a && right instanceof Constant b) {
      return new Constant(operation.applyAsLong(a.value(), b.value()));
    }
    return (i, j) -> operation.applyAsLong(left.applyAsLong(i, j), right.applyAsLong(i, j));
  }

  private LongBinaryOperator nonZero(LongBinaryOperator divisor, int operatorAt) {
    if (divisor instanceof Constant constant && constant.value() == 0) {
      throw new FormulaSyntaxException("division by zero", operatorAt + 1);
    }
    return divisor;
  }

  private boolean startsAtom() {
    return at < text.length() && (peek() == '(' || Character.isLetterOrDigit(peek()));
  }

  private char peek() {
    return text.charAt(at);
  }

  private boolean accept(char expected) {
    if (at < text.length() && text.charAt(at) == expected) {
      at++;
      skipSpaces();
      return true;
    }
    return false;
  }

  private void skipSpaces() {
    while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
      at++;
    }
  }

  private FormulaSyntaxException error(String problem) {
    return new FormulaSyntaxException(problem, at + 1);
  }
}

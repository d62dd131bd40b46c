package io.ringlb.strategy.classic;

/** A formula that cannot be parsed; {@link #position()} points at the first problem. */
public final class FormulaSyntaxException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final int position;

  FormulaSyntaxException(String problem, int position) {
    super(problem + " at position " + position);
    this.position = position;
  }

  /** 1-based, counted in characters of the formula's text. */
  public int position() {
    return position;
  }
}

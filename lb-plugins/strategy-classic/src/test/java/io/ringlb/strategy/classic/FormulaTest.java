package io.ringlb.strategy.classic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FormulaTest {

  @ParameterizedTest(name = "{0} at i={1}, j={2} is {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "i^2 + 2i + 17           | 123456 | 0 | 15241630865",
        "i^2 + j^2 + 2j + 25     | 3      | 8 | 114",
        "2^3^2                   | 0      | 0 | 512",
        "-i^2                    | 3      | 0 | -9",
        "(i + 1)(i - 1)          | 5      | 0 | 24",
        "2(i + j) * 3            | 1      | 2 | 18",
        "i - j - 1               | 10     | 3 | 6",
        "7 / 2 + 7 % 2           | 0      | 0 | 4",
        "-7 / 2                  | 0      | 0 | -4",
        "-7 % 3                  | 0      | 0 | 2",
        "i / (j - 2)             | 9      | 2 | 0",
        "i % (j - 2)             | 9      | 2 | 9",
        "2^(0 - 1) + 1^(0 - 3)   | 0      | 0 | 1",
        "  i*i*i  +  7i          | 4      | 0 | 92",
      })
  void evaluatesWithExactIntegerArithmetic(String text, long i, long j, long expected) {
    assertThat(Formula.parse(text, "ij").evaluate(i, j)).isEqualTo(expected);
  }

  @Test
  void reducesToASlotThatIsNeverNegative() {
    Formula formula = Formula.parse("0 - i", "i");

    assertThat(formula.slot(5, 0, 512)).isEqualTo(507);
  }

  @Test
  void wrapsPast64BitsAndStaysRightModuloAPowerOfTwo() {
    Formula square = Formula.parse("i^2", "i");
    long big = 3_000_000_000_000L; // its square needs 84 bits

    long exact = java.math.BigInteger.valueOf(big).pow(2).mod(java.math.BigInteger.valueOf(512)).longValue();
    assertThat(square.slot(big, 0, 512)).isEqualTo(exact);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''          | empty formula at position 1",
        "i +         | unexpected end of formula at position 4",
        "i + k       | unknown variable 'k' (use i) at position 5",
        "ij          | unknown variable 'ij' (use i) at position 1",
        "i $ 2       | unexpected '$' at position 3",
        "(i + 1      | unclosed '(' at position 1",
        "i 2         | unexpected '2' at position 3",
        "i / (3 - 3) | division by zero at position 3",
        "99999999999999999999 | number 99999999999999999999 does not fit in 64 bits at position 1",
      })
  void refusesWhatItCannotParseWithThePosition(String text, String message) {
    assertThatThrownBy(() -> Formula.parse(text, "i")).isInstanceOf(FormulaSyntaxException.class).hasMessage(message);
  }
}

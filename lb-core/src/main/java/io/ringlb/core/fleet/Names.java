package io.ringlb.core.fleet;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Replica names: what a valid one is, when two are the same, and how one is shown in a message.
 * Hostnames are case-insensitive on a network, so {@code S1} and {@code s1} are one name to
 * every call that takes names.
 */
public final class Names {

  /** An RFC 1123 label: what a container name on a Docker network and a DNS name must be. */
  private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

  /** A name in a message is cut to this many characters: an error must not echo a megabyte back. */
  static final int SHOWN = 64;

  private Names() {}

  /** The form two names are compared in. */
  public static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  /**
   * Checks names given to {@code /add} or {@code /rm}: each a valid hostname, none twice.
   *
   * @throws FleetException {@code INVALID_REQUEST} naming the first bad one
   */
  public static void check(List<String> names) {
    Set<String> seen = new HashSet<>();
    for (String name : names) {
      if (name == null || !HOSTNAME.matcher(name).matches()) {
        throw FleetException.invalid(shown(name) + " is not a valid hostname: 1 to 63 letters, digits and hyphens,"
            + " not starting or ending with a hyphen");
      }
      if (!seen.add(key(name))) {
        throw FleetException.invalid("Hostname " + shown(name) + " appears more than once");
      }
    }
  }

  /** {@code name} quoted for a message, cut when long, so a message stays a line whatever it was sent. */
  public static String shown(String name) {
    return name == null ? "null" : "'" + printable(name) + "'" + lengthNote(name);
  }

  /** {@code text} for a message as it is, cut when long. */
  public static String cut(String text) {
    return printable(text) + lengthNote(text);
  }

  private static String printable(String text) {
    String cut = text.length() <= SHOWN ? text : text.substring(0, SHOWN) + "...";
    StringBuilder printable = new StringBuilder(cut.length());
    cut.codePoints().forEach(c -> printable.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return printable.toString();
  }

  private static String lengthNote(String text) {
    return text.length() <= SHOWN ? "" : " (" + text.length() + " characters)";
  }
}

package io.ringlb.lb;

/** The exercise's error envelope: {@code {"message": "<Error> ...", "status": "failure"}}. */
public record Failure(String message, String status) {

  public static Failure of(String problem) {
    return new Failure("<Error> " + problem, "failure");
  }
}

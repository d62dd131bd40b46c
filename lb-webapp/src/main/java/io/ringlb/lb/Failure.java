package io.ringlb.lb;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The exercise's error envelope: {@code {"message": "<Error> ...", "status": "failure"}}. */
public record Failure(
    @Schema(description = "What was wrong, starting with <Error>") String message,
    @Schema(description = "Always failure", examples = "failure") String status) {

  public static Failure of(String problem) {
    return new Failure("<Error> " + problem, "failure");
  }
}

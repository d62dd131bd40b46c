package io.ringlb.lb;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The exercise's success envelope: {@code {"message": ..., "status": "successful"}}. */
public record Success<T>(T message, @Schema(description = "Always successful", examples = "successful") String status) {

  public static <T> Success<T> of(T message) {
    return new Success<>(message, "successful");
  }
}

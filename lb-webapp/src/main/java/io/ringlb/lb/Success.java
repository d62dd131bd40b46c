package io.ringlb.lb;

/** The exercise's success envelope: {@code {"message": ..., "status": "successful"}}. */
public record Success<T>(T message, String status) {

  public static <T> Success<T> of(T message) {
    return new Success<>(message, "successful");
  }
}

package io.ringlb.lb;

import io.ringlb.core.fleet.FleetException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * An admin call's answer once the fleet's loop has taken the call: what it did, or why the fleet
 * refused it, in the API's JSON shape. A refusal is an answer like any other, so the stage
 * completes with it: a stage that failed would have RESTEasy log an "unhandled asynchronous
 * exception" at ERROR for every call a client got wrong, before {@link ErrorMapper} answered it.
 * Only what nobody expected still fails the stage, for the mapper to log and answer.
 */
final class FleetAnswer {

  private FleetAnswer() {}

  static <T> CompletionStage<Response> of(CompletionStage<T> call, Function<T, Success<?>> success) {
    return call.handle((done, failure) -> {
      if (failure == null) {
        return Response.ok(success.apply(done), MediaType.APPLICATION_JSON_TYPE).build();
      }
      Throwable cause = failure instanceof CompletionException wrapped && wrapped.getCause() != null ? wrapped.getCause() : failure;
      if (cause instanceof FleetException refused) {
        return ErrorMapper.refusal(refused);
      }
      throw failure instanceof CompletionException wrapped ? wrapped : new CompletionException(failure);
    });
  }
}

package io.ringlb.analysis;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * One thing the comparison loads: a balancer over the replicas, or the replicas themselves.
 *
 * @param name how the table names it
 * @param url where wrk sends its requests
 * @param spread when not empty, the addresses wrk deals its threads over instead of {@code url}'s
 * @param process the balancer's process, whose CPU time and resident memory (children included) are measured
 * @param stop stops what was started for this contender
 */
record Contender(String name, URI url, List<URI> spread, Optional<ProcessHandle> process, Runnable stop) implements AutoCloseable {

  @Override
  public void close() {
    stop.run();
  }
}

package io.ringlb.analysis;

/**
 * What one comparison loads the contenders with, as its table and verdicts name it.
 *
 * @param heading the table's heading, e.g. {@code 64 connections}
 * @param key what its charts' names and its CSV rows carry, e.g. {@code 64}
 * @param throughput what the throughput verdict calls the throughput, e.g. {@code Throughput}
 * @param throughputTarget the least share of HAProxy's throughput ringlb must reach
 */
record Workload(String heading, String key, String throughput, double throughputTarget) {

  /** The cleartext comparison's load: wrk over HTTP/1.1 keep-alive at {@code connections} connections. */
  static Workload cleartext(int connections) {
    return new Workload(connections + " connections", Integer.toString(connections), "Throughput", Comparison.THROUGHPUT_TARGET);
  }
}

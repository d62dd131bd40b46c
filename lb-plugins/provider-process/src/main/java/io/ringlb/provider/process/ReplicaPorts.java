package io.ringlb.provider.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Where a replica server listens: a port no one listens on now, chosen before the server binds
 * it. Between the two another process may take it, and the replica then serves nothing until the
 * fleet gives up on it ({@code lb.fleet.start-timeout-ms}). A port the kernel hands out for port 0
 * or an outgoing connection comes from its ephemeral range, which every browser, test client and
 * connection of the balancer's own draws from; so the port is chosen below that range, where
 * only a process that asks for that very number can take it, as the kernel reserves it for no one.
 * Where the range cannot be read (not Linux), the kernel's choice for port 0 is taken.
 */
final class ReplicaPorts {

  /** Linux's ephemeral range: two numbers, the lowest and the highest. */
  static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  /** How many ports below the ephemeral range replicas are placed in. */
  static final int SPAN = 10_000;
  /**
   * The lowest port chosen: below are the ports services are configured on, and those ringlb's
   * comparison tool gives the balancers it measures (from 10000 up to this one, read from {@link
   * ProcessReplicaProvider#LOWEST_REPLICA_PORT}).
   */
  static final int LOWEST = 20_000;

  private final InetAddress host;
  private final Optional<Integer> ephemeralFrom;
  private final RandomGenerator random;

  /**
   * @param ephemeralFrom the lowest port of the kernel's ephemeral range, when known
   * @param random where in the span the search for a free port starts: two balancers on one machine rarely look at the same ports
   */
  ReplicaPorts(InetAddress host, Optional<Integer> ephemeralFrom, RandomGenerator random) {
    this.host = host;
    this.ephemeralFrom = ephemeralFrom;
    this.random = random;
  }

  /** Ports on {@code host}, below the ephemeral range this machine has. */
  static ReplicaPorts on(InetAddress host) {
    return new ReplicaPorts(host, ephemeralFrom(EPHEMERAL_RANGE), RandomGenerator.getDefault());
  }

  /** The lowest port of the range in {@code file} (as Linux writes it: "32768	60999"), if it can be read. */
  static Optional<Integer> ephemeralFrom(Path file) {
    // a line read as a stream: a file of /proc reports a size of 0, and Files.readString reads it short (one byte, here)
    try (BufferedReader reader = Files.newBufferedReader(file)) {
      String[] range = String.valueOf(reader.readLine()).strip().split("\\s+");
      return Optional.of(Integer.parseInt(range[0]));
    } catch (IOException | RuntimeException unreadable) {
      return Optional.empty();
    }
  }

  /** A port no one listens on now. */
  int free() throws IOException {
    int below = ephemeralFrom.orElse(0);
    int lowest = Math.max(LOWEST, below - SPAN);
    if (below - lowest >= 1) {
      int span = below - lowest;
      int start = random.nextInt(span);
      for (int i = 0; i < span; i++) {
        int port = lowest + (start + i) % span;
        if (bindable(port)) {
          return port;
        }
      }
    }
    try (ServerSocket socket = new ServerSocket(0, 1, host)) {
      return socket.getLocalPort(); // no range below the ephemeral one, or all of it taken
    }
  }

  private boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(host, port), 1);
      return true;
    } catch (IOException taken) {
      return false;
    }
  }
}

package io.ringlb.provider.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replicas' ports come from below the kernel's ephemeral range, free when chosen, on real sockets of this machine. */
class ReplicaPortsTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  /** Starts every search at the first port of the span. */
  private static final RandomGenerator FROM_THE_START = () -> 0L;

  @TempDir
  Path dir;

  @Test
  void theEphemeralRangeIsReadAsLinuxWritesIt() throws IOException {
    Path range = Files.writeString(dir.resolve("ip_local_port_range"), "32768\t60999\n");

    assertThat(ReplicaPorts.ephemeralFrom(range)).hasValue(32768);
    assertThat(ReplicaPorts.ephemeralFrom(dir.resolve("missing"))).isEmpty();
    assertThat(ReplicaPorts.ephemeralFrom(Files.writeString(dir.resolve("garbled"), "none"))).isEmpty();
  }

  @Test
  void onThisMachineAPortComesFromBelowTheEphemeralRange() throws IOException {
    int port = ReplicaPorts.on(LOOPBACK).free();

    ReplicaPorts.ephemeralFrom(ReplicaPorts.EPHEMERAL_RANGE).ifPresent(ephemeral ->
        assertThat(port).isBetween(Math.max(ReplicaPorts.LOWEST, ephemeral - ReplicaPorts.SPAN), ephemeral - 1));
    assertThat(bindable(port)).isTrue();
  }

  @Test
  void aPortSomeoneListensOnIsPassedOver() throws IOException {
    int first = twoFreePortsFrom(ReplicaPorts.LOWEST);
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(LOOPBACK, first), 1);
      // the span below an ephemeral range from first + SPAN begins at first, where the search starts
      ReplicaPorts ports = new ReplicaPorts(LOOPBACK, Optional.of(first + ReplicaPorts.SPAN), FROM_THE_START);

      assertThat(ports.free()).isEqualTo(first + 1);
    }
  }

  @Test
  void withoutARangeThePortIsTheKernelsChoice() throws IOException {
    int port = new ReplicaPorts(LOOPBACK, Optional.empty(), FROM_THE_START).free();

    assertThat(port).isPositive();
    assertThat(bindable(port)).isTrue();
  }

  /** The lower of two neighbouring ports from {@code from} up that no one listens on. */
  private static int twoFreePortsFrom(int from) {
    for (int port = from; port < from + 1_000; port++) {
      if (bindable(port) && bindable(port + 1)) {
        return port;
      }
    }
    throw new IllegalStateException("no two free neighbouring ports from " + from);
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(LOOPBACK, port), 1);
      return true;
    } catch (IOException taken) {
      return false;
    }
  }
}

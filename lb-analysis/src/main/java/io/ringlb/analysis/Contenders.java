package io.ringlb.analysis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Starts each contender over the same replicas, configured as its users would for consistent
 * hashing on the request URI, each with a health check as HAProxy's default (every 2 s).
 */
final class Contenders {

  private static final Duration READY_WITHIN = Duration.ofMinutes(3);

  /**
   * The forwarding headers ringlb sets on every request, as HAProxy's users set them: the
   * client's address added to {@code X-Forwarded-For}, the scheme the client spoke in
   * {@code X-Forwarded-Proto} and its {@code Host} in {@code X-Forwarded-Host}. Every contender
   * sets them, so that each costs the replicas the same work per request.
   */
  private static final String FORWARDING = """
        option forwardfor
        http-request set-header X-Forwarded-Proto https if { ssl_fc }
        http-request set-header X-Forwarded-Proto http if !{ ssl_fc }
        http-request set-header X-Forwarded-Host %[req.hdr(host)] if { req.hdr(host) -m found }
      """;

  private Contenders() {}

  /** The replicas themselves, wrk's threads dealt over them: the upper limit. */
  static Contender direct(List<URI> replicas) {
    return new Contender("replicas (direct)", replicas.getFirst(), replicas, Optional.empty(), () -> {});
  }

  /** HAProxy, {@code balance uri whole} with {@code hash-type consistent}: the key is in the query string. */
  static Contender haproxy(List<URI> replicas, Path configs, Path work) {
    int port = LiveBalancer.freePort();
    return haproxy(replicas, port, FORWARDING, URI.create("http://127.0.0.1:" + port), configs.resolve("haproxy.cfg"), work.resolve("haproxy.log"));
  }

  /**
   * HAProxy as {@link #haproxy}, terminating TLS as ringlb does: on a port of its own beside the
   * cleartext one (which only tells that it is up), TLS 1.2 and 1.3, ALPN offering {@code h2}
   * and {@code http/1.1}, cleartext HTTP/1.1 to the replicas. wrk and h2load go to the TLS port.
   */
  static Contender haproxyTls(List<URI> replicas, TlsCertificate certificate, Path configs, Path work) {
    int port = LiveBalancer.freePort();
    int tlsPort = LiveBalancer.freePort();
    while (tlsPort == port) {
      tlsPort = LiveBalancer.freePort();
    }
    // TLS 1.3's suites in BoringSSL's order, ringlb's TLS, since HAProxy picks by its own order: both then settle on AES-128-GCM
    String tls = "  bind 127.0.0.1:%d ssl crt %s alpn h2,http/1.1 ssl-min-ver TLSv1.2 ciphersuites %s%n".formatted(tlsPort, certificate.combined(),
        "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256");
    return haproxy(replicas, port, tls + FORWARDING, URI.create("https://127.0.0.1:" + tlsPort), configs.resolve("haproxy-tls.cfg"),
        work.resolve("haproxy-tls.log"));
  }

  /** HAProxy listening on {@code port}, its frontend given {@code moreFrontend} lines (more binds, rules), its configuration written to {@code file}, loaded at {@code url}. */
  private static Contender haproxy(List<URI> replicas, int port, String moreFrontend, URI url, Path file, Path log) {
    StringBuilder servers = new StringBuilder();
    for (int i = 0; i < replicas.size(); i++) {
      servers.append(String.format("  server replica-%d %s:%d check%n", i + 1, replicas.get(i).getHost(), replicas.get(i).getPort()));
    }
    String config = """
        global
          maxconn 4096
        defaults
          mode http
          timeout connect 1s
          timeout client 30s
          timeout server 30s
        frontend balancer
          bind 127.0.0.1:%d
        %s  default_backend replicas
        backend replicas
          balance uri whole
          hash-type consistent
          option httpchk GET /heartbeat
        %s""".formatted(port, moreFrontend, servers);
    Path written = write(file, config).toAbsolutePath();
    return started("HAProxy", port, url, log, "haproxy", "-db", "-f", written.toString());
  }

  /**
   * nginx, {@code hash $request_uri consistent}, keeping connections to the replicas open as
   * HAProxy and ringlb do, passing the client's {@code Host} on as they do (nginx's default is
   * the upstream's name) and setting the forwarding headers they set.
   */
  static Contender nginx(List<URI> replicas, Path configs, Path work) {
    int port = LiveBalancer.freePort();
    Path prefix = work.resolve("nginx").toAbsolutePath();
    String servers = replicas.stream().map(r -> "    server " + r.getHost() + ":" + r.getPort() + ";\n").collect(Collectors.joining());
    String config = """
        daemon off;
        worker_processes auto;
        pid %1$s/nginx.pid;
        events {
          worker_connections 4096;
        }
        http {
          access_log off;
          client_body_temp_path %1$s/body;
          proxy_temp_path %1$s/proxy;
          upstream replicas {
            hash $request_uri consistent;
        %2$s    keepalive 64;
          }
          server {
            listen 127.0.0.1:%3$d;
            location / {
              proxy_pass http://replicas;
              proxy_http_version 1.1;
              proxy_set_header Connection "";
              proxy_set_header Host $http_host;
              proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
              proxy_set_header X-Forwarded-Proto $scheme;
              proxy_set_header X-Forwarded-Host $http_host;
            }
          }
        }
        """.formatted(prefix, servers, port);
    write(prefix.resolve("error.log"), "");
    Path file = write(configs.resolve("nginx.conf"), config).toAbsolutePath(); // nginx reads a relative -c under its prefix
    return started("nginx", port, URI.create("http://127.0.0.1:" + port), work.resolve("nginx.log"), "nginx", "-p", prefix.toString(),
        "-e", prefix.resolve("error.log").toString(), "-c", file.toString());
  }

  /**
   * ringlb, the project's own server, started through {@code bin/server} as its users start it,
   * over the same replicas through the {@code static} provider, keyed by {@code uri}, with
   * {@code eventLoops} data-plane event loops when given, else its default.
   */
  static Contender ringlb(List<URI> replicas, Path wlp, Path war, Path work, OptionalInt eventLoops) {
    return ringlb(replicas, wlp, war, work.resolve("ringlb.log"), eventLoops, Map.of(), OptionalInt.empty());
  }

  /**
   * ringlb as {@link #ringlb}, terminating TLS on its data plane ({@code lb.tls.*}) with
   * {@code certificate} on a port of its own beside the cleartext one; wrk and h2load go there.
   */
  static Contender ringlbTls(List<URI> replicas, Path wlp, Path war, Path work, OptionalInt eventLoops, TlsCertificate certificate) {
    int tlsPort = LiveBalancer.freePort();
    return ringlb(replicas, wlp, war, work.resolve("ringlb-tls.log"), eventLoops, certificate.ringlbSettings(tlsPort), OptionalInt.of(tlsPort));
  }

  private static Contender ringlb(List<URI> replicas, Path wlp, Path war, Path log, OptionalInt eventLoops, Map<String, String> more,
      OptionalInt tlsPort) {
    Map<String, String> settings = new LinkedHashMap<>(settings(replicas));
    eventLoops.ifPresent(n -> settings.put("lb.event-loops", Integer.toString(n)));
    settings.putAll(more);
    LiveBalancer balancer = LiveBalancer.start(wlp, war, settings, log);
    try {
      balancer.awaitInRing(replicas.size(), READY_WITHIN);
      LocalReplicas.awaitAnswer(balancer.data().resolve("/home?key=1"), READY_WITHIN);
    } catch (RuntimeException e) {
      balancer.close();
      throw e;
    }
    URI url = tlsPort.isPresent() ? URI.create("https://127.0.0.1:" + tlsPort.getAsInt()) : balancer.data();
    return new Contender("ringlb", url, List.of(), balancer.process(), balancer::close);
  }

  /** What ringlb is told beside its defaults: the replicas, hashing as HAProxy and nginx do, heartbeats as often as theirs. */
  static Map<String, String> settings(List<URI> replicas) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("lb.provider", "static");
    settings.put("lb.provider.static.servers", replicas.stream().map(r -> r.getHost() + ":" + r.getPort()).collect(Collectors.joining(",")));
    settings.put("lb.replicas", Integer.toString(replicas.size()));
    settings.put("lb.key", "uri");
    settings.put("lb.heartbeat.interval-ms", "2000");
    settings.put("lb.heartbeat.timeout-ms", "2000");
    return Collections.unmodifiableMap(settings);
  }

  /** Starts {@code command}, waits until it answers in cleartext on {@code port}, and loads it at {@code url}. */
  private static Contender started(String name, int port, URI url, Path log, String... command) {
    Process process;
    try {
      List<String> resolved = new ArrayList<>(List.of(command));
      resolved.set(0, Tools.executable(command[0]));
      process = new ProcessBuilder(resolved).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + name + ": " + Tools.INSTALL, e);
    }
    Runnable stop = () -> stop(process);
    try {
      LocalReplicas.awaitAnswer(URI.create("http://127.0.0.1:" + port + "/home?key=1"), READY_WITHIN, process.toHandle());
    } catch (RuntimeException e) {
      stop.run();
      throw new IllegalStateException(name + " did not come up; see " + log, e);
    }
    return new Contender(name, url, List.of(), Optional.of(process.toHandle()), stop);
  }

  private static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Path write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      return Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

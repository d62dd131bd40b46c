package io.ringlb.analysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/** CPU time and resident memory of a process and its children (nginx's workers), from the kernel's accounting. */
final class ProcessMeter {

  private ProcessMeter() {}

  /** User plus system CPU time so far. */
  static Duration cpu(ProcessHandle process) {
    return tree(process).map(p -> p.info().totalCpuDuration().orElse(Duration.ZERO)).reduce(Duration.ZERO, Duration::plus);
  }

  /** User plus system CPU time so far of {@code processes} together. */
  static Duration cpu(List<ProcessHandle> processes) {
    return processes.stream().map(ProcessMeter::cpu).reduce(Duration.ZERO, Duration::plus);
  }

  /** Resident set size now, in bytes ({@code VmRSS}). */
  static long rss(ProcessHandle process) {
    return tree(process).mapToLong(ProcessMeter::ownRss).sum();
  }

  /** Runs {@code work} while sampling the resident size every 100 ms; answers the peak. */
  static long peakRssDuring(ProcessHandle process, Runnable work) {
    AtomicLong peak = new AtomicLong(rss(process));
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());
    sampler.scheduleAtFixedRate(() -> peak.accumulateAndGet(rss(process), Math::max), 100, 100, TimeUnit.MILLISECONDS);
    try {
      work.run();
    } finally {
      sampler.shutdownNow();
    }
    return Math.max(peak.get(), rss(process));
  }

  private static Stream<ProcessHandle> tree(ProcessHandle process) {
    return Stream.concat(Stream.of(process), process.descendants());
  }

  private static long ownRss(ProcessHandle process) {
    try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      return lines.filter(line -> line.startsWith("VmRSS:")).findFirst()
          .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024).orElse(0L);
    } catch (IOException | RuntimeException gone) {
      return 0; // the process ended between listing and reading
    }
  }
}

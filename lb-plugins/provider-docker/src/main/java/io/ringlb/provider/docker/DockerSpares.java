package io.ringlb.provider.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import io.ringlb.api.ReplicaSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Replica containers started ahead of need, so a replica that dies is replaced by a container
 * whose JVM and Liberty are up, or on their way: a start renames a spare instead of waiting
 * seconds for a new container on busy cores, as the {@code process} provider's spares do.
 *
 * <p>A spare is a replica container without a name. It is not ready, and answers as no replica,
 * until a name is written to the file it watches ({@value #NAME_FILE}). It is called
 * {@code <balancer>_spare_<k>}, which no replica can be (a hostname has no underscore), and is
 * labelled as the balancer's, with {@value #SPARE_LABEL}. A start takes the oldest spare that
 * runs, ready or still starting, or the one being created now, since one that started earlier
 * is ahead of any started now: copies the replica's name and id into it, renames it to the
 * replica's name, and starts another spare behind it.
 *
 * <p>Labels cannot change once a container exists, so a spare that became a replica is known by
 * its container name, and by the id in the file beside its name, which a restarted balancer reads
 * once. Spares are the launcher's own: they go when it closes, and a balancer that crashed leaves
 * them to the next, which takes them over.
 */
final class DockerSpares implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(DockerSpares.class.getName());

  static final String SPARE_LABEL = "io.ringlb.spare";
  /** Where a spare finds who it is to be; the image's {@code /tmp} is writable. */
  private static final String IDENTITY_PARENT = "/tmp";
  private static final String IDENTITY_DIR = "ringlb";
  static final String NAME_FILE = IDENTITY_PARENT + "/" + IDENTITY_DIR + "/name";
  static final String ID_FILE = IDENTITY_PARENT + "/" + IDENTITY_DIR + "/id";
  /** The environment variable for MicroProfile Config's {@code replica.name-file} in the replica. */
  static final String NAME_FILE_VARIABLE = "REPLICA_NAME_FILE";
  /** How long a start waits for the spare a refill is creating: a container is created and started in well under a second. */
  private static final Duration REFILL_WAIT = Duration.ofSeconds(5);

  /** Creates, without starting it, a replica container of this name with these environment variables and labels; answers its id. */
  @FunctionalInterface
  interface Factory {
    String create(String name, List<String> environment, Map<String, String> labels);
  }

  private final DockerClient docker;
  private final String balancer;
  private final int wanted;
  private final Factory factory;
  /** Spares started and not yet taken, by container id, oldest first. */
  private final ArrayDeque<String> spares = new ArrayDeque<>();
  /** The replica id of each container that was a spare, by container id: written as it is taken, read once after a restart. */
  private final Map<String, Integer> ids = new ConcurrentHashMap<>();
  private boolean refilling;
  private boolean closed;

  /** @param wanted how many spares to keep started; 0 for none */
  DockerSpares(DockerClient docker, String balancer, int wanted, Factory factory) {
    this.docker = docker;
    this.balancer = balancer;
    this.wanted = wanted;
    this.factory = factory;
  }

  /** The name of a spare container, {@code <balancer>_spare_<k>}: the prefix. */
  private String prefix() {
    return balancer + "_spare_";
  }

  /** Whether {@code container} was started as a spare, and so carries its identity in files rather than labels. */
  static boolean wasSpare(Container container) {
    return container.getLabels().containsKey(SPARE_LABEL);
  }

  /** Whether {@code container} is a spare no start has taken yet. */
  boolean isSpare(Container container) {
    return wasSpare(container) && nameOf(container).startsWith(prefix());
  }

  /** The container's name, without Docker's leading slash. */
  static String nameOf(Container container) {
    String[] names = container.getNames();
    return names == null || names.length == 0 ? "" : names[0].substring(1);
  }

  /** Takes over the spares a balancer before this one left running: they are as good as any started now. */
  synchronized void adopt(List<Container> ours) {
    for (Container container : ours) {
      if (isSpare(container) && "running".equals(container.getState()) && !spares.contains(container.getId())) {
        spares.addLast(container.getId());
        LOG.log(Level.INFO, "Found spare {0} still running", nameOf(container));
      }
    }
  }

  /**
   * Makes the oldest spare that runs the replica of {@code spec}: its identity written into it,
   * renamed to the replica's name. Answers its container id, or empty when there is no spare.
   * The name must be free.
   */
  Optional<String> take(ReplicaSpec spec) {
    for (String id; (id = next()) != null; ) {
      try {
        if (!Boolean.TRUE.equals(docker.inspectContainerCmd(id).exec().getState().getRunning())) {
          removeQuietly(id); // died unused (the OOM killer, say)
          continue;
        }
        docker.copyArchiveToContainerCmd(id).withTarInputStream(identity(spec)).withRemotePath(IDENTITY_PARENT).exec();
        docker.renameContainerCmd(id).withName(spec.name()).exec();
        ids.put(id, spec.id());
        LOG.log(Level.INFO, "Replica {0} is a spare started ahead (container {1})", spec.name(), id.substring(0, 12));
        return Optional.of(id);
      } catch (NotFoundException gone) {
        // removed meanwhile: the next
      } catch (DockerException e) {
        LOG.log(Level.WARNING, "Cannot make a spare replica " + spec.name() + "; trying the next, or a new container", e);
        removeQuietly(id); // named perhaps, recorded nowhere: it must not run on as nobody's
      }
    }
    return Optional.empty();
  }

  /** The replica id of a container that was a spare: the one it was given, read from it when this launcher did not give it. */
  int idOf(String containerId) {
    return ids.computeIfAbsent(containerId, this::readId);
  }

  /** Starts spares, off the caller's thread, until there are as many as wanted. */
  void refillLater() {
    if (wanted > 0) {
      Thread.ofVirtual().name("ringlb-docker-spares").start(this::refill);
    }
  }

  private void refill() {
    synchronized (this) {
      if (refilling || closed) {
        return;
      }
      refilling = true;
    }
    try {
      while (true) {
        synchronized (this) {
          if (closed || spares.size() >= wanted) {
            return;
          }
        }
        // no SERVER_ID, even one an image built elsewhere may carry: a spare is nobody until named
        String id = factory.create(freeName(), List.of("SERVER_ID=", NAME_FILE_VARIABLE + "=" + NAME_FILE),
            Map.of(DockerLauncher.BALANCER_LABEL, balancer, SPARE_LABEL, "true"));
        docker.startContainerCmd(id).exec();
        synchronized (this) {
          if (closed) {
            removeQuietly(id);
            return;
          }
          spares.addLast(id);
          notifyAll(); // a start may be waiting for it
        }
      }
    } catch (DockerException | IllegalStateException e) {
      LOG.log(Level.WARNING, "Cannot start a spare replica; replicas start from scratch until the next start tries again", e);
    } finally {
      synchronized (this) {
        refilling = false;
        notifyAll();
      }
    }
  }

  /**
   * The oldest spare, or one a refill under way is creating now: creating a container is the
   * first step of a start from scratch too, so waiting for it can only be sooner. Null when none
   * comes within {@link #REFILL_WAIT}.
   */
  private synchronized String next() {
    long deadline = System.nanoTime() + REFILL_WAIT.toNanos();
    try {
      while (spares.isEmpty() && refilling && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return spares.pollFirst();
  }

  /** The lowest {@code <balancer>_spare_<k>} no container has. */
  private String freeName() {
    Set<String> taken = new HashSet<>();
    for (Container container : docker.listContainersCmd().withShowAll(true).withNameFilter(List.of(prefix())).exec()) {
      taken.add(nameOf(container));
    }
    for (int k = 1; ; k++) {
      if (!taken.contains(prefix() + k)) {
        return prefix() + k;
      }
    }
  }

  /** A tar archive of the identity directory: the name the spare serves as, and the id its balancer knows it by. */
  private static InputStream identity(ReplicaSpec spec) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      TarArchiveEntry dir = new TarArchiveEntry(IDENTITY_DIR + "/");
      dir.setMode(0755);
      tar.putArchiveEntry(dir);
      tar.closeArchiveEntry();
      // the id first: once the name is there, the spare is ready
      add(tar, IDENTITY_DIR + "/id", Integer.toString(spec.id()));
      add(tar, IDENTITY_DIR + "/name", spec.name());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ByteArrayInputStream(bytes.toByteArray());
  }

  private static void add(TarArchiveOutputStream tar, String path, String content) throws IOException {
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry entry = new TarArchiveEntry(path);
    entry.setSize(data.length);
    entry.setMode(0644);
    tar.putArchiveEntry(entry);
    tar.write(data);
    tar.closeArchiveEntry();
  }

  private int readId(String containerId) {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(docker.copyArchiveFromContainerCmd(containerId, ID_FILE).exec())) {
      if (tar.getNextEntry() == null) {
        throw new IllegalStateException("container " + containerId + " has no " + ID_FILE);
      }
      return Integer.parseInt(new String(tar.readAllBytes(), StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + ID_FILE + " of container " + containerId, e);
    }
  }

  private void removeQuietly(String containerId) {
    try {
      docker.removeContainerCmd(containerId).withForce(true).exec();
    } catch (DockerException gone) {
      // removed meanwhile, or the engine is gone: nothing to keep
    }
  }

  /** Removes the spares no start took: they are this launcher's own. */
  @Override
  public void close() {
    List<String> left;
    synchronized (this) {
      closed = true;
      left = List.copyOf(spares);
      spares.clear();
    }
    left.forEach(this::removeQuietly);
  }
}

package io.ringlb.provider.docker;

import com.github.dockerjava.api.model.Task;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a Swarm task listens, read from the fields of the engine's answer that docker-java's
 * {@link Task} does not model, in the raw values it keeps of the whole answer: {@code
 * NetworksAttachments} (the task's address on each network, given when the task is created)
 * and {@code Status.PortStatus} (the ports it publishes, once it runs).
 */
final class TaskAddress {

  private TaskAddress() {}

  /** The task's IP address on the network of that name. */
  static Optional<String> onNetwork(Task task, String network) {
    for (Map<?, ?> attachment : maps(task.getRawValues().get("NetworksAttachments"))) {
      Object spec = attachment.get("Network") instanceof Map<?, ?> net ? net.get("Spec") : null;
      if (spec instanceof Map<?, ?> named && network.equals(named.get("Name")) && attachment.get("Addresses") instanceof List<?> addresses
          && !addresses.isEmpty()) {
        return Optional.of(String.valueOf(addresses.getFirst()).replaceAll("/.*", ""));
      }
    }
    return Optional.empty();
  }

  /** The port of its node that the task's {@code targetPort} is published on. */
  static Optional<Integer> published(Task task, int targetPort) {
    Object portStatus = task.getRawValues().get("Status") instanceof Map<?, ?> raw ? raw.get("PortStatus") : null;
    if (!(portStatus instanceof Map<?, ?> status)) {
      return Optional.empty();
    }
    for (Map<?, ?> port : maps(status.get("Ports"))) {
      if (port.get("TargetPort") instanceof Number target && target.intValue() == targetPort && port.get("PublishedPort") instanceof Number at) {
        return Optional.of(at.intValue());
      }
    }
    return Optional.empty();
  }

  private static List<Map<?, ?>> maps(Object list) {
    return list instanceof List<?> items ? items.stream().filter(Map.class::isInstance).<Map<?, ?>>map(Map.class::cast).toList() : List.of();
  }
}

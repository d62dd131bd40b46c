package io.ringlb.lb;

import io.ringlb.core.Balancer;
import io.ringlb.core.BalancerConfig;
import io.ringlb.core.routing.PluginJars;
import io.ringlb.core.routing.ReplicaProviders;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.PluginRegistry;
import io.ringlb.spi.ReplicaLauncher;
import io.ringlb.spi.ReplicaProvider;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.microprofile.config.Config;

/**
 * Starts the engine with the application and stops it with the application. Configuration is
 * read once, here: a bad {@code lb.*} value fails the start with a message naming the property.
 */
@ApplicationScoped
public class BalancerLifecycle {

  private static final System.Logger LOG = System.getLogger(BalancerLifecycle.class.getName());

  @Inject Config config;
  @Inject FaultTolerantLauncher launcher;

  private volatile Balancer balancer;

  void start(@Observes @Initialized(ApplicationScoped.class) Object applicationStarted) {
    Function<String, Optional<String>> properties = name -> config.getOptionalValue(name, String.class);
    ClassLoader plugins = PluginJars.loader(pluginDirectory(properties), BalancerLifecycle.class.getClassLoader());
    BalancerConfig settings = BalancerConfig.from(properties, PluginRegistry.load(HashStrategyProvider.class, plugins));
    ReplicaLauncher provided = ReplicaProviders.launcher(PluginRegistry.load(ReplicaProvider.class, plugins), properties);
    launcher.use(provided);
    balancer = Balancer.start(settings, launcher);
    LOG.log(Level.INFO, "ringlb is starting {0} replicas with {1}, routing with {2}",
        settings.fleet().replicas(), provided.getClass().getSimpleName(), settings.emptyRing());
  }

  /** {@code lb.plugins.dir}, by default {@code plugins/} beside the server's configuration. */
  private static Path pluginDirectory(Function<String, Optional<String>> properties) {
    return properties.apply("lb.plugins.dir").map(Path::of)
        .orElseGet(() -> Path.of(System.getProperty("server.config.dir", "."), "plugins"));
  }

  @PreDestroy
  void stop() {
    if (balancer != null) {
      balancer.close();
    }
  }

  /** The running engine. */
  public Balancer balancer() {
    Balancer running = balancer;
    if (running == null) {
      throw new IllegalStateException("the balancer has not started");
    }
    return running;
  }

  /** Whether {@link #start} has run, for the startup probe. */
  boolean started() {
    return balancer != null;
  }
}

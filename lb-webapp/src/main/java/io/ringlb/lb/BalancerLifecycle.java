package io.ringlb.lb;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ringlb.api.InvalidConfigException;
import io.ringlb.core.Balancer;
import io.ringlb.core.BalancerConfig;
import io.ringlb.core.BalancerOptions;
import io.ringlb.core.routing.PluginJars;
import io.ringlb.core.routing.ReplicaProviders;
import io.ringlb.spi.HashStrategyProvider;
import io.ringlb.spi.KeyExtractorProvider;
import io.ringlb.spi.PluginRegistry;
import io.ringlb.spi.ReplicaLauncher;
import io.ringlb.spi.ReplicaProvider;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ContextServiceDefinition;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.concurrent.ManagedThreadFactoryDefinition;
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
 * Starts the engine, its data plane included, with the application and stops it with the
 * application. Configuration is read once, here: a bad {@code lb.*} value fails the start with a
 * message naming the property.
 *
 * <p>The data plane's event loops are the server's managed threads, made by a factory that
 * carries no application context: event loops run only the engine's own code. Liberty runs a
 * managed thread only once the application has started, so the data plane binds just after;
 * readiness says DOWN until it listens.
 */
@ContextServiceDefinition(name = BalancerLifecycle.NO_CONTEXT, propagated = {}, cleared = ContextServiceDefinition.ALL_REMAINING, unchanged = {})
@ManagedThreadFactoryDefinition(name = BalancerLifecycle.EVENT_LOOP_THREADS, context = BalancerLifecycle.NO_CONTEXT)
@ApplicationScoped
public class BalancerLifecycle {

  static final String NO_CONTEXT = "java:app/concurrent/ringlb-no-context";
  static final String EVENT_LOOP_THREADS = "java:app/concurrent/ringlb-event-loops";

  private static final System.Logger LOG = System.getLogger(BalancerLifecycle.class.getName());

  @Inject Config config;
  @Inject FaultTolerantLauncher launcher;

  @Resource(lookup = EVENT_LOOP_THREADS)
  ManagedThreadFactory threads;

  private volatile Balancer balancer;
  private volatile StoppableLauncher engineLauncher;
  /** Where the balancer's meters and the JVM's go; {@code /metrics} scrapes it. */
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();

  void start(@Observes @Initialized(ApplicationScoped.class) Object applicationStarted) {
    Function<String, Optional<String>> properties = name -> config.getOptionalValue(name, String.class);
    ClassLoader plugins = PluginJars.loader(pluginDirectory(properties), BalancerLifecycle.class.getClassLoader());
    BalancerConfig settings = BalancerConfig.from(properties, PluginRegistry.load(HashStrategyProvider.class, plugins),
        PluginRegistry.load(KeyExtractorProvider.class, plugins));
    boolean locked = adminToken(properties);
    ReplicaLauncher provided = ReplicaProviders.launcher(PluginRegistry.load(ReplicaProvider.class, plugins), properties);
    try {
      launcher.use(provided);
      new JvmMemoryMetrics().bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      gc.bindTo(registry);
      engineLauncher = new StoppableLauncher(launcher, provided);
      balancer = Balancer.start(settings, engineLauncher, BalancerOptions.defaults().withThreads(threads).withRegistry(registry));
    } catch (RuntimeException | Error failed) {
      // a provider may start work of its own as it is made (spares ahead, a cache trained): none of it outlives a start
      // that failed, such as one whose TLS files do not load, or each start Liberty tries again leaves processes behind
      try {
        provided.close();
      } catch (RuntimeException alsoFailed) {
        failed.addSuppressed(alsoFailed); // the start's failure is what the log must name
      }
      throw failed;
    }
    LOG.log(Level.INFO, "ringlb is starting {0} replicas with {1}, routing with {2} by lb.key={5}; clients on {3}, the API also on {4}",
        settings.fleet().replicas(), provided.getClass().getSimpleName(), settings.emptyRing(),
        "http://" + settings.proxy().host() + ":" + settings.proxy().port() + "/",
        settings.proxy().admin().map(admin -> "http://" + admin.host() + ":" + admin.port() + "/").orElse("(no admin endpoint)"), settings.keys());
    LOG.log(Level.INFO, locked ? "/add and /rm need the lb.admin.token" : "/add and /rm are open to anyone who reaches a port: set lb.admin.token to lock them");
  }

  /**
   * Whether {@code lb.admin.token} locks the calls that change the fleet ({@link AdminTokenFilter}).
   *
   * @throws InvalidConfigException for a token of blanks alone, which would look set and lock nothing
   */
  private static boolean adminToken(Function<String, Optional<String>> properties) {
    Optional<String> token = properties.apply(AdminTokenFilter.TOKEN);
    if (token.isPresent() && token.get().isBlank()) {
      throw new InvalidConfigException(AdminTokenFilter.TOKEN, "is blank: set a token, or leave it unset to keep /add and /rm open");
    }
    return token.isPresent();
  }

  /** {@code lb.plugins.dir}, by default {@code plugins/} beside the server's configuration. */
  private static Path pluginDirectory(Function<String, Optional<String>> properties) {
    return properties.apply("lb.plugins.dir").map(Path::of)
        .orElseGet(() -> Path.of(System.getProperty("server.config.dir", "."), "plugins"));
  }

  @PreDestroy
  void stop() {
    if (balancer != null) {
      engineLauncher.stopping();
      balancer.close();
    }
    gc.close();
    registry.close();
  }

  /** The balancer's meters and the JVM's, for {@code /metrics}. */
  PrometheusMeterRegistry registry() {
    return registry;
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

package io.ringlb.lb;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import io.ringlb.client.ApiJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /dashboard} in a real headless Chromium (Debian's, driven by Playwright), against a
 * real balancer with real replicas: it draws an arc set per replica, shows live rates, and a
 * replica added or removed through its forms shows in the ring, the table and the events.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DashboardIT {

  /** Debian's Chromium, which {@code .ci/run} installs; Playwright's own browser download is turned off. */
  static final Path CHROMIUM = Path.of(System.getProperty("lb.it.chromium", "/usr/bin/chromium"));
  /** What the page should never wait longer than: a replica process starts in a few seconds. */
  static final LocatorAssertions.ContainsTextOptions SOON = new LocatorAssertions.ContainsTextOptions().setTimeout(120_000);

  private static Playwright playwright;
  private static Browser browser;

  private final BalancerClient lb = new BalancerClient();
  private Page page;

  @Deployment(testable = false)
  static WebArchive balancer() {
    return Deployments.balancer();
  }

  @BeforeAll
  static void chromium() {
    assertThat(CHROMIUM).as("Chromium for the dashboard's test: apt-get install chromium (.ci/run does)").isExecutable();
    // the page redraws on its own schedule, on a machine the balancer and its replicas share with the browser: every
    // assertion on it waits as long as a user would, not Playwright's 5 s; those that hold at once still pass at once
    PlaywrightAssertions.setDefaultAssertionTimeout(30_000);
    playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM).setHeadless(true)
        // the machine's network is closed: no background calls to Google's hosts
        .setArgs(List.of("--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync")));
  }

  @AfterAll
  static void closeChromium() {
    if (browser != null) {
      browser.close();
    }
    if (playwright != null) {
      playwright.close();
    }
  }

  @BeforeEach
  void openTheDashboard() {
    lb.awaitInRing(3);
    page = browser.newPage(new Browser.NewPageOptions().setViewportSize(1400, 900));
    page.navigate(lb.admin().resolve("/dashboard").toString());
  }

  @AfterEach
  void closePage() {
    page.close();
  }

  @Test
  void drawsAnArcSetPerReplicaAndLiveRatesUnderLoad() throws Exception {
    Locator arcs = page.locator("#ring g.arcs");
    assertThat(arcs).hasCount(3);
    assertThat(arcs.evaluateAll("groups => groups.map(g => g.dataset.replica).sort()")).isEqualTo(List.of("S1", "S2", "S3"));
    for (String replica : List.of("S1", "S2", "S3")) {
      assertThat(page.locator("#ring g.arcs[data-replica='" + replica + "'] path").count()).as(replica).isPositive();
      assertThat(page.locator("#replicas tr[data-replica='" + replica + "'] td").nth(1)).hasText("up");
    }
    assertThat(page.locator("#events")).containsText("joined");

    AtomicBoolean loading = new AtomicBoolean(true);
    ExecutorService load = Executors.newSingleThreadExecutor();
    try {
      load.submit(() -> {
        while (loading.get()) {
          lb.get("/home");
        }
      });
      // requests per second, worked out in the page from two scrapes of /metrics
      assertThat(page.locator("#summary")).not().containsText(" 0.0 requests/s", new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
      assertThat(page.locator("#rates polyline")).hasCount(3);
      screenshot("dashboard.png");
    } finally {
      loading.set(false);
      load.shutdown();
    }
  }

  @Test
  void aReplicaAddedAndRemovedThroughTheFormsShowsInTheRing() {
    page.fill("#token", BalancerClient.ADMIN_TOKEN);
    page.fill("#add-form input[name=n]", "1");
    page.fill("#add-form input[name=hostnames]", "D1");
    assertThat(page.locator("#add-form .preview")).containsText("D1 would join: ", SOON);
    assertThat(page.locator("#add-form .preview")).containsText("of keys would move, from S", SOON);
    assertThat(page.locator("#replicas tr[data-replica='D1']")).hasCount(0); // the preview changed nothing
    page.click("#add-form button");

    assertThat(page.locator("#answer")).containsText("N = 4", SOON);
    assertThat(page.locator("#ring g.arcs[data-replica='D1']")).hasCount(1);
    assertThat(page.locator("#ring g.arcs")).hasCount(4);
    assertThat(page.locator("#replicas tr[data-replica='D1'] td").nth(1)).hasText("up");
    assertThat(page.locator("#events li[data-kind='joined']").first()).containsText("D1");
    assertThat(ApiJson.replicas(lb.rep()).replicas()).contains("D1");

    page.fill("#rm-form input[name=n]", "1");
    page.fill("#rm-form input[name=hostnames]", "D1");
    assertThat(page.locator("#rm-form .preview")).containsText("D1 would leave: ", SOON);
    page.click("#rm-form button");

    assertThat(page.locator("#answer")).containsText("N = 3", SOON);
    assertThat(page.locator("#ring g.arcs[data-replica='D1']")).hasCount(0);
    assertThat(page.locator("#events li[data-kind='removed']").first()).containsText("D1");
    assertThat(lb.rep()).doesNotContain("\"D1\"");
  }

  @Test
  void aWrongTokenIsRefusedOnThePageAndChangesNothing() {
    String before = lb.rep();
    page.fill("#token", "not-the-token");
    page.fill("#add-form input[name=hostnames]", "D2");
    page.click("#add-form button");

    assertThat(page.locator("#answer")).containsText("401");
    assertThat(page.locator("#answer")).hasClass("failure");
    assertThat(lb.rep()).isEqualTo(before);
    assertThat(page.locator("#ring g.arcs")).hasCount(3);
  }

  /** Kept beside the test reports: what the browser saw. */
  private void screenshot(String name) throws Exception {
    Path shots = Files.createDirectories(Path.of("target", "screenshots"));
    page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve(name)).setFullPage(true));
  }
}

package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.testing.ContinuousLoad;
import dev.gatehouse.testing.EtcdCluster;
import dev.gatehouse.testing.StubBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The dashboard in a real headless Chromium, against the packaged node run as a process, changed
 * through the real CLI: the login keeps the data away from a browser without the token; a drain
 * made with the CLI shows within 2 s; a strict deploy's steps appear as they happen; actions and
 * bad input give clear messages; the page logs no console error. Screenshots go to
 * {@code target/screenshots/} (the docs' come from there).
 */
@Timeout(180)
final class DashboardIT {

    private static final String TOKEN = "dashboard-test-token-0123456789abcdef";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Path SHOTS = Path.of("target", "screenshots");

    @TempDir
    Path dir;

    private final InProcessCli cli = new InProcessCli();

    @Test
    void login_liveDrain_deployStepsAsTheyHappen_keyboardAndPhoneWidth() throws Exception {
        try (StubBackend a1 = StubBackend.start("a1"); StubBackend a2 = StubBackend.start("a2");
             StubBackend b1 = StubBackend.start("b1"); StubBackend b2 = StubBackend.start("b2");
             NodeProcess node = startNode(a1, a2);
             HeadlessChromium browser = HeadlessChromium.start(dir, 1280, 1000)) {
            int port = node.awaitPort();
            String admin = "http://127.0.0.1:" + node.awaitAdminPort();
            Path tokenFile = tokenFile();
            ChromeDriver page = browser.driver();
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 20; i++) {
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x")).build(),
                        HttpResponse.BodyHandlers.discarding());
            }

            // Without the token: the login, and none of the data.
            page.get(admin + "/ui/");
            await().atMost(WAIT).until(() -> page.findElement(By.id("login")).isDisplayed());
            assertThat(page.findElement(By.id("main")).isDisplayed()).isFalse();
            assertThat(page.findElement(By.tagName("body")).getText()).doesNotContain("Pool web").doesNotContain(a1.address());
            assertThat(page.findElement(By.cssSelector("label[for=token]")).getText()).isEqualTo("Admin token");

            signIn(page, TOKEN);
            WebElement a1Row = await().atMost(WAIT).until(() -> row(page, a1.address()), r -> r != null);
            assertThat(state(page, a1.address())).isEqualTo("healthy");
            assertThat(page.findElement(By.id("live")).getText()).isEqualTo("Live");
            assertThat(a1Row.getText()).contains("version v1");

            // Under load, the rates and their sparklines move (the docs' screenshot).
            ContinuousLoad load = ContinuousLoad.start(port, 2, "/x");
            await().atMost(WAIT).until(() -> sparkPoints(page, a1.address()) >= 5 && !cell(page, a1.address(), "Requests/s")
                    .startsWith("0.0/s"));
            browser.screenshot(SHOTS.resolve("dashboard.png"));

            // A drain through the CLI shows within 2 s of the change (the CLI's return); the time from
            // the command's start, which includes the CLI's own start on a busy machine, is printed.
            long drained = System.nanoTime();
            assertThat(cli.run("backend", "drain", "--admin", admin, "--token-file", tokenFile.toString(), "--pool", "web",
                    "--address", a1.address())).as(cli.printed()).isZero();
            long returned = System.nanoTime();
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
                    .until(() -> List.of("draining", "drained").contains(state(page, a1.address())));
            Duration shown = Duration.ofNanos(System.nanoTime() - drained);
            System.out.println("DashboardIT: a CLI drain showed " + shown.toMillis() + " ms after the command started, "
                    + Duration.ofNanos(System.nanoTime() - returned).toMillis() + " ms after it returned");
            assertThat(load.stop()).isEmpty();

            // A strict deploy, held by a slow request of v1: its steps appear as they happen.
            CompletableFuture<HttpResponse<Void>> slow = http.sendAsync(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/delay/5000")).build(), HttpResponse.BodyHandlers.discarding());
            await().atMost(WAIT).until(() -> inFlight(page, a2.address()).startsWith("1 "));
            InProcessCli deployCli = new InProcessCli();
            CompletableFuture<Integer> deploy = CompletableFuture.supplyAsync(() -> deployCli.run("deploy", "--admin", admin,
                    "--token-file", tokenFile.toString(), "--pool", "web", "--version", "v2", "--strict",
                    "--backend", b1.address(), "--backend", b2.address(), "--timeout", "20s"));
            List<String> seen = new ArrayList<>();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
                String current = currentStep(page);
                if (current != null && (seen.isEmpty() || !seen.get(seen.size() - 1).equals(current))) {
                    seen.add(current);
                }
                return "hold".equals(current);
            });
            browser.screenshot(SHOTS.resolve("dashboard-deploy-hold.png"));
            assertThat((String) page.executeScript("return document.querySelector('.deploy .phase').textContent"))
                    .contains("holding: 1 request of v1 in flight");
            assertThat(slow.get().statusCode()).isEqualTo(200);
            assertThat(deploy.get()).as(deployCli.printed()).isZero();
            // The ended deploy moves to the last deploys, its timeline whole and in order.
            await().atMost(WAIT).until(() -> page.findElements(By.cssSelector(".deploy")).isEmpty()
                    && !page.findElements(By.cssSelector("#recent li")).isEmpty());
            page.findElement(By.cssSelector("#recent-box summary")).click();
            @SuppressWarnings("unchecked")
            List<String> steps = (List<String>) page.executeScript("return [...document.querySelectorAll("
                    + "'#recent li:first-child .timeline li.done')].map(e => e.dataset.step)");
            // The drain step shows only when v1 still had requests after the switch (here the slow one ended in the hold).
            assertThat(steps).containsSubsequence("gate", "hold", "switch", "retire").doesNotContain("abort");
            // Before the hold, the page showed the steps that came first (the gate may pass between two events).
            assertThat(seen).last().isEqualTo("hold");
            assertThat(seen.subList(0, seen.size() - 1)).isSubsetOf("gate", "warm-up");
            await().atMost(WAIT).until(() -> page.findElement(By.cssSelector("#pools .f-live")).getText().equals("v2"));
            assertThat(page.findElement(By.cssSelector("#pools .f-epoch")).getText()).isEqualTo("1");
            browser.screenshot(SHOTS.resolve("dashboard-after-deploy.png"));

            // The keyboard reaches an action; its dialog confirms, and Escape gives the focus back.
            WebElement weight = page.findElement(By.cssSelector("button[data-action=weight][data-address='" + b1.address() + "']"));
            ((JavascriptExecutor) page).executeScript("arguments[0].focus()", weight);
            weight.sendKeys(Keys.ENTER);
            await().atMost(WAIT).until(() -> page.findElement(By.id("confirm")).isDisplayed());
            WebElement input = page.switchTo().activeElement();
            assertThat(input.getAttribute("id")).isEqualTo("f-weight");
            input.clear();
            input.sendKeys("7", Keys.ENTER);
            await().atMost(WAIT).until(() -> !page.findElement(By.id("confirm")).isDisplayed());
            assertThat(page.findElement(By.id("notice")).getText()).contains("Done: weight " + b1.address());
            await().atMost(WAIT).until(() -> cell(page, b1.address(), "Weight").equals("7"));
            weight.sendKeys(Keys.ENTER);
            await().atMost(WAIT).until(() -> page.findElement(By.id("confirm")).isDisplayed());
            page.switchTo().activeElement().sendKeys(Keys.ESCAPE);
            await().atMost(WAIT).until(() -> !page.findElement(By.id("confirm")).isDisplayed());
            assertThat(page.switchTo().activeElement()).isEqualTo(weight);

            // Phone width: the backends become cards, nothing scrolls sideways.
            page.manage().window().setSize(new Dimension(390, 844));
            await().atMost(WAIT).until(() -> (Boolean) ((JavascriptExecutor) page).executeScript(
                    "return document.documentElement.scrollWidth <= window.innerWidth"));
            browser.screenshot(SHOTS.resolve("dashboard-phone.png"));

            assertThat(browser.consoleErrors()).isEmpty();
        }
    }

    @Test
    void badInput_wrongToken_expiredSession_actionOnAGoneBackend_giveClearMessages() throws Exception {
        try (StubBackend a1 = StubBackend.start("a1"); StubBackend a2 = StubBackend.start("a2");
             StubBackend extra = StubBackend.start("extra");
             NodeProcess node = startNode(a1, a2);
             HeadlessChromium browser = HeadlessChromium.start(dir, 1280, 1000)) {
            node.awaitPort();
            String admin = "http://127.0.0.1:" + node.awaitAdminPort();
            Path tokenFile = tokenFile();
            ChromeDriver page = browser.driver();
            page.get(admin + "/ui/");
            await().atMost(WAIT).until(() -> page.findElement(By.id("login")).isDisplayed());

            // A wrong token: said so, no data, and the login stays.
            signIn(page, "not-the-token-at-all");
            await().atMost(WAIT).until(() -> page.findElement(By.id("login-message")).getText().startsWith("Wrong token"));
            assertThat(page.findElement(By.id("main")).isDisplayed()).isFalse();
            assertThat(page.findElement(By.tagName("body")).getText()).doesNotContain(a1.address());

            // An expired session: a saved token the node no longer accepts.
            ((JavascriptExecutor) page).executeScript("sessionStorage.setItem('gatehouse.token', 'a-token-of-another-day')");
            page.navigate().refresh();
            await().atMost(WAIT).until(() -> page.findElement(By.id("login-message")).getText()
                    .startsWith("Your session has expired"));
            assertThat(page.findElement(By.id("main")).isDisplayed()).isFalse();
            assertThat((String) ((JavascriptExecutor) page).executeScript("return sessionStorage.getItem('gatehouse.token')"))
                    .isNull();

            // An action on a backend removed meanwhile: the API's reason, on the page.
            signIn(page, TOKEN);
            assertThat(cli.run("backend", "add", "--admin", admin, "--token-file", tokenFile.toString(), "--pool", "web",
                    "--address", extra.address(), "--version", "v1")).as(cli.printed()).isZero();
            await().atMost(WAIT).until(() -> row(page, extra.address()) != null);
            page.findElement(By.cssSelector("button[data-action=drain][data-address='" + extra.address() + "']")).click();
            await().atMost(WAIT).until(() -> page.findElement(By.id("confirm")).isDisplayed());
            assertThat(page.findElement(By.id("confirm-text")).getText()).contains("Drain " + extra.address() + " in pool web?");
            assertThat(cli.run("backend", "remove", "--admin", admin, "--token-file", tokenFile.toString(), "--pool", "web",
                    "--address", extra.address())).as(cli.printed()).isZero();
            page.findElement(By.id("confirm-ok")).click();
            await().atMost(WAIT).until(() -> !page.findElement(By.id("confirm-error")).getText().isEmpty());
            assertThat(page.findElement(By.id("confirm-error")).getText())
                    .startsWith("Not done: " + extra.address() + " is no longer a backend of pool web (the node says: ");
            browser.screenshot(SHOTS.resolve("dashboard-gone-backend.png"));
            page.findElement(By.id("confirm-cancel")).click();
            await().atMost(WAIT).until(() -> row(page, extra.address()) == null);

            // The only console errors are the refused requests themselves (Chromium logs each).
            assertThat(browser.consoleErrors()).allSatisfy(e -> assertThat(e)
                    .containsPattern("Failed to load resource: the server responded with a status of (401|404)"));
        }
    }

    @Test
    void aFleet_showsItsNodes_andAChangeThroughTheOtherNode() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.start(1); StubBackend a = StubBackend.start("a");
             StubBackend b = StubBackend.start("b")) {
            String fleet = "fleet:\n  name: shop\n  node: node-%s\n  endpoints: [ \"" + String.join("\", \"", etcd.endpoints())
                    + "\" ]\n  timeout: 2s\n";
            try (NodeProcess nodeA = startNode("a", fleet.formatted("a"), a, b);
                 NodeProcess nodeB = startNode("b", fleet.formatted("b"), a, b);
                 HeadlessChromium browser = HeadlessChromium.start(dir, 1280, 1000)) {
                String adminA = "http://127.0.0.1:" + nodeA.awaitAdminPort();
                String adminB = "http://127.0.0.1:" + nodeB.awaitAdminPort();
                ChromeDriver page = browser.driver();
                page.get(adminA + "/ui/");
                await().atMost(WAIT).until(() -> page.findElement(By.id("login")).isDisplayed());
                signIn(page, TOKEN);
                await().atMost(WAIT).until(() -> page.findElement(By.id("fleet-box")).isDisplayed()
                        && page.findElements(By.cssSelector("#fleet tr")).size() == 2);
                assertThat(page.findElement(By.id("fleet-caption")).getText()).isEqualTo("Fleet shop, seen from node node-a");
                assertThat(page.findElement(By.id("fleet")).getText()).contains("node-a").contains("node-b");
                // A drain through the other node reaches this node's page through etcd.
                assertThat(cli.run("backend", "drain", "--admin", adminB, "--token-file", tokenFile().toString(), "--pool",
                        "web", "--address", b.address())).as(cli.printed()).isZero();
                await().atMost(WAIT).until(() -> List.of("draining", "drained").contains(state(page, b.address())));
                browser.screenshot(SHOTS.resolve("dashboard-fleet.png"));
                assertThat(browser.consoleErrors()).isEmpty();
            }
        }
    }

    private NodeProcess startNode(StubBackend... v1) throws Exception {
        return startNode("node", "", v1);
    }

    private NodeProcess startNode(String name, String extra, StubBackend... v1) throws Exception {
        Path tokenFile = tokenFile();
        StringBuilder backends = new StringBuilder();
        for (StubBackend b : v1) {
            backends.append("          - { address: \"").append(b.address()).append("\", version: v1 }\n");
        }
        Path config = Files.writeString(Files.createDirectories(dir.resolve(name)).resolve("gatehouse.yaml"), """
                listeners:
                  - bind: 127.0.0.1:0
                    routes:
                      - { path_prefix: /, pool: web }
                admin:
                  bind: 127.0.0.1:0
                  token_file: %s
                pools:
                  web:
                    strategy: round-robin
                    slow_start: false
                    backends:
                %saccess_log: { enabled: false }
                %s""".formatted(tokenFile, backends, extra));
        return NodeProcess.start(dir, List.of(), "run", "--config", config.toString());
    }

    private Path tokenFile() throws Exception {
        Path file = dir.resolve("token");
        if (!Files.exists(file)) {
            Files.writeString(file, TOKEN);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        return file;
    }

    private static void signIn(ChromeDriver page, String token) {
        WebElement field = page.findElement(By.id("token"));
        field.clear();
        field.sendKeys(token, Keys.ENTER);
    }

    private static WebElement row(ChromeDriver page, String address) {
        List<WebElement> rows = page.findElements(By.cssSelector("tr[data-key='" + address + "']"));
        return rows.isEmpty() ? null : rows.get(0);
    }

    private static String state(ChromeDriver page, String address) {
        WebElement r = row(page, address);
        return r == null ? null : r.getAttribute("data-state");
    }

    private static String inFlight(ChromeDriver page, String address) {
        return cell(page, address, "In flight / limit");
    }

    private static String cell(ChromeDriver page, String address, String label) {
        WebElement r = row(page, address);
        return r == null ? "" : r.findElement(By.cssSelector("td[data-label='" + label + "']")).getText();
    }

    /** How many points the requests/s sparkline of a backend has (one a second). */
    private static long sparkPoints(ChromeDriver page, String address) {
        return (Long) page.executeScript("const r = document.querySelector(`tr[data-key='${arguments[0]}'] td[data-label='Requests/s']"
                + " polyline`); return r ? r.getAttribute('points').split(' ').filter(p => p).length : 0;", address);
    }

    /** Read in one script: the deploy's list is rebuilt at every event, so a found element can go stale. */
    private static String currentStep(ChromeDriver page) {
        return (String) page.executeScript(
                "const e = document.querySelector('.deploy li[aria-current=step]'); return e ? e.dataset.step : null;");
    }
}

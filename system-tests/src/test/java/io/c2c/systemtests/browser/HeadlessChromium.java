package io.c2c.systemtests.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.c2c.testing.ChildProcess;
import io.c2c.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One headless Debian Chromium, driven by Debian's chromedriver over the W3C WebDriver protocol
 * (plain HTTP + JSON: no Selenium, whose dependencies clash with the Quarkus BOM, and nothing is
 * ever downloaded). Each instance has its own chromedriver process and a fresh profile, so two
 * instances are two separate browsers as two visitors would be.
 *
 * <p>Flags: the background-networking set keeps Chromium from calling home, the host resolver
 * rule blocks every DNS look-up, and the two WebRTC flags let ICE use loopback, which is all a
 * test namespace has (see STACK-NOTES).
 */
public final class HeadlessChromium implements HeadlessBrowser {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOST_RULES = "--host-resolver-rules=";
    private static final List<String> FLAGS = List.of(
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--allow-loopback-in-peer-connection", "--use-fake-ui-for-media-stream",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--disable-features=WebRtcHideLocalIpsWithMdns");

    private final ChildProcess driver;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String sessionId;

    private HeadlessChromium(ChildProcess driver, String base, String sessionId) {
        this.driver = driver;
        this.base = base;
        this.sessionId = sessionId;
    }

    /** Starts chromedriver and one browser with a fresh profile under {@code dir}. */
    public static HeadlessChromium start(Path dir) throws IOException, InterruptedException {
        return start(dir, List.of());
    }

    /**
     * Like {@link #start(Path)} with extra Chromium switches. A {@code --host-resolver-rules=} switch given here
     * replaces the default one, so it must block every other look-up itself (end it with
     * {@code MAP * ~NOTFOUND, EXCLUDE 127.0.0.1}).
     */
    public static HeadlessChromium start(Path dir, List<String> extraFlags) throws IOException, InterruptedException {
        Path chromedriver = Path.of(System.getenv().getOrDefault("C2C_CHROMEDRIVER", "/usr/bin/chromedriver"));
        Path chromium = Path.of(System.getenv().getOrDefault("C2C_CHROMIUM", "/usr/lib/chromium/chromium"));
        if (!Files.isExecutable(chromedriver) || !Files.isExecutable(chromium)) {
            throw new IllegalStateException("chromium and chromedriver are needed: apt-get install -y chromium chromium-driver");
        }
        Files.createDirectories(dir);
        int port = FreePorts.next();
        ChildProcess driver = ChildProcess.start("chromedriver",
                List.of(chromedriver.toString(), "--port=" + port, "--allowed-ips=127.0.0.1"),
                dir.resolve("chromedriver.log"), dir.resolve("chromedriver.pid"), Map.of());
        String base = "http://127.0.0.1:" + port;
        try {
            awaitDriver(base);
            List<String> args = new ArrayList<>(FLAGS);
            if (extraFlags.stream().anyMatch(flag -> flag.startsWith(HOST_RULES))) {
                args.removeIf(flag -> flag.startsWith(HOST_RULES));
            }
            args.addAll(extraFlags);
            args.add("--user-data-dir=" + dir.resolve("profile").toAbsolutePath());
            ObjectNode capabilities = JSON.createObjectNode();
            ObjectNode always = capabilities.putObject("capabilities").putObject("alwaysMatch");
            always.put("browserName", "chrome");
            ObjectNode chromeOptions = always.putObject("goog:chromeOptions");
            chromeOptions.put("binary", chromium.toString());
            args.forEach(chromeOptions.putArray("args")::add);
            JsonNode session = post(HttpClient.newHttpClient(), base + "/session", capabilities);
            return new HeadlessChromium(driver, base, session.path("value").path("sessionId").asText());
        } catch (IOException | InterruptedException | RuntimeException e) {
            driver.stop(Duration.ofSeconds(5));
            throw e;
        }
    }

    private static void awaitDriver(String base) throws InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> status = client.send(HttpRequest.newBuilder(URI.create(base + "/status")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (status.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // keep polling
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("chromedriver did not come up at " + base);
    }

    @Override
    public void open(String url) throws IOException, InterruptedException {
        post(http, base + "/session/" + sessionId + "/url", JSON.createObjectNode().put("url", url));
    }

    /**
     * Runs {@code script} as an async WebDriver script: its last argument is the callback that
     * delivers the result. Returns the JSON of the result.
     */
    @Override
    public JsonNode executeAsync(String script, Duration timeout, Object... args) throws IOException, InterruptedException {
        post(http, base + "/session/" + sessionId + "/timeouts",
                JSON.createObjectNode().put("script", timeout.toMillis()));
        ObjectNode body = JSON.createObjectNode().put("script", script);
        body.set("args", JSON.valueToTree(List.of(args)));
        return post(http, base + "/session/" + sessionId + "/execute/async", body).path("value");
    }

    @Override
    public JsonNode execute(String script, Object... args) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("script", script);
        body.set("args", JSON.valueToTree(List.of(args)));
        return post(http, base + "/session/" + sessionId + "/execute/sync", body).path("value");
    }

    private static JsonNode post(HttpClient client, String url, JsonNode body) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(90))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode json = JSON.readTree(response.body());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("WebDriver " + url + " failed (" + response.statusCode() + "): "
                    + json.path("value").path("message").asText(response.body()));
        }
        return json;
    }

    @Override
    public void close() {
        try {
            http.send(HttpRequest.newBuilder(URI.create(base + "/session/" + sessionId)).DELETE()
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            driver.stop(Duration.ofSeconds(5));
        }
    }
}

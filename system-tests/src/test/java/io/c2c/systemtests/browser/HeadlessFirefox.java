package io.c2c.systemtests.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.c2c.testing.ChildProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One headless Debian Firefox ESR, driven over WebDriver BiDi by Firefox's own remote agent (started with
 * {@code --remote-debugging-port}); there is no geckodriver in Debian and nothing may be downloaded, and BiDi needs
 * none: a WebSocket from {@code java.net.http} speaks it. Each instance is a separate Firefox with a fresh profile,
 * so two instances are two visitors.
 *
 * <p>The profile's {@code user.js} ({@link #PREFS}) keeps Firefox from calling home (updates, telemetry, remote
 * settings, safe browsing, captive portal and connectivity checks, DNS over HTTPS, prefetching) and lets WebRTC use
 * loopback, which is all a test namespace has: ICE on loopback interfaces, host addresses not hidden behind mDNS
 * names, no media permission prompt. Callers add what their test needs (e.g. a host name mapped to 127.0.0.1 and
 * treated as a secure context). Firefox must run inside the loopback-only namespace ({@code ./c2c test}).
 *
 * <p>Scripts follow {@link HeadlessBrowser}'s WebDriver conventions: each runs as
 * {@code script.callFunction} in the page's own realm, wrapped so that it sees {@code arguments} and a callback, and
 * its result crosses as a JSON string. Every command has a bounded wait; the last console messages of the page
 * (BiDi {@code log.entryAdded}) and the tail of Firefox's log are in the failure messages.
 */
public final class HeadlessFirefox implements HeadlessBrowser {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("WebDriver BiDi listening on (ws://\\S+)");
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration COMMAND = Duration.ofSeconds(30);
    private static final Duration NAVIGATION = Duration.ofSeconds(90);
    private static final int CONSOLE_LINES = 100;

    /** Profile preferences of every instance (see the class comment for why). */
    static final Map<String, Object> PREFS = prefs();

    private final ChildProcess process;
    private final Path log;
    private final WebSocket socket;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final Deque<String> console = new ArrayDeque<>();
    private volatile String context;

    private HeadlessFirefox(ChildProcess process, Path log, URI endpoint) {
        this.process = process;
        this.log = log;
        this.socket = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(endpoint, new Listener()).orTimeout(20, TimeUnit.SECONDS).join();
    }

    /** Starts one Firefox with a fresh profile under {@code dir}. */
    public static HeadlessFirefox start(Path dir) throws IOException, InterruptedException {
        return start(dir, Map.of());
    }

    /** Like {@link #start(Path)} with extra profile preferences (they win over {@link #PREFS}). */
    public static HeadlessFirefox start(Path dir, Map<String, Object> extraPrefs) throws IOException, InterruptedException {
        Path firefox = Path.of(System.getenv().getOrDefault("C2C_FIREFOX", "/usr/lib/firefox-esr/firefox-esr"));
        if (!Files.isExecutable(firefox)) {
            throw new IllegalStateException("firefox is needed: apt-get install -y firefox-esr (or set C2C_FIREFOX)");
        }
        Path profile = dir.resolve("profile").toAbsolutePath();
        Files.createDirectories(profile);
        Map<String, Object> prefs = new LinkedHashMap<>(PREFS);
        prefs.putAll(extraPrefs);
        StringBuilder userJs = new StringBuilder();
        for (Map.Entry<String, Object> pref : prefs.entrySet()) {
            userJs.append("user_pref(").append(JSON.writeValueAsString(pref.getKey())).append(", ")
                    .append(JSON.writeValueAsString(pref.getValue())).append(");\n");
        }
        Files.writeString(profile.resolve("user.js"), userJs, StandardCharsets.UTF_8);
        Path log = dir.resolve("firefox.log").toAbsolutePath();
        ChildProcess process = ChildProcess.start("firefox",
                List.of(firefox.toString(), "--headless", "--no-remote", "--profile", profile.toString(),
                        "--remote-debugging-port=0", "--remote-allow-hosts=127.0.0.1"),
                log, dir.resolve("firefox.pid"), Map.of("MOZ_CRASHREPORTER_DISABLE", "1", "MOZ_DISABLE_AUTO_SAFE_MODE", "1"));
        HeadlessFirefox browser = null;
        try {
            URI endpoint = URI.create(awaitListening(process, log) + "/session");
            browser = new HeadlessFirefox(process, log, endpoint);
            browser.command("session.new", JSON.createObjectNode().set("capabilities", JSON.createObjectNode()), COMMAND);
            ObjectNode subscribe = JSON.createObjectNode();
            subscribe.putArray("events").add("log.entryAdded");
            browser.command("session.subscribe", subscribe, COMMAND);
            JsonNode tree = browser.command("browsingContext.getTree", JSON.createObjectNode().put("maxDepth", 0), COMMAND);
            browser.context = tree.path("contexts").path(0).path("context").asText(null);
            if (browser.context == null) {
                throw new IllegalStateException("Firefox has no browsing context: " + tree);
            }
            return browser;
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (browser != null) {
                browser.close();
            } else {
                process.stop(Duration.ofSeconds(5));
            }
            throw new IllegalStateException("Firefox did not start: " + e.getMessage() + "\n" + tail(log), e);
        }
    }

    /** Firefox prints the remote agent's address once it listens (port 0: it picks a free one). */
    private static String awaitListening(ChildProcess process, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                Matcher listening = LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8));
                if (listening.find()) {
                    return listening.group(1);
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("Firefox exited before its remote agent listened");
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("Firefox's remote agent did not listen within " + START.toSeconds() + " s");
    }

    @Override
    public void open(String url) throws IOException, InterruptedException {
        command("browsingContext.navigate", JSON.createObjectNode().put("context", context).put("url", url)
                .put("wait", "complete"), NAVIGATION);
    }

    @Override
    public JsonNode execute(String script, Object... args) throws IOException, InterruptedException {
        String function = "function (argsJson) {\n"
                + "  const value = (function () {\n" + script + "\n}).apply(window, JSON.parse(argsJson));\n"
                + "  return Promise.resolve(value).then((v) => JSON.stringify(v === undefined ? null : v));\n"
                + "}";
        return call(function, args, 0, COMMAND);
    }

    @Override
    public JsonNode executeAsync(String script, Duration timeout, Object... args) throws IOException, InterruptedException {
        // The page gives up first (a clear "script timeout", like WebDriver's), the test's own wait a little later.
        String function = "function (argsJson, timeoutMs) {\n"
                + "  return new Promise((resolve, reject) => {\n"
                + "    const args = JSON.parse(argsJson);\n"
                + "    const timer = setTimeout(() => reject(new Error('script timeout after ' + timeoutMs + ' ms')), timeoutMs);\n"
                + "    args.push((v) => { clearTimeout(timer); resolve(JSON.stringify(v === undefined ? null : v)); });\n"
                + "    (function () {\n" + script + "\n}).apply(window, args);\n"
                + "  });\n"
                + "}";
        return call(function, args, timeout.toMillis(), timeout.plusSeconds(15));
    }

    private JsonNode call(String function, Object[] args, long timeoutMs, Duration wait) throws IOException, InterruptedException {
        ObjectNode params = JSON.createObjectNode().put("functionDeclaration", function).put("awaitPromise", true);
        params.putObject("target").put("context", context);
        ArrayNode arguments = params.putArray("arguments");
        arguments.addObject().put("type", "string").put("value", JSON.writeValueAsString(List.of(args)));
        arguments.addObject().put("type", "number").put("value", timeoutMs);
        JsonNode result = command("script.callFunction", params, wait);
        if (!"success".equals(result.path("type").asText())) {
            throw new IllegalStateException("script failed: " + result.path("exceptionDetails").path("text").asText(result.toString())
                    + consoleTail());
        }
        JsonNode value = result.path("result");
        if (!"string".equals(value.path("type").asText())) {
            return JSON.nullNode();
        }
        return JSON.readTree(value.path("value").asText());
    }

    /** Sends one BiDi command and waits (bounded) for its answer; a BiDi error becomes an IllegalStateException. */
    private JsonNode command(String method, ObjectNode params, Duration wait) throws IOException, InterruptedException {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        try {
            synchronized (socket) { // one text message at a time: the WebSocket API refuses overlapping sends
                socket.sendText(JSON.writeValueAsString(message), true).get(10, TimeUnit.SECONDS);
            }
            return answer.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalStateException refused) {
                throw refused;
            }
            throw new IOException(method + " failed: " + cause, cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException(method + " got no answer within " + wait.toSeconds() + " s" + consoleTail());
        } finally {
            pending.remove(id);
        }
    }

    /** The page's last console messages, for failure messages. */
    public String consoleTail() {
        synchronized (console) {
            return console.isEmpty() ? "" : "\npage console (last " + console.size() + "):\n  " + String.join("\n  ", console);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "firefox log (" + log + "), last lines:\n  "
                    + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no firefox log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        try {
            // browser.close ends the session and quits Firefox; the process is then waited for (bounded) below.
            command("browser.close", JSON.createObjectNode(), Duration.ofSeconds(15));
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            socket.abort();
            process.stop(Duration.ofSeconds(15));
        }
    }

    @Override
    public String toString() {
        return "Firefox " + process + " (log " + log + ")";
    }

    /** Reassembles text frames into messages and routes answers to their command; keeps the console tail. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                dispatch(text);
            }
            webSocket.request(1);
            return null;
        }

        private void dispatch(String text) {
            JsonNode message;
            try {
                message = JSON.readTree(text);
            } catch (IOException e) {
                return; // not JSON: nothing waits for it
            }
            if ("event".equals(message.path("type").asText())) {
                if ("log.entryAdded".equals(message.path("method").asText())) {
                    JsonNode entry = message.path("params");
                    synchronized (console) {
                        if (console.size() == CONSOLE_LINES) {
                            console.removeFirst();
                        }
                        console.addLast(entry.path("level").asText() + " " + entry.path("text").asText());
                    }
                }
                return;
            }
            CompletableFuture<JsonNode> answer = pending.get(message.path("id").asInt(-1));
            if (answer == null) {
                return;
            }
            if ("error".equals(message.path("type").asText())) {
                answer.completeExceptionally(new IllegalStateException("WebDriver BiDi " + message.path("error").asText()
                        + ": " + message.path("message").asText() + consoleTail()));
            } else {
                answer.complete(message.path("result"));
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            failAll(new IOException("BiDi connection closed: " + statusCode + " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            failAll(new IOException("BiDi connection failed: " + error, error));
        }

        private void failAll(Throwable cause) {
            new ArrayList<>(pending.values()).forEach(answer -> answer.completeExceptionally(cause));
        }
    }

    private static Map<String, Object> prefs() {
        Map<String, Object> prefs = new LinkedHashMap<>();
        // no first-run pages, default-browser checks, session restore or safe mode after a kill
        prefs.put("browser.shell.checkDefaultBrowser", false);
        prefs.put("browser.startup.page", 0);
        prefs.put("browser.startup.homepage_override.mstone", "ignore");
        prefs.put("startup.homepage_welcome_url", "about:blank");
        prefs.put("browser.aboutwelcome.enabled", false);
        prefs.put("browser.sessionstore.resume_from_crash", false);
        prefs.put("toolkit.startup.max_resumed_crashes", -1);
        // nothing calls home: updates, telemetry, experiments, remote settings, add-ons, safe browsing, checks
        prefs.put("app.update.enabled", false);
        prefs.put("app.update.auto", false);
        prefs.put("app.update.disabledForTesting", true);
        prefs.put("app.normandy.enabled", false);
        prefs.put("datareporting.policy.dataSubmissionEnabled", false);
        prefs.put("datareporting.healthreport.uploadEnabled", false);
        prefs.put("toolkit.telemetry.enabled", false);
        prefs.put("toolkit.telemetry.unified", false);
        prefs.put("toolkit.telemetry.archive.enabled", false);
        prefs.put("toolkit.telemetry.server", "");
        prefs.put("messaging-system.rsexperimentloader.enabled", false);
        prefs.put("services.settings.server", "data:,#remote-settings-off/v1");
        prefs.put("extensions.update.enabled", false);
        prefs.put("extensions.getAddons.cache.enabled", false);
        prefs.put("extensions.blocklist.enabled", false);
        prefs.put("browser.safebrowsing.malware.enabled", false);
        prefs.put("browser.safebrowsing.phishing.enabled", false);
        prefs.put("browser.safebrowsing.downloads.enabled", false);
        prefs.put("browser.safebrowsing.blockedURIs.enabled", false);
        prefs.put("browser.safebrowsing.update.enabled", false);
        prefs.put("network.captive-portal-service.enabled", false);
        prefs.put("network.connectivity-service.enabled", false);
        prefs.put("browser.newtabpage.enabled", false);
        prefs.put("browser.topsites.contile.enabled", false);
        prefs.put("browser.search.update", false);
        prefs.put("browser.region.network.url", "");
        prefs.put("geo.provider.network.url", "");
        prefs.put("media.gmp-manager.updateEnabled", false);
        // no proxy, no DNS over HTTPS, no speculative connections: every connection is one the page makes
        prefs.put("network.proxy.type", 0);
        prefs.put("network.trr.mode", 5);
        prefs.put("network.dns.disablePrefetch", true);
        prefs.put("network.prefetch-next", false);
        prefs.put("network.http.speculative-parallel-limit", 0);
        // WebRTC on loopback: the test namespace has no other interface
        prefs.put("media.peerconnection.ice.loopback", true);
        prefs.put("media.peerconnection.ice.obfuscate_host_addresses", false);
        prefs.put("media.navigator.permission.disabled", true);
        // Without a camera or microphone permission Firefox gathers only on the "default" interface (found by routing
        // to a public address, which fails in the namespace: no candidate at all); a granted permission lifts that,
        // as Chromium's --use-fake-ui-for-media-stream does for it.
        prefs.put("permissions.default.camera", 1);
        prefs.put("permissions.default.microphone", 1);
        prefs.put("media.navigator.streams.fake", true);
        return Map.copyOf(prefs);
    }
}

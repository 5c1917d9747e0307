package io.c2c.systemtests.browser;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the platform's front door for browser tests of the shell and service worker, on 127.0.0.1:
 * serves {@code /c2c/*} from signaling-service's static directory (with {@code Service-Worker-Allowed: /} on the
 * worker), {@code /_c2c/bootstrap} with a manifest computed from the site's files, {@code /_c2c/origin/<path>} as the
 * origin proxy, the shell for top-level navigations ({@code Sec-Fetch-Dest: document}) to the site's pages, and the
 * site's files for everything else, counting every hit so a test can tell who answered. No signaling endpoint: the
 * agent then serves from the origin proxy, which is what these tests need.
 */
final class ShellTestSite implements AutoCloseable {

    private static final int CHUNK_SIZE = 1024;

    private final HttpServer server;
    private final Path assets;
    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final Map<String, String> types = new LinkedHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

    ShellTestSite(Path assets) throws IOException {
        this.assets = assets;
        page("/index.html", "Home", "<a id=\"next\" href=\"/about.html\">About</a>");
        page("/about.html", "About", "<a id=\"next\" href=\"/contact.html\">Contact</a>");
        page("/contact.html", "Contact", "<a id=\"next\" href=\"/index.html\">Home</a>");
        file("/app.js", "text/javascript", "window.appRuns = (window.appRuns || 0) + 1;");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    private void page(String path, String title, String body) {
        file(path, "text/html; charset=utf-8", "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + title
                + "</title></head><body><h1 id=\"h\">" + title + "</h1>" + body
                + "<script src=\"/app.js\"></script></body></html>");
    }

    private void file(String path, String type, String content) {
        files.put(path, content.getBytes(StandardCharsets.UTF_8));
        types.put(path, type);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Hits by kind: {@code shell:<path>}, {@code origin:<path>} (proxy), {@code direct:<path>}, {@code other:<path>}. */
    int hits(String key) {
        AtomicInteger count = hits.get(key);
        return count == null ? 0 : count.get();
    }

    Map<String, AtomicInteger> allHits() {
        return Map.copyOf(hits);
    }

    private void count(String key) {
        hits.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if ("POST".equals(method) && path.equals("/api/echo")) {
                count("direct:" + path);
                send(exchange, 200, "text/plain", exchange.getRequestBody().readAllBytes());
            } else if (path.startsWith("/c2c/")) {
                Path file = assets.resolve(path.substring(1)).normalize();
                if (!file.startsWith(assets) || !Files.isRegularFile(file)) {
                    send(exchange, 404, "text/plain", new byte[0]);
                    return;
                }
                if (path.equals("/c2c/sw.js")) {
                    exchange.getResponseHeaders().set("Service-Worker-Allowed", "/");
                }
                count("asset:" + path);
                send(exchange, 200, path.endsWith(".html") ? "text/html; charset=utf-8" : "text/javascript", Files.readAllBytes(file));
            } else if (path.equals("/_c2c/bootstrap")) {
                count("bootstrap");
                send(exchange, 200, "application/json", bootstrap().getBytes(StandardCharsets.UTF_8));
            } else if (path.startsWith("/_c2c/origin/") && files.containsKey(path.substring("/_c2c/origin".length()))) {
                String site = path.substring("/_c2c/origin".length());
                count("origin:" + site);
                send(exchange, 200, types.get(site), files.get(site));
            } else if (files.containsKey(path)) {
                String dest = exchange.getRequestHeaders().getFirst("Sec-Fetch-Dest");
                if ("document".equals(dest) && types.get(path).startsWith("text/html")) {
                    count("shell:" + path);
                    send(exchange, 200, "text/html; charset=utf-8", Files.readAllBytes(assets.resolve("c2c/shell.html")));
                } else {
                    count("direct:" + path);
                    send(exchange, 200, types.get(path), files.get(path));
                }
            } else if (path.equals("/api/data.json")) {
                count("direct:" + path);
                send(exchange, 200, "application/json", "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
            } else {
                count("other:" + path);
                send(exchange, 404, "text/plain", new byte[0]);
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private String bootstrap() {
        List<String> entries = new ArrayList<>();
        files.forEach((path, bytes) -> {
            List<String> chunks = new ArrayList<>();
            for (int o = 0; o < bytes.length; o += CHUNK_SIZE) {
                chunks.add("\"" + sha256(bytes, o, Math.min(bytes.length, o + CHUNK_SIZE)) + "\"");
            }
            entries.add("{\"path\":\"" + path + "\",\"size\":" + bytes.length + ",\"contentType\":\"" + types.get(path)
                    + "\",\"sha256\":\"" + sha256(bytes, 0, bytes.length) + "\",\"chunks\":[" + String.join(",", chunks) + "]}");
        });
        String manifest = "{\"schemaVersion\":1,\"manifestId\":\"" + "0".repeat(64) + "\",\"siteId\":\"it\",\"chunkSize\":"
                + CHUNK_SIZE + ",\"createdAt\":0,\"files\":[" + String.join(",", entries) + "]}";
        return "{\"siteId\":\"it\",\"manifest\":" + manifest + ",\"settings\":{\"p2pEnabled\":true,"
                + "\"uploadCapBytesPerSecond\":1048576,\"maxP2pFileBytes\":1048576},\"agent\":{\"connectWaitMs\":0}}";
    }

    private static String sha256(byte[] bytes, int from, int to) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(bytes, from, to - from);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

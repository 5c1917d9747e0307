package io.c2c.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * A plain static web server standing in for a customer's origin: the demo site of {@code ./c2c up}
 * and a real origin for tests. GET and HEAD only, no directory listings, no path escapes.
 */
public final class DemoOriginServer implements AutoCloseable {

    private static final Map<String, String> CONTENT_TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("xml", "application/xml"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("webp", "image/webp"),
            Map.entry("woff2", "font/woff2"));

    private final HttpServer server;
    private final Path root;
    private final Map<String, HttpHandler> routes = new java.util.concurrent.ConcurrentHashMap<>();

    private DemoOriginServer(HttpServer server, Path root) {
        this.server = server;
        this.root = root;
    }

    public static DemoOriginServer start(int port, Path root) throws IOException {
        Path absoluteRoot = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(absoluteRoot)) {
            throw new IllegalArgumentException("not a directory: " + absoluteRoot);
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        DemoOriginServer origin = new DemoOriginServer(server, absoluteRoot);
        server.createContext("/", origin::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        return origin;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /**
     * Answers requests for exactly {@code path} with {@code handler} instead of a file: tests use it for
     * redirects, errors and slow or endless responses. The handler must send a response.
     */
    public DemoOriginServer route(String path, HttpHandler handler) {
        routes.put(path, handler);
        return this;
    }

    private void handle(HttpExchange exchange) throws IOException {
        HttpHandler route = routes.get(exchange.getRequestURI().getRawPath());
        if (route != null) {
            try (exchange) {
                route.handle(exchange);
            }
            return;
        }
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            Path file = resolve(exchange.getRequestURI());
            if (file == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            long length = Files.size(file);
            exchange.getResponseHeaders().set("Content-Type", contentType(file));
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
            String range = exchange.getRequestHeaders().getFirst("Range");
            if (range != null && "GET".equals(method)) {
                long[] span = range(range, length);
                if (span == null) {
                    exchange.getResponseHeaders().set("Content-Range", "bytes */" + length);
                    exchange.sendResponseHeaders(416, -1);
                    return;
                }
                long count = span[1] - span[0] + 1;
                exchange.getResponseHeaders().set("Content-Range", "bytes " + span[0] + "-" + span[1] + "/" + length);
                exchange.sendResponseHeaders(206, count);
                try (OutputStream body = exchange.getResponseBody();
                     java.io.InputStream in = Files.newInputStream(file)) {
                    in.skipNBytes(span[0]);
                    body.write(in.readNBytes((int) count));
                }
                return;
            }
            if ("HEAD".equals(method)) {
                exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, length == 0 ? -1 : length);
            try (OutputStream body = exchange.getResponseBody()) {
                Files.copy(file, body);
            }
        }
    }

    /** One {@code bytes=a-b}, {@code a-} or {@code -n} range as [first, last], or null when unsatisfiable. */
    static long[] range(String header, long length) {
        if (!header.startsWith("bytes=") || header.contains(",") || length == 0) {
            return null;
        }
        String spec = header.substring(6).strip();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String a = spec.substring(0, dash);
            String b = spec.substring(dash + 1);
            long first;
            long last;
            if (a.isEmpty()) {
                long suffix = Long.parseLong(b);
                first = Math.max(0, length - suffix);
                last = length - 1;
            } else {
                first = Long.parseLong(a);
                last = b.isEmpty() ? length - 1 : Math.min(Long.parseLong(b), length - 1);
            }
            return first <= last && first < length ? new long[] {first, last} : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private Path resolve(URI uri) {
        String path = uri.getPath();
        if (path == null || path.isEmpty()) {
            path = "/";
        }
        if (path.endsWith("/")) {
            path = path + "index.html";
        }
        Path candidate = root.resolve(path.substring(1)).normalize();
        if (!candidate.startsWith(root) || !Files.isRegularFile(candidate)) {
            return null;
        }
        return candidate;
    }

    private static String contentType(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT);
        return CONTENT_TYPES.getOrDefault(extension, "application/octet-stream");
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    /** {@code DemoOriginServer PORT ROOT}: runs until killed. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: DemoOriginServer PORT ROOT");
            System.exit(2);
        }
        DemoOriginServer origin = start(Integer.parseInt(args[0]), Path.of(args[1]));
        System.out.println("demo origin serving " + origin.root + " on " + origin.url());
        Runtime.getRuntime().addShutdownHook(new Thread(origin::close));
    }
}

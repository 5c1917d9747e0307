package io.c2c.signaling.support;

import com.sun.net.httpserver.HttpServer;
import io.c2c.testing.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server on loopback answering the documented relay-service and discovery-service
 * endpoints signaling calls (those services live in other modules), recording every request.
 */
public final class UpstreamStub implements AutoCloseable {

    public static final String TOKEN = "relay-test-token";

    private final HttpServer server;
    public final List<String> requests = new CopyOnWriteArrayList<>();

    public UpstreamStub() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", FreePorts.next()), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/api/v1/ice-servers", exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            requests.add("ice " + query + " auth=" + exchange.getRequestHeaders().getFirst("Authorization"));
            if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                respond(exchange, 401, "{}");
                return;
            }
            String peer = query.replaceAll(".*peer=([0-9a-f]+).*", "$1");
            respond(exchange, 200, "{\"iceServers\":[{\"urls\":[\"turn:127.0.0.1:3478?transport=udp\",\"stun:127.0.0.1:3478\"],"
                    + "\"username\":\"u-" + peer + "\",\"credential\":\"c\"}],\"ttlSeconds\":600}");
        });
        server.createContext("/api/v1/sites/", exchange -> {
            requests.add("find " + exchange.getRequestURI());
            String[] parts = exchange.getRequestURI().getPath().split("/");
            // /api/v1/sites/{site}/assets/{hash}/peers
            respond(exchange, 200, "{\"siteId\":\"" + parts[4] + "\",\"asset\":\"" + parts[6] + "\",\"stale\":false,"
                    + "\"peers\":[{\"peerId\":\"" + "a".repeat(32) + "\",\"reason\":\"near\",\"rttMs\":3},"
                    + "{\"peerId\":\"" + "b".repeat(32) + "\",\"reason\":\"holder\"}]}");
        });
        server.start();
    }

    private static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

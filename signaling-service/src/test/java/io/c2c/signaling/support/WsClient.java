package io.c2c.signaling.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real WebSocket client (java.net.http) for tests: collects received JSON messages and the close code. */
public final class WsClient implements AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final WebSocket socket;
    public volatile String peerId;
    public volatile String resumeToken;

    private WsClient(URI uri, String origin, String subprotocol) {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (subprotocol != null) {
            builder.subprotocols(subprotocol);
        }
        if (origin != null) {
            builder.header("Origin", origin);
        }
        try {
            this.socket = builder.buildAsync(uri, new Listener()).get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect to " + uri, e);
        }
    }

    public static WsClient connect(URI uri, String origin) {
        return new WsClient(uri, origin, "c2c.v1");
    }

    public static WsClient connect(URI uri, String origin, String subprotocol) {
        return new WsClient(uri, origin, subprotocol);
    }

    /** The endpoint URI of a service listening on {@code 127.0.0.1:port}. */
    public static URI endpoint(int port) {
        return URI.create("ws://127.0.0.1:" + port + "/_c2c/signal");
    }

    /** Connects, says hello to {@code site} and waits for welcome. */
    public static WsClient hello(URI uri, String origin, String site) {
        WsClient client = connect(uri, origin);
        client.send("{\"type\":\"hello\",\"site\":\"" + site + "\"}");
        JsonNode welcome = client.await("welcome");
        client.peerId = welcome.get("peerId").asText();
        client.resumeToken = welcome.get("resumeToken").asText();
        return client;
    }

    /** Connects and resumes {@code peerId} with {@code token}; returns the client (welcome not yet read). */
    public static WsClient resume(URI uri, String origin, String site, String peerId, String token) {
        WsClient client = connect(uri, origin);
        client.peerId = peerId;
        client.resumeToken = token;
        client.send("{\"type\":\"hello\",\"site\":\"" + site + "\",\"peerId\":\"" + peerId + "\",\"resumeToken\":\"" + token + "\"}");
        return client;
    }

    public void send(String text) {
        socket.sendText(text, true).join();
    }

    public void sendBinary(byte[] data) {
        socket.sendBinary(java.nio.ByteBuffer.wrap(data), true).join();
    }

    public void signal(String to, String kind, String payloadJson) {
        send("{\"type\":\"signal\",\"to\":\"" + to + "\",\"kind\":\"" + kind + "\",\"payload\":" + payloadJson + "}");
    }

    /** The next message of this type; messages of other types before it are skipped. */
    public JsonNode await(String type) {
        return await(m -> type.equals(m.path("type").asText()), Duration.ofSeconds(15), type);
    }

    public JsonNode await(Predicate<JsonNode> wanted, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<JsonNode> skipped = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            try {
                JsonNode next = inbox.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (next != null && wanted.test(next)) {
                    return next;
                }
                if (next != null) {
                    skipped.add(next);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("no " + what + " within " + timeout + "; got " + skipped);
    }

    /** The next message, whatever it is, or null after {@code timeout}. */
    public JsonNode next(Duration timeout) {
        try {
            return inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every message that arrives within {@code window}. */
    public List<JsonNode> drain(Duration window) {
        List<JsonNode> out = new ArrayList<>();
        long deadline = System.nanoTime() + window.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode next = next(Duration.ofMillis(Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            if (next != null) {
                out.add(next);
            }
        }
        return out;
    }

    /** The close code the server sent, waiting up to {@code timeout}. */
    public int awaitClose(Duration timeout) {
        try {
            return closeCode.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("connection not closed within " + timeout, e);
        }
    }

    public boolean closed() {
        return closeCode.isDone();
    }

    /** Drops the TCP connection without a close frame, as a network loss would (the server sees 1006). */
    public void abort() {
        socket.abort();
    }

    /** A normal close (1000): the peer leaves at once. */
    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            try {
                socket.sendClose(1000, "bye").get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                socket.abort();
            }
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    inbox.add(JSON.readTree(partial.toString()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.complete(1006);
        }
    }
}

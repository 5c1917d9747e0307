package io.c2c.signaling.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket, for tests that need control over TCP writes: several frames
 * go out in one {@code write}, so the server reads them in one batch. Text frames only, no fragments.
 */
public final class RawWebSocket implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Opens {@code /_c2c/signal} on {@code 127.0.0.1:port} with subprotocol c2c.v1 and {@code origin}. */
    public static RawWebSocket connect(int port, String origin) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        RawWebSocket ws = new RawWebSocket(socket);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String request = "GET /_c2c/signal HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: c2c.v1\r\nOrigin: " + origin + "\r\n\r\n";
        ws.out.write(request.getBytes(StandardCharsets.US_ASCII));
        ws.out.flush();
        String status = ws.readHeaders();
        if (!status.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("upgrade refused: " + status);
        }
        return ws;
    }

    private String readHeaders() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the handshake");
            }
            head.write(b);
            if (head.size() > 8192) {
                throw new IOException("handshake response headers over 8 KiB");
            }
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        return text.substring(0, text.indexOf("\r\n"));
    }

    /** Sends every text as its own masked frame, all in a single socket write. */
    public void sendTogether(List<String> texts) throws IOException {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (String text : texts) {
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            if (payload.length > 0xFFFF) {
                throw new IllegalArgumentException("frame too long for this client");
            }
            frames.write(0x81);
            if (payload.length < 126) {
                frames.write(0x80 | payload.length);
            } else {
                frames.write(0x80 | 126);
                frames.write(payload.length >>> 8);
                frames.write(payload.length & 0xFF);
            }
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            frames.write(mask);
            for (int i = 0; i < payload.length; i++) {
                frames.write(payload[i] ^ mask[i & 3]);
            }
        }
        out.write(frames.toByteArray());
        out.flush();
    }

    /** Says hello for the site and returns the peer id of the welcome (anything else first fails). */
    public String hello(String site) throws IOException {
        sendTogether(List.of("{\"type\":\"hello\",\"site\":\"" + site + "\"}"));
        String welcome = readText();
        JsonNode json = WsClient.JSON.readTree(welcome);
        if (!"welcome".equals(json.path("type").asText())) {
            throw new AssertionError("expected a welcome, got " + welcome);
        }
        return json.get("peerId").asText();
    }

    /** The next text frame's content (control frames before it are skipped). */
    public String readText() throws IOException {
        while (true) {
            int first = in.readUnsignedByte();
            int second = in.readUnsignedByte();
            long length = second & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            if (length > 1 << 20) {
                throw new IOException("frame of " + length + " bytes");
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            int opcode = first & 0x0F;
            if (opcode == 0x1) {
                return new String(payload, StandardCharsets.UTF_8);
            }
            if (opcode == 0x8) {
                throw new IOException("closed by the server");
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

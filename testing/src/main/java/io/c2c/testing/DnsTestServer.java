package io.c2c.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small authoritative DNS server on a UDP loopback socket that answers the A, AAAA and TXT records a test
 * programs (RFC 1035 wire format, no recursion, no compression in queries). Unknown names get NXDOMAIN; a
 * known name without records of the asked type gets an empty NOERROR answer; malformed queries get FORMERR or
 * are dropped. {@link #silent(boolean)} makes it drop every query, to test resolver timeouts.
 */
public final class DnsTestServer implements AutoCloseable {

    public static final int TYPE_A = 1;
    public static final int TYPE_TXT = 16;
    public static final int TYPE_AAAA = 28;
    private static final int CLASS_IN = 1;
    private static final int MAX_DATAGRAM = 4096;

    private final DatagramSocket socket;
    private final Thread thread;
    private final Map<String, Map<Integer, List<byte[]>>> records = new ConcurrentHashMap<>();
    private final AtomicBoolean silent = new AtomicBoolean();
    private final AtomicInteger queries = new AtomicInteger();
    private volatile boolean running = true;

    private DnsTestServer(DatagramSocket socket) {
        this.socket = socket;
        this.thread = new Thread(this::serve, "dns-test-server-" + socket.getLocalPort());
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Starts on 127.0.0.1 on a free port. */
    public static DnsTestServer start() {
        try {
            return new DnsTestServer(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        } catch (SocketException e) {
            throw new IllegalStateException("cannot open a UDP socket on loopback", e);
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** {@code 127.0.0.1:<port>}, the form resolvers take in configuration. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    public int queries() {
        return queries.get();
    }

    /** Adds a TXT record with one value (split into 255-byte character-strings when longer). */
    public DnsTestServer txt(String name, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream rdata = new ByteArrayOutputStream();
        for (int offset = 0; offset < bytes.length || offset == 0; offset += 255) {
            int length = Math.min(255, bytes.length - offset);
            rdata.write(length);
            rdata.write(bytes, offset, length);
            if (bytes.length == 0) {
                break;
            }
        }
        return add(name, TYPE_TXT, rdata.toByteArray());
    }

    /** Adds an A or AAAA record, by the literal's family. */
    public DnsTestServer address(String name, String ipLiteral) {
        try {
            byte[] address = InetAddress.getByName(ipLiteral).getAddress();
            return add(name, address.length == 4 ? TYPE_A : TYPE_AAAA, address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP literal: " + ipLiteral, e);
        }
    }

    /** Removes every record of {@code name}, which then answers NXDOMAIN. */
    public DnsTestServer remove(String name) {
        records.remove(canonical(name));
        return this;
    }

    /** While true, queries are read and dropped (the resolver under test sees a timeout). */
    public DnsTestServer silent(boolean value) {
        silent.set(value);
        return this;
    }

    private DnsTestServer add(String name, int type, byte[] rdata) {
        records.computeIfAbsent(canonical(name), n -> new ConcurrentHashMap<>())
                .computeIfAbsent(type, t -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(rdata);
        return this;
    }

    private static String canonical(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private void serve() {
        byte[] buffer = new byte[MAX_DATAGRAM];
        while (running) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (IOException e) {
                if (running) {
                    continue;
                }
                return;
            }
            queries.incrementAndGet();
            if (silent.get()) {
                continue;
            }
            byte[] answer = answer(buffer, packet.getLength());
            if (answer != null) {
                try {
                    socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                } catch (IOException ignored) {
                    // the client went away; nothing to do for a test server
                }
            }
        }
    }

    /** The response to one query, or null to drop it. Package-private for tests. */
    byte[] answer(byte[] query, int length) {
        if (length < 12) {
            return null;
        }
        int flags = u16(query, 2);
        if ((flags & 0x8000) != 0) {
            return null; // a response, not a query
        }
        int opcode = (flags >> 11) & 0xf;
        int questions = u16(query, 4);
        if (opcode != 0 || questions != 1) {
            return header(query, 4 /* NOTIMP */, 0, 0, null);
        }
        int position = 12;
        StringBuilder name = new StringBuilder();
        while (true) {
            if (position >= length) {
                return header(query, 1 /* FORMERR */, 0, 0, null);
            }
            int label = query[position] & 0xff;
            if (label == 0) {
                position++;
                break;
            }
            if (label > 63 || position + 1 + label > length || name.length() + label + 1 > 255) {
                return header(query, 1, 0, 0, null);
            }
            if (!name.isEmpty()) {
                name.append('.');
            }
            name.append(new String(query, position + 1, label, StandardCharsets.US_ASCII));
            position += 1 + label;
        }
        if (position + 4 > length) {
            return header(query, 1, 0, 0, null);
        }
        int type = u16(query, position);
        int qclass = u16(query, position + 2);
        int questionEnd = position + 4;
        byte[] question = java.util.Arrays.copyOfRange(query, 12, questionEnd);
        Map<Integer, List<byte[]>> byType = records.get(canonical(name.toString()));
        if (byType == null) {
            return header(query, 3 /* NXDOMAIN */, 1, 0, question);
        }
        List<byte[]> rdatas = qclass == CLASS_IN ? byType.getOrDefault(type, List.of()) : List.of();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header(query, 0, 1, rdatas.size(), question));
        for (byte[] rdata : rdatas) {
            out.write(0xc0);
            out.write(0x0c); // pointer to the question's name
            writeU16(out, type);
            writeU16(out, CLASS_IN);
            writeU16(out, 0);
            writeU16(out, 60); // TTL 60 s
            writeU16(out, rdata.length);
            out.writeBytes(rdata);
        }
        byte[] response = out.toByteArray();
        if (response.length > 512) {
            // Classic UDP limit without EDNS: answer truncated (TC) with no records, as a real server would.
            byte[] truncated = header(query, 0, 1, 0, question);
            truncated[2] |= 0x02;
            return truncated;
        }
        return response;
    }

    private static byte[] header(byte[] query, int rcode, int questions, int answers, byte[] question) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(query[0]);
        out.write(query[1]);
        int rd = query[2] & 0x01;
        out.write(0x80 | 0x04 | rd); // QR, AA, RD copied
        out.write(0x80 | rcode); // RA, RCODE
        writeU16(out, question == null ? 0 : questions);
        writeU16(out, answers);
        writeU16(out, 0);
        writeU16(out, 0);
        if (question != null) {
            out.writeBytes(question);
        }
        return out.toByteArray();
    }

    private static int u16(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xff) << 8) | (bytes[offset + 1] & 0xff);
    }

    private static void writeU16(ByteArrayOutputStream out, int value) {
        out.write((value >> 8) & 0xff);
        out.write(value & 0xff);
    }

    /** Every name with records, for diagnostics. */
    public List<String> names() {
        return new ArrayList<>(records.keySet());
    }

    @Override
    public void close() {
        running = false;
        socket.close();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

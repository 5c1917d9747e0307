package io.c2c.relay.server;

import io.c2c.relay.auth.TurnRestCredentials;
import io.c2c.relay.protocol.AttributeType;
import io.c2c.relay.protocol.ChannelData;
import io.c2c.relay.protocol.ErrorCode;
import io.c2c.relay.protocol.MessageIntegrity;
import io.c2c.relay.protocol.Nonce;
import io.c2c.relay.protocol.Realm;
import io.c2c.relay.protocol.RequestedTransport;
import io.c2c.relay.protocol.StunAttribute;
import io.c2c.relay.protocol.StunClass;
import io.c2c.relay.protocol.StunException;
import io.c2c.relay.protocol.StunMessage;
import io.c2c.relay.protocol.StunMessageBuilder;
import io.c2c.relay.protocol.StunMethod;
import io.c2c.relay.protocol.Username;
import io.c2c.relay.protocol.XorRelayedAddress;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * A minimal TURN client for tests, over a real UDP socket or TCP connection on loopback, built on
 * the codec under test. It does the 401 dance and signs requests with the long-term key.
 */
public final class TurnTestClient implements AutoCloseable {

    public static final int TIMEOUT_MS = 2000;

    private final InetSocketAddress server;
    private final DatagramSocket udp;
    private final Socket tcp;
    private final DataInputStream tcpIn;
    private final OutputStream tcpOut;
    private final Deque<byte[]> stash = new ArrayDeque<>();
    private String username;
    private String password;
    private String realm;
    private String nonce;

    private TurnTestClient(InetSocketAddress server, boolean overTcp) throws IOException {
        this.server = server;
        if (overTcp) {
            tcp = new Socket();
            tcp.connect(server, TIMEOUT_MS);
            tcp.setSoTimeout(TIMEOUT_MS);
            tcpIn = new DataInputStream(tcp.getInputStream());
            tcpOut = tcp.getOutputStream();
            udp = null;
        } else {
            // A local address of the server's family: ::1 for a server on ::1.
            udp = new DatagramSocket(new InetSocketAddress(server.getAddress() instanceof Inet6Address ? "::1" : "127.0.0.1", 0));
            udp.setSoTimeout(TIMEOUT_MS);
            tcp = null;
            tcpIn = null;
            tcpOut = null;
        }
    }

    public static TurnTestClient udp(InetSocketAddress server) throws IOException {
        return new TurnTestClient(server, false);
    }

    public static TurnTestClient tcp(InetSocketAddress server) throws IOException {
        return new TurnTestClient(server, true);
    }

    /** Credentials as the ice-servers endpoint would issue them for {@code secret}. */
    public TurnTestClient credentials(String secret, long expiresAtSeconds, String site, String peer) {
        this.username = TurnRestCredentials.username(expiresAtSeconds, site, peer);
        this.password = TurnRestCredentials.password(secret, username);
        return this;
    }

    public TurnTestClient credentials(String username, String password) {
        this.username = username;
        this.password = password;
        return this;
    }

    public InetSocketAddress localAddress() {
        return udp != null ? (InetSocketAddress) udp.getLocalSocketAddress()
                : (InetSocketAddress) tcp.getLocalSocketAddress();
    }

    public boolean isTcp() {
        return tcp != null;
    }

    public String realm() {
        return realm;
    }

    public String nonce() {
        return nonce;
    }

    public void nonce(String forced) {
        this.nonce = forced;
    }

    public byte[] key() {
        return MessageIntegrity.longTermKey(username, realm, password);
    }

    /** Sends raw bytes to the server. */
    public void sendRaw(byte[] bytes) throws IOException {
        if (udp != null) {
            udp.send(new DatagramPacket(bytes, bytes.length, server));
        } else {
            tcpOut.write(bytes);
            tcpOut.flush();
        }
    }

    /** The next message from the server (stashed ones first), or null on timeout. */
    public byte[] receive(int timeoutMs) throws IOException {
        if (!stash.isEmpty()) {
            return stash.poll();
        }
        try {
            if (udp != null) {
                udp.setSoTimeout(timeoutMs);
                byte[] buf = new byte[65536];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                return Arrays.copyOf(buf, p.getLength());
            }
            tcp.setSoTimeout(timeoutMs);
            byte[] header = new byte[4];
            tcpIn.readFully(header);
            int length = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
            int rest = (header[0] & 0xC0) == 0 ? 16 + length : (length + 3) & ~3;
            byte[] frame = Arrays.copyOf(header, 4 + rest);
            tcpIn.readFully(frame, 4, rest);
            return frame;
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    /** Sends a request and waits for the answer with its transaction id (other messages are stashed). */
    public StunMessage transact(byte[] request) throws IOException, StunException {
        byte[] tx = Arrays.copyOfRange(request, 8, 20);
        sendRaw(request);
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        Deque<byte[]> others = new ArrayDeque<>();
        try {
            while (System.currentTimeMillis() < deadline) {
                byte[] answer = receive((int) Math.max(1, deadline - System.currentTimeMillis()));
                if (answer == null) {
                    break;
                }
                if (StunMessage.looksLikeStun(answer, 0, answer.length)
                        && Arrays.equals(tx, Arrays.copyOfRange(answer, 8, 20))) {
                    return StunMessage.decode(answer);
                }
                others.add(answer);
            }
            return null;
        } finally {
            stash.addAll(others);
        }
    }

    /** A request signed with the current credentials, realm and nonce. */
    public byte[] signed(int method, StunAttribute... attributes) {
        StunMessageBuilder b = StunMessageBuilder.create(method, StunClass.REQUEST, StunMessageBuilder.newTransactionId());
        for (StunAttribute a : attributes) {
            b.add(a);
        }
        b.add(new Username(username)).add(new Realm(realm)).add(new Nonce(nonce));
        return b.integrity(key()).buildWithFingerprint();
    }

    /**
     * A signed request; learns realm and nonce from a 401/438 first if needed (once), as a real
     * client does.
     */
    public StunMessage request(int method, StunAttribute... attributes) throws IOException, StunException {
        if (realm == null) {
            StunMessageBuilder b = StunMessageBuilder.create(method, StunClass.REQUEST, StunMessageBuilder.newTransactionId());
            for (StunAttribute a : attributes) {
                b.add(a);
            }
            StunMessage challenge = transact(b.buildWithFingerprint());
            if (challenge == null || errorCode(challenge) != ErrorCode.UNAUTHORIZED) {
                return challenge;
            }
            learn(challenge);
        }
        StunMessage answer = transact(signed(method, attributes));
        if (answer != null && errorCode(answer) == ErrorCode.STALE_NONCE) {
            learn(answer);
            answer = transact(signed(method, attributes));
        }
        return answer;
    }

    /** Sends an unauthenticated Allocate and learns realm and nonce from the 401. */
    public StunMessage challenge() throws IOException, StunException {
        StunMessage answer = transact(StunMessageBuilder.create(StunMethod.ALLOCATE, StunClass.REQUEST,
                StunMessageBuilder.newTransactionId()).add(new RequestedTransport(RequestedTransport.UDP)).buildWithFingerprint());
        if (answer == null || errorCode(answer) != ErrorCode.UNAUTHORIZED) {
            throw new AssertionError("expected a 401 challenge, got " + answer);
        }
        learn(answer);
        return answer;
    }

    public void learn(StunMessage challenge) throws StunException {
        realm = Realm.decode(challenge.attribute(AttributeType.REALM).value()).value();
        nonce = Nonce.decode(challenge.attribute(AttributeType.NONCE).value()).value();
    }

    public StunMessage allocate(StunAttribute... extra) throws IOException, StunException {
        StunAttribute[] attributes = Arrays.copyOf(extra, extra.length + 1);
        attributes[extra.length] = new RequestedTransport(RequestedTransport.UDP);
        return request(StunMethod.ALLOCATE, attributes);
    }

    public static InetSocketAddress relayed(StunMessage allocateSuccess) throws StunException {
        return XorRelayedAddress.decode(allocateSuccess.attribute(AttributeType.XOR_RELAYED_ADDRESS).value(),
                allocateSuccess.transactionId()).address();
    }

    public static int errorCode(StunMessage message) throws StunException {
        if (message.messageClass() != StunClass.ERROR) {
            return 0;
        }
        return ErrorCode.decode(message.attribute(AttributeType.ERROR_CODE).value()).code();
    }

    /** Sends ChannelData (padded on TCP as RFC 8656 requires on streams). */
    public void sendChannelData(int channel, byte[] payload) throws IOException {
        sendRaw(ChannelData.encode(channel, payload, 0, payload.length, tcp != null));
    }

    @Override
    public void close() throws IOException {
        if (udp != null) {
            udp.close();
        }
        if (tcp != null) {
            tcp.close();
        }
    }
}

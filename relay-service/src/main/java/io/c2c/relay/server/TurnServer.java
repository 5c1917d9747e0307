package io.c2c.relay.server;

import io.c2c.relay.allocation.Allocation;
import io.c2c.relay.allocation.AllocationManager;
import io.c2c.relay.allocation.ChannelBinding;
import io.c2c.relay.allocation.ClientConnection;
import io.c2c.relay.allocation.DirectSend;
import io.c2c.relay.allocation.FlushBatch;
import io.c2c.relay.allocation.PeerAddressPolicy;
import io.c2c.relay.allocation.RelayPortPool;
import io.c2c.relay.auth.NonceService;
import io.c2c.relay.auth.SourceRateLimiter;
import io.c2c.relay.auth.TurnRestCredentials;
import io.c2c.relay.protocol.AlternateServer;
import io.c2c.relay.protocol.AttributeType;
import io.c2c.relay.protocol.ChannelData;
import io.c2c.relay.protocol.ChannelNumber;
import io.c2c.relay.protocol.Data;
import io.c2c.relay.protocol.ErrorCode;
import io.c2c.relay.protocol.EvenPort;
import io.c2c.relay.protocol.Lifetime;
import io.c2c.relay.protocol.MessageType;
import io.c2c.relay.protocol.Nonce;
import io.c2c.relay.protocol.RawAttribute;
import io.c2c.relay.protocol.Realm;
import io.c2c.relay.protocol.RequestedAddressFamily;
import io.c2c.relay.protocol.RequestedTransport;
import io.c2c.relay.protocol.ReservationToken;
import io.c2c.relay.protocol.Software;
import io.c2c.relay.protocol.StunAttribute;
import io.c2c.relay.protocol.StunClass;
import io.c2c.relay.protocol.StunException;
import io.c2c.relay.protocol.StunMessage;
import io.c2c.relay.protocol.StunMessageBuilder;
import io.c2c.relay.protocol.StunMethod;
import io.c2c.relay.protocol.UnknownAttributes;
import io.c2c.relay.protocol.Username;
import io.c2c.relay.protocol.XorMappedAddress;
import io.c2c.relay.protocol.XorPeerAddress;
import io.c2c.relay.protocol.XorRelayedAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The STUN/TURN request logic, independent of transport: Binding (RFC 8489), and Allocate,
 * Refresh, CreatePermission, ChannelBind, Send/Data and ChannelData (RFC 8656) with the
 * long-term credential mechanism over TURN REST API usernames. Transports hand it whole
 * messages with the {@link ClientConnection} to answer on; relay sockets hand it peer packets.
 * Every malformed or unauthorised input is answered per the RFC or dropped and counted.
 */
public final class TurnServer {

    private static final Logger LOG = Logger.getLogger(TurnServer.class);

    /** Comprehension-required attributes this server understands (others get 420). */
    private static final Set<Integer> KNOWN = Set.of(
            AttributeType.MAPPED_ADDRESS, AttributeType.USERNAME, AttributeType.MESSAGE_INTEGRITY,
            AttributeType.ERROR_CODE, AttributeType.UNKNOWN_ATTRIBUTES, AttributeType.CHANNEL_NUMBER,
            AttributeType.LIFETIME, AttributeType.XOR_PEER_ADDRESS, AttributeType.DATA, AttributeType.REALM,
            AttributeType.NONCE, AttributeType.XOR_RELAYED_ADDRESS, AttributeType.REQUESTED_ADDRESS_FAMILY,
            AttributeType.EVEN_PORT, AttributeType.REQUESTED_TRANSPORT, AttributeType.DONT_FRAGMENT,
            AttributeType.MESSAGE_INTEGRITY_SHA256, AttributeType.XOR_MAPPED_ADDRESS, AttributeType.PRIORITY,
            AttributeType.RESERVATION_TOKEN,
            AttributeType.USE_CANDIDATE);

    /**
     * Largest datagram accepted on the UDP listener and on relay sockets. Datagrams are read into
     * fixed slots of this size plus one byte (4 KiB, so that one 32 KiB buffer Netty's per-thread cache
     * keeps holds a recvmmsg batch of 8); the kernel truncates a longer datagram silently, so a read that
     * fills its slot is dropped as {@code too-large} instead of being relayed cut short. One comparison
     * per packet. TURN over UDP carries path-MTU-sized packets (WebRTC about 1200 bytes); over TCP,
     * frames up to {@code max-tcp-frame} are relayed whole.
     */
    public static final int MAX_UDP_DATAGRAM = 4095;

    /** How long a port reserved by EVEN-PORT(R) waits for its RESERVATION-TOKEN (RFC 8656: about 30 s). */
    private static final long RESERVATION_MILLIS = 30_000;

    private final AllocationManager allocations;
    private final TurnRestCredentials credentials;
    private final NonceService nonces;
    private final SourceRateLimiter challengeLimiter;
    private final PeerAddressPolicy policy;
    private final RelayMetrics metrics;
    private final TurnSettings settings;

    public TurnServer(AllocationManager allocations, TurnRestCredentials credentials, NonceService nonces,
                      SourceRateLimiter challengeLimiter, PeerAddressPolicy policy, RelayMetrics metrics,
                      TurnSettings settings) {
        this.allocations = allocations;
        this.credentials = credentials;
        this.nonces = nonces;
        this.challengeLimiter = challengeLimiter;
        this.policy = policy;
        this.metrics = metrics;
        this.settings = settings;
    }

    public AllocationManager allocations() {
        return allocations;
    }

    public RelayMetrics metrics() {
        return metrics;
    }

    // ---------------------------------------------------------------- client -> server

    /** A STUN message from a client (bytes of exactly one message). */
    public void onStun(ClientConnection client, byte[] bytes) {
        StunMessage message;
        try {
            message = StunMessage.decode(bytes);
        } catch (StunException e) {
            metrics.dropped("malformed");
            answerMalformed(client, bytes, e);
            return;
        }
        try {
            switch (message.messageClass()) {
                case REQUEST -> onRequest(client, message);
                case INDICATION -> {
                    if (message.method() == StunMethod.SEND) {
                        onSend(client, message);
                    } else {
                        metrics.dropped("unexpected-indication");
                    }
                }
                default -> metrics.dropped("unexpected-response");
            }
        } catch (RuntimeException e) {
            // A bug must cost one answer, not the listener: answer 500 to requests and go on.
            LOG.errorf(e, "error handling %s from %s", message, client.fiveTuple().client());
            metrics.dropped("server-error");
            if (message.messageClass() == StunClass.REQUEST) {
                sendError(client, message, ErrorCode.SERVER_ERROR, null, false);
            }
        }
    }

    /** A ChannelData message from a client; the caller keeps ownership of {@code frame}. */
    public void onChannelData(ClientConnection client, ByteBuf frame) {
        if (!isWellFormedChannelData(frame)) {
            metrics.dropped("malformed");
            if (client.isStream()) {
                client.close();
            }
            return;
        }
        relayChannelData(allocations.get(client.fiveTuple()), frame);
    }

    /**
     * A ChannelData message on the UDP listener from {@code sender}; the caller keeps ownership of
     * {@code frame}. The allocation is found by source address alone (one UDP listener per node), so
     * the hot path builds no per-packet connection or 5-tuple objects.
     */
    public void onUdpChannelData(InetSocketAddress sender, ByteBuf frame) {
        if (!isWellFormedChannelData(frame)) {
            metrics.dropped("malformed");
            return;
        }
        relayChannelData(allocations.getUdp(sender), frame);
    }

    /** A valid channel number and a length field that fits the bytes received (RFC 8656 section 12.4). */
    private static boolean isWellFormedChannelData(ByteBuf frame) {
        int start = frame.readerIndex();
        int readable = frame.readableBytes();
        return readable >= ChannelData.HEADER_LENGTH && ChannelData.isWellFormedHeader(
                frame.getUnsignedShort(start), frame.getUnsignedShort(start + 2), readable);
    }

    /** Relays a well-formed ChannelData frame to the peer bound to its channel, after every check. */
    private void relayChannelData(Allocation allocation, ByteBuf frame) {
        if (allocation == null) {
            metrics.dropped("no-allocation");
            return;
        }
        int start = frame.readerIndex();
        int number = frame.getUnsignedShort(start);
        int length = frame.getUnsignedShort(start + 2);
        ChannelBinding binding = allocation.channel(number);
        if (binding == null) {
            metrics.dropped("no-channel");
            return;
        }
        if (!allocation.hasPermission(binding.peer().getAddress())) {
            metrics.dropped("no-permission");
            return;
        }
        if (!allocation.allowToPeer(length)) {
            metrics.dropped("bandwidth");
            return;
        }
        allocation.countToPeer(length);
        metrics.toPeer(length);
        Channel relay = allocation.relayChannel();
        switch (DirectSend.send(relay, allocation.relaySocket(), frame, start + 4, length, binding.peer())) {
            case SENT -> { }
            case FAILED -> metrics.dropped("peer-socket-error");
            case QUEUE -> FlushBatch.write(relay, new DatagramPacket(frame.retainedSlice(start + 4, length), binding.peer()));
        }
    }

    /** The client's TCP connection closed: its allocation goes with it (RFC 8656 section 3.1). */
    public void onClientClosed(ClientConnection client) {
        Allocation allocation = allocations.get(client.fiveTuple());
        if (allocation != null) {
            allocations.close(allocation);
        }
    }

    // ---------------------------------------------------------------- peer -> client

    /** A datagram from a peer to an allocation's relayed address; the caller releases it. */
    void onPeerPacket(Allocation allocation, DatagramPacket packet) {
        InetSocketAddress peer = packet.sender();
        ByteBuf content = packet.content();
        int length = content.readableBytes();
        if (length > MAX_UDP_DATAGRAM) {
            // The read filled its slot: possibly truncated, so never relayed.
            metrics.dropped("too-large");
            return;
        }
        if (!allocation.hasPermission(peer.getAddress())) {
            metrics.dropped("no-permission");
            return;
        }
        if (!allocation.allowToClient(length)) {
            metrics.dropped("bandwidth");
            return;
        }
        ClientConnection client = allocation.client();
        ChannelBinding binding = allocation.channelFor(peer);
        allocation.countToClient(length);
        metrics.toClient(length);
        if (binding != null) {
            if (!client.sendChannelData(binding.number(), content, content.readerIndex(), length)) {
                metrics.dropped("listener-error");
            }
            return;
        }
        byte[] indication = StunMessageBuilder
                .create(StunMethod.DATA, StunClass.INDICATION, StunMessageBuilder.newIndicationTransactionId())
                .add(new XorPeerAddress(peer))
                .add(new Data(ByteBufUtil.getBytes(content)))
                .build();
        client.sendBatched(Unpooled.wrappedBuffer(indication));
    }

    // ---------------------------------------------------------------- requests

    private void onRequest(ClientConnection client, StunMessage request) {
        metrics.request(StunMethod.name(request.method()));
        List<Integer> unknown = request.unknownRequired(KNOWN::contains);
        if (!unknown.isEmpty()) {
            sendError(client, request, ErrorCode.UNKNOWN_ATTRIBUTE, null, false, new UnknownAttributes(unknown));
            return;
        }
        switch (request.method()) {
            case StunMethod.BINDING -> onBinding(client, request);
            case StunMethod.ALLOCATE -> onAllocate(client, request);
            case StunMethod.REFRESH -> onRefresh(client, request);
            case StunMethod.CREATE_PERMISSION -> onCreatePermission(client, request);
            case StunMethod.CHANNEL_BIND -> onChannelBind(client, request);
            default -> sendError(client, request, ErrorCode.BAD_REQUEST, null, false);
        }
    }

    private void onBinding(ClientConnection client, StunMessage request) {
        StunMessageBuilder response = StunMessageBuilder.responseTo(request, StunClass.SUCCESS)
                .add(new XorMappedAddress(client.fiveTuple().client()));
        addSoftware(response);
        send(client, response.buildWithFingerprint());
    }

    private void onAllocate(ClientConnection client, StunMessage request) {
        Allocation existing = allocations.get(client.fiveTuple());
        Auth auth = authenticate(client, request, existing);
        if (auth == null) {
            return;
        }
        if (existing != null) {
            byte[] previous = existing.allocateResponseFor(request.transactionId());
            if (previous != null) {
                send(client, previous);
            } else {
                sendError(client, request, ErrorCode.ALLOCATION_MISMATCH, auth.key, auth.sha256);
            }
            return;
        }
        RequestedTransport transport;
        Lifetime lifetime = null;
        boolean even = false;
        boolean reserveNext = false;
        boolean ipv6 = false;
        ReservationToken token = null;
        try {
            RawAttribute t = request.attribute(AttributeType.REQUESTED_TRANSPORT);
            if (t == null) {
                sendError(client, request, ErrorCode.BAD_REQUEST, auth.key, auth.sha256);
                return;
            }
            transport = RequestedTransport.decode(t.value());
            RawAttribute l = request.attribute(AttributeType.LIFETIME);
            if (l != null) {
                lifetime = Lifetime.decode(l.value());
            }
            RawAttribute e = request.attribute(AttributeType.EVEN_PORT);
            if (e != null) {
                reserveNext = EvenPort.decode(e.value()).reserveNext();
                even = true;
            }
            RawAttribute rt = request.attribute(AttributeType.RESERVATION_TOKEN);
            if (rt != null) {
                token = ReservationToken.decode(rt.value());
            }
            RawAttribute f = request.attribute(AttributeType.REQUESTED_ADDRESS_FAMILY);
            if (token != null && (e != null || f != null)) {
                // RFC 8656 section 7.2: a token excludes EVEN-PORT and REQUESTED-ADDRESS-FAMILY.
                sendError(client, request, ErrorCode.BAD_REQUEST, auth.key, auth.sha256);
                return;
            }
            if (f != null) {
                // RFC 8656 section 7.2 / RFC 6156: IPv4 unless asked; IPv6 only where an IPv6 relay
                // address is configured; any other family value is not supported either (440).
                int family = RequestedAddressFamily.decode(f.value()).family();
                ipv6 = family == RequestedAddressFamily.IPV6;
                if ((family != RequestedAddressFamily.IPV4 && !ipv6) || (ipv6 && !ipv6Enabled())) {
                    sendError(client, request, ErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED, auth.key, auth.sha256);
                    return;
                }
            }
        } catch (StunException e) {
            sendError(client, request, ErrorCode.BAD_REQUEST, auth.key, auth.sha256);
            return;
        }
        if (transport.protocol() != RequestedTransport.UDP) {
            sendError(client, request, ErrorCode.UNSUPPORTED_TRANSPORT_PROTOCOL, auth.key, auth.sha256);
            return;
        }
        switch (allocations.reserve(auth.username, auth.site)) {
            case OK -> { }
            case USER_QUOTA, SITE_QUOTA -> {
                metrics.dropped("quota");
                sendError(client, request, ErrorCode.ALLOCATION_QUOTA_REACHED, auth.key, auth.sha256);
                return;
            }
            default -> {
                InetSocketAddress alternate = allocations.isDraining() ? allocations.alternate() : null;
                metrics.dropped(allocations.isDraining() ? "draining" : "capacity");
                if (alternate != null) {
                    // RFC 8489 section 10 / RFC 8656 section 7.2: a draining node sends the client to a live one.
                    sendError(client, request, ErrorCode.TRY_ALTERNATE, auth.key, auth.sha256, new AlternateServer(alternate));
                } else {
                    sendError(client, request, ErrorCode.INSUFFICIENT_CAPACITY, auth.key, auth.sha256);
                }
                return;
            }
        }
        long[] reserved = {0};
        Channel relay;
        if (token != null) {
            // The token names a port of the family the first Allocate of the pair asked for.
            relay = allocations.ports(false).takeReservation(token.token());
            if (relay == null && ipv6Enabled()) {
                relay = allocations.ports(true).takeReservation(token.token());
                ipv6 = relay != null;
            }
        } else if (reserveNext) {
            relay = allocations.ports(ipv6).bindPair(client.eventLoop(), reserved, RESERVATION_MILLIS,
                    System.currentTimeMillis());
        } else {
            relay = allocations.ports(ipv6).bind(client.eventLoop(), even);
        }
        if (relay == null) {
            allocations.release(auth.username, auth.site);
            metrics.dropped("no-relay-port");
            sendError(client, request, ErrorCode.INSUFFICIENT_CAPACITY, auth.key, auth.sha256);
            return;
        }
        int port = RelayPortPool.port(relay);
        long now = System.currentTimeMillis();
        long granted = grantedLifetime(lifetime, true);
        Allocation allocation = new Allocation(client.fiveTuple(), client, auth.username, auth.site, auth.key,
                new InetSocketAddress(ipv6 ? settings.publicAddressV6() : settings.publicAddress(), port), relay,
                now + granted, settings.bandwidthPerAllocation());
        // On the client's event loop the relay channel cannot deliver a packet before this returns.
        relay.pipeline().addLast(new PeerPacketHandler(this, allocation));
        if (!allocations.register(allocation)) {
            relay.close();
            allocations.ports(ipv6).release(port);
            allocations.release(auth.username, auth.site);
            sendError(client, request, ErrorCode.ALLOCATION_MISMATCH, auth.key, auth.sha256);
            return;
        }
        metrics.allocationCreated();
        StunMessageBuilder response = StunMessageBuilder.responseTo(request, StunClass.SUCCESS)
                .add(new XorRelayedAddress(allocation.relayedAddress()))
                .add(new Lifetime(granted / 1000))
                .add(new XorMappedAddress(client.fiveTuple().client()));
        if (reserveNext) {
            response.add(new ReservationToken(reserved[0]));
        }
        byte[] bytes = signed(response, auth);
        allocation.rememberAllocate(request.transactionId(), bytes);
        send(client, bytes);
    }

    private void onRefresh(ClientConnection client, StunMessage request) {
        Allocation allocation = allocations.get(client.fiveTuple());
        Auth auth = authenticate(client, request, allocation);
        if (auth == null) {
            return;
        }
        if (allocation == null) {
            sendError(client, request, ErrorCode.ALLOCATION_MISMATCH, auth.key, auth.sha256);
            return;
        }
        if (!allocation.username().equals(auth.username)) {
            sendError(client, request, ErrorCode.WRONG_CREDENTIALS, auth.key, auth.sha256);
            return;
        }
        Lifetime requested = null;
        try {
            RawAttribute l = request.attribute(AttributeType.LIFETIME);
            if (l != null) {
                requested = Lifetime.decode(l.value());
            }
        } catch (StunException e) {
            sendError(client, request, ErrorCode.BAD_REQUEST, auth.key, auth.sha256);
            return;
        }
        long granted;
        if (requested != null && requested.seconds() == 0) {
            allocations.close(allocation);
            granted = 0;
        } else {
            granted = grantedLifetime(requested, false);
            allocation.refresh(System.currentTimeMillis() + granted);
        }
        send(client, signed(StunMessageBuilder.responseTo(request, StunClass.SUCCESS).add(new Lifetime(granted / 1000)),
                auth));
    }

    private void onCreatePermission(ClientConnection client, StunMessage request) {
        Allocation allocation = allocations.get(client.fiveTuple());
        Auth auth = authenticatedFor(client, request, allocation);
        if (auth == null) {
            return;
        }
        List<InetAddress> peers = new ArrayList<>();
        for (RawAttribute a : request.attributes()) {
            if (a.type() != AttributeType.XOR_PEER_ADDRESS) {
                continue;
            }
            InetSocketAddress peer = peerAddress(client, request, auth, a, allocation);
            if (peer == null) {
                return;
            }
            peers.add(peer.getAddress());
        }
        if (peers.isEmpty()) {
            sendError(client, request, ErrorCode.BAD_REQUEST, auth.key, auth.sha256);
            return;
        }
        long expiresAt = System.currentTimeMillis() + settings.permissionLifetimeMillis();
        for (InetAddress peer : peers) {
            if (!allocation.permit(peer, expiresAt)) {
                sendError(client, request, ErrorCode.INSUFFICIENT_CAPACITY, auth.key, auth.sha256);
                return;
            }
        }
        send(client, signed(StunMessageBuilder.responseTo(request, StunClass.SUCCESS), auth));
    }

    private void onChannelBind(ClientConnection client, StunMessage request) {
        Allocation allocation = allocations.get(client.fiveTuple());
        Auth auth = authenticatedFor(client, request, allocation);
        if (auth == null) {
            return;
        }
        RawAttribute numberAttribute = request.attribute(AttributeType.CHANNEL_NUMBER);
        RawAttribute peerAttribute = request.attribute(AttributeType.XOR_PEER_ADDRESS);
        ChannelNumber number;
        try {
            number = numberAttribute == null ? null : ChannelNumber.decode(numberAttribute.value());
        } catch (StunException e) {
            number = null;
        }
        if (number == null || peerAttribute == null || !ChannelNumber.isValid(number.number())) {
            sendError(client, request, ErrorCode.BAD_REQUEST, auth.key, auth.sha256);
            return;
        }
        InetSocketAddress peer = peerAddress(client, request, auth, peerAttribute, allocation);
        if (peer == null) {
            return;
        }
        long now = System.currentTimeMillis();
        if (!allocation.bindChannel(number.number(), peer, now + settings.channelLifetimeMillis())) {
            sendError(client, request, ErrorCode.BAD_REQUEST, auth.key, auth.sha256);
            return;
        }
        if (!allocation.permit(peer.getAddress(), now + settings.permissionLifetimeMillis())) {
            sendError(client, request, ErrorCode.INSUFFICIENT_CAPACITY, auth.key, auth.sha256);
            return;
        }
        send(client, signed(StunMessageBuilder.responseTo(request, StunClass.SUCCESS), auth));
    }

    private void onSend(ClientConnection client, StunMessage indication) {
        Allocation allocation = allocations.get(client.fiveTuple());
        if (allocation == null) {
            metrics.dropped("no-allocation");
            return;
        }
        RawAttribute peerAttribute = indication.attribute(AttributeType.XOR_PEER_ADDRESS);
        RawAttribute dataAttribute = indication.attribute(AttributeType.DATA);
        if (peerAttribute == null || dataAttribute == null) {
            metrics.dropped("malformed");
            return;
        }
        InetSocketAddress peer;
        try {
            peer = XorPeerAddress.decode(peerAttribute.value(), indication.transactionId()).address();
        } catch (StunException e) {
            metrics.dropped("malformed");
            return;
        }
        peer = normalize(peer);
        if (!policy.permits(peer.getAddress())) {
            metrics.dropped("forbidden-peer");
            return;
        }
        if (!allocation.sameFamily(peer.getAddress())) {
            // RFC 8656 section 11.2: an indication has no answer, so the 443 case is a silent drop.
            metrics.dropped("peer-family-mismatch");
            return;
        }
        if (!allocation.hasPermission(peer.getAddress())) {
            metrics.dropped("no-permission");
            return;
        }
        byte[] data = dataAttribute.value();
        if (!allocation.allowToPeer(data.length)) {
            metrics.dropped("bandwidth");
            return;
        }
        allocation.countToPeer(data.length);
        metrics.toPeer(data.length);
        allocation.relayChannel().writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(data), peer));
    }

    // ---------------------------------------------------------------- authentication

    /** What a request authenticated with. */
    private record Auth(String username, String site, byte[] key, boolean sha256) {
    }

    /** Authenticates a request that needs an allocation: 437 without one, 441 for another user's. */
    private Auth authenticatedFor(ClientConnection client, StunMessage request, Allocation allocation) {
        Auth auth = authenticate(client, request, allocation);
        if (auth == null) {
            return null;
        }
        if (allocation == null) {
            sendError(client, request, ErrorCode.ALLOCATION_MISMATCH, auth.key, auth.sha256);
            return null;
        }
        if (!allocation.username().equals(auth.username)) {
            sendError(client, request, ErrorCode.WRONG_CREDENTIALS, auth.key, auth.sha256);
            return null;
        }
        return auth;
    }

    /**
     * The long-term credential check of RFC 8489 section 9.2.4. Answers the request itself
     * (401/438/400) and returns null when it fails.
     */
    private Auth authenticate(ClientConnection client, StunMessage request, Allocation allocation) {
        InetAddress source = client.fiveTuple().client().getAddress();
        if (!request.hasIntegrity() && !request.hasIntegritySha256()) {
            metrics.authFailure("missing-credentials");
            challenge(client, request, ErrorCode.UNAUTHORIZED);
            return null;
        }
        RawAttribute u = request.attribute(AttributeType.USERNAME);
        RawAttribute r = request.attribute(AttributeType.REALM);
        RawAttribute n = request.attribute(AttributeType.NONCE);
        if (u == null || r == null || n == null) {
            metrics.authFailure("malformed");
            sendError(client, request, ErrorCode.BAD_REQUEST, null, false);
            return null;
        }
        String username;
        String realm;
        String nonce;
        try {
            username = Username.decode(u.value()).value();
            realm = Realm.decode(r.value()).value();
            nonce = Nonce.decode(n.value()).value();
        } catch (StunException e) {
            metrics.authFailure("malformed");
            sendError(client, request, ErrorCode.BAD_REQUEST, null, false);
            return null;
        }
        NonceService.Check check = nonces.check(nonce, source);
        if (check != NonceService.Check.VALID) {
            metrics.authFailure(check == NonceService.Check.STALE ? "stale-nonce" : "invalid-nonce");
            challenge(client, request, ErrorCode.STALE_NONCE);
            return null;
        }
        if (!credentials.realm().equals(realm)) {
            metrics.authFailure("wrong-realm");
            challenge(client, request, ErrorCode.UNAUTHORIZED);
            return null;
        }
        TurnRestCredentials.User user = TurnRestCredentials.parse(username);
        if (user == null) {
            metrics.authFailure("bad-username");
            challenge(client, request, ErrorCode.UNAUTHORIZED);
            return null;
        }
        if (user.expiresAtSeconds() * 1000 <= System.currentTimeMillis()) {
            metrics.authFailure("expired");
            challenge(client, request, ErrorCode.UNAUTHORIZED);
            return null;
        }
        boolean sha256 = request.hasIntegritySha256();
        List<byte[]> keys = allocation != null && allocation.username().equals(username)
                ? List.of(allocation.key()) : credentials.candidateKeys(username);
        for (byte[] key : keys) {
            if (sha256 ? request.verifyIntegritySha256(key) : request.verifyIntegrity(key)) {
                return new Auth(username, user.site(), key, sha256);
            }
        }
        metrics.authFailure("bad-integrity");
        challenge(client, request, ErrorCode.UNAUTHORIZED);
        return null;
    }

    /** 401 or 438 with REALM and a fresh NONCE, at most a few per second per source. */
    private void challenge(ClientConnection client, StunMessage request, int code) {
        InetAddress source = client.fiveTuple().client().getAddress();
        if (!challengeLimiter.tryAcquire(source, System.currentTimeMillis())) {
            metrics.dropped("challenge-rate-limited");
            return;
        }
        sendError(client, request, code, null, false, new Realm(credentials.realm()), new Nonce(nonces.issue(source)));
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Decodes, normalises and vets a peer address for {@code allocation}; answers 400, 403 (deny list) or
     * 443 (the other address family than the relayed address, RFC 8656 section 9.1) and returns null when
     * unusable. A forbidden address is answered 403 whatever its family.
     */
    private InetSocketAddress peerAddress(ClientConnection client, StunMessage request, Auth auth, RawAttribute a,
                                          Allocation allocation) {
        InetSocketAddress peer;
        try {
            peer = XorPeerAddress.decode(a.value(), request.transactionId()).address();
        } catch (StunException e) {
            sendError(client, request, ErrorCode.BAD_REQUEST, auth.key, auth.sha256);
            return null;
        }
        peer = normalize(peer);
        if (!policy.permits(peer.getAddress())) {
            metrics.dropped("forbidden-peer");
            sendError(client, request, ErrorCode.FORBIDDEN, auth.key, auth.sha256);
            return null;
        }
        if (!allocation.sameFamily(peer.getAddress())) {
            sendError(client, request, ErrorCode.PEER_ADDRESS_FAMILY_MISMATCH, auth.key, auth.sha256);
            return null;
        }
        return peer;
    }

    /** The address of IPv6 relayed transport addresses, or null when IPv6 relaying is off. */
    public InetAddress ipv6PublicAddress() {
        return ipv6Enabled() ? settings.publicAddressV6() : null;
    }

    /** IPv6 relayed addresses are offered only where an IPv6 relay address is configured. */
    private boolean ipv6Enabled() {
        return settings.publicAddressV6() != null && allocations.ports(true) != null;
    }

    private static InetSocketAddress normalize(InetSocketAddress peer) {
        InetAddress normal = PeerAddressPolicy.normalize(peer.getAddress());
        return normal == peer.getAddress() ? peer : new InetSocketAddress(normal, peer.getPort());
    }

    private long grantedLifetime(Lifetime requested, boolean allocate) {
        if (requested == null) {
            return settings.defaultLifetimeMillis();
        }
        long granted = Math.min(requested.seconds() * 1000, settings.maxLifetimeMillis());
        // RFC 8656 section 7.2: an Allocate never gets less than the default lifetime.
        return allocate ? Math.max(granted, settings.defaultLifetimeMillis()) : granted;
    }

    /** Answers 400 to what still looks like a STUN request; drops anything else (and bad fingerprints). */
    private void answerMalformed(ClientConnection client, byte[] bytes, StunException e) {
        if (e.errorCode() == StunException.DISCARD || !StunMessage.looksLikeStun(bytes, 0, bytes.length)) {
            if (client.isStream()) {
                client.close();
            }
            return;
        }
        MessageType type = MessageType.decode(((bytes[0] & 0xFF) << 8) | (bytes[1] & 0xFF));
        if (type.messageClass() == StunClass.REQUEST) {
            byte[] transactionId = java.util.Arrays.copyOfRange(bytes, 8, 20);
            StunMessageBuilder b = StunMessageBuilder.create(type.method(), StunClass.ERROR, transactionId)
                    .add(new ErrorCode(e.errorCode() >= 300 ? e.errorCode() : ErrorCode.BAD_REQUEST,
                            truncate(e.getMessage())));
            metrics.error(ErrorCode.BAD_REQUEST);
            send(client, b.buildWithFingerprint());
        }
        if (client.isStream()) {
            // After a bad frame the stream cannot be trusted to be in sync any more.
            client.close();
        }
    }

    private static String truncate(String reason) {
        return reason.length() > 120 ? reason.substring(0, 120) : reason;
    }

    private void sendError(ClientConnection client, StunMessage request, int code, byte[] key, boolean sha256,
                           StunAttribute... extra) {
        metrics.error(code);
        StunMessageBuilder b = StunMessageBuilder.responseTo(request, StunClass.ERROR).add(new ErrorCode(code));
        for (StunAttribute a : extra) {
            b.add(a);
        }
        addSoftware(b);
        if (key != null) {
            if (sha256) {
                b.integritySha256(key);
            } else {
                b.integrity(key);
            }
        }
        send(client, b.buildWithFingerprint());
    }

    private byte[] signed(StunMessageBuilder b, Auth auth) {
        addSoftware(b);
        if (auth.sha256) {
            b.integritySha256(auth.key);
        } else {
            b.integrity(auth.key);
        }
        return b.buildWithFingerprint();
    }

    private void addSoftware(StunMessageBuilder b) {
        if (!settings.software().isEmpty()) {
            b.add(new Software(settings.software()));
        }
    }

    private static void send(ClientConnection client, byte[] bytes) {
        client.send(Unpooled.wrappedBuffer(bytes));
    }
}

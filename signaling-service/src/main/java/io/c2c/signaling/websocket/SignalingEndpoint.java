package io.c2c.signaling.websocket;

import io.c2c.net.TokenBucket;
import io.c2c.signaling.client.DiscoveryClient;
import io.c2c.signaling.config.SignalingConfig;
import io.c2c.signaling.metrics.SignalingMetrics;
import io.c2c.signaling.protocol.CloseCodes;
import io.c2c.signaling.protocol.ErrorCode;
import io.c2c.signaling.protocol.MessageDecoder;
import io.c2c.signaling.protocol.MessageEncoder;
import io.c2c.signaling.protocol.ProtocolException;
import io.c2c.signaling.protocol.in.ClientMessage;
import io.c2c.signaling.protocol.in.Drop;
import io.c2c.signaling.protocol.in.Find;
import io.c2c.signaling.protocol.in.Have;
import io.c2c.signaling.protocol.in.Hello;
import io.c2c.signaling.protocol.in.Join;
import io.c2c.signaling.protocol.in.Leave;
import io.c2c.signaling.protocol.in.Ping;
import io.c2c.signaling.protocol.in.Report;
import io.c2c.signaling.protocol.in.Signal;
import io.c2c.signaling.protocol.in.Stats;
import io.c2c.signaling.protocol.in.Status;
import io.c2c.signaling.protocol.out.ErrorMessage;
import io.c2c.signaling.protocol.out.Pong;
import io.c2c.signaling.protocol.out.SignalDelivery;
import io.c2c.signaling.routing.PeerRouter;
import io.c2c.signaling.session.DrainState;
import io.c2c.signaling.session.LocalSessions;
import io.c2c.signaling.session.NetworkPositions;
import io.c2c.signaling.session.PeerSession;
import io.c2c.signaling.session.RoomService;
import io.c2c.signaling.session.SendOrder;
import io.c2c.signaling.session.SessionService;
import io.c2c.signaling.stats.service.SiteStatsService;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * The {@code c2c.v1} WebSocket endpoint: bounds every frame (size, rate, violations), decodes it,
 * and dispatches to one handler per message type. A connection's messages are processed one at a
 * time in order (websockets-next serial inbound mode), so signals keep their order.
 */
@WebSocket(path = "/_c2c/signal")
public class SignalingEndpoint {

    private static final Logger LOG = Logger.getLogger(SignalingEndpoint.class);
    /** A message handled without waiting for anything: one shared, already completed Uni. */
    private static final Uni<Void> DONE = Uni.createFrom().voidItem();

    private final SignalingConfig config;
    private final LocalSessions sessions;
    private final SessionService sessionService;
    private final RoomService rooms;
    private final PeerRouter router;
    private final DiscoveryClient discovery;
    private final SignalingMetrics metrics;
    private final DrainState drain;
    private final SiteStatsService siteStats;
    private final PeerReports reports;
    private final MessageDecoder decoder;

    public SignalingEndpoint(SignalingConfig config, LocalSessions sessions, SessionService sessionService, RoomService rooms,
                             PeerRouter router, DiscoveryClient discovery, SignalingMetrics metrics, DrainState drain,
                             SiteStatsService siteStats, PeerReports reports) {
        this.config = config;
        this.sessions = sessions;
        this.sessionService = sessionService;
        this.rooms = rooms;
        this.router = router;
        this.discovery = discovery;
        this.metrics = metrics;
        this.drain = drain;
        this.siteStats = siteStats;
        this.reports = reports;
        this.decoder = new MessageDecoder(config.maxAssetsPerMessage(), config.maxFindLimit());
    }

    @OnOpen
    public Uni<Void> onOpen(WebSocketConnection connection) {
        if (!SessionService.PROTOCOL.equals(connection.subprotocol())) {
            metrics.error(ErrorCode.UNSUPPORTED_PROTOCOL);
            return connection.sendText(error(null, ErrorCode.UNSUPPORTED_PROTOCOL, "offer subprotocol " + SessionService.PROTOCOL))
                    .chain(() -> connection.close(new CloseReason(CloseCodes.PROTOCOL_ERROR, "subprotocol " + SessionService.PROTOCOL + " required")));
        }
        if (drain.draining()) {
            return connection.close(new CloseReason(CloseCodes.SERVICE_RESTART, "pod stopping"));
        }
        long now = System.nanoTime();
        PeerSession session = new PeerSession(connection,
                NetworkPositions.of(connection.handshakeRequest().remoteAddress(), config.region().orElse(null)),
                new TokenBucket(config.rateLimitBurst(), config.rateLimitPerSecond(), now),
                new TokenBucket(config.maxViolations(), 1_000_000_000d / config.violationForgiveness().toNanos(), now), now);
        sessions.opened(connection.id(), session);
        return Uni.createFrom().voidItem();
    }

    @OnTextMessage
    public Uni<Void> onText(String text, WebSocketConnection connection) {
        PeerSession session = sessions.byConnection(connection.id());
        if (session == null) {
            return Uni.createFrom().voidItem();
        }
        long now = System.nanoTime();
        session.seen(now);
        if (utf8LengthAbove(text, config.maxMessageBytes())) {
            metrics.received("invalid");
            return refuse(session, null, new ProtocolException(ErrorCode.TOO_LARGE,
                    "messages are at most " + config.maxMessageBytes() + " bytes"));
        }
        if (!session.rate().tryTake(now)) {
            metrics.received("invalid");
            return refuse(session, MessageDecoder.idOf(text), new ProtocolException(ErrorCode.RATE_LIMITED,
                    "more than " + config.rateLimitPerSecond() + " messages per second"));
        }
        ClientMessage message;
        try {
            message = decoder.decode(text);
        } catch (ProtocolException e) {
            metrics.received("invalid");
            return refuse(session, MessageDecoder.idOf(text), e);
        }
        metrics.received(typeOf(message));
        Uni<Void> handled;
        try {
            handled = dispatch(session, message);
        } catch (RuntimeException e) {
            return failed(session, message, e);
        }
        // a signal handed to a connection on this pod is done already: no operators to add (most of the traffic)
        if (handled == DONE) {
            return DONE;
        }
        // this connection's next frames wait in the kernel meanwhile, not in websockets-next's unbounded queue
        return ConnectionBackpressure.waitedFor(connection,
                handled.onFailure().recoverWithUni(failure -> failed(session, message, failure)));
    }

    private Uni<Void> failed(PeerSession session, ClientMessage message, Throwable failure) {
        if (failure instanceof ProtocolException protocol) {
            return refuse(session, message.id(), protocol);
        }
        LOG.debugf("handling %s failed: %s", typeOf(message), failure.toString());
        return refuse(session, message.id(), new ProtocolException(ErrorCode.INTERNAL, "temporarily unavailable; retry"));
    }

    private Uni<Void> dispatch(PeerSession session, ClientMessage message) {
        if (!session.welcomed() && !(message instanceof Hello)) {
            throw new ProtocolException(ErrorCode.HELLO_REQUIRED, "say hello first");
        }
        if (message instanceof Hello hello) {
            if (session.welcomed()) {
                throw new ProtocolException(ErrorCode.ALREADY_WELCOMED, "hello was already answered");
            }
            return sessionService.hello(session, hello);
        } else if (message instanceof Join join) {
            return rooms.join(session, join);
        } else if (message instanceof Leave leave) {
            return rooms.leave(session, leave);
        } else if (message instanceof Signal signal) {
            return signal(session, signal);
        } else if (message instanceof Have have) {
            return sessionService.have(session, have);
        } else if (message instanceof Drop drop) {
            return sessionService.drop(session, drop);
        } else if (message instanceof Find find) {
            return find(session, find);
        } else if (message instanceof Stats stats) {
            return siteStats.report(session, stats);
        } else if (message instanceof Status status) {
            return sessionService.status(session, status);
        } else if (message instanceof Report report) {
            return reports.report(session, report);
        } else {
            Ping ping = (Ping) message;
            return session.send(MessageEncoder.encode(new Pong(ping.id(), ping.ts(), System.currentTimeMillis())));
        }
    }

    private Uni<Void> signal(PeerSession session, Signal signal) {
        String body = MessageEncoder.encode(new SignalDelivery(session.peerId(), signal.kind().wire(), signal.payloadJson()));
        // Same pod: handed to the target's connection, and this connection goes on with its next message
        // without waiting for the write; SendOrder keeps the order if a write fails and takes the Redis path.
        PeerRouter.Direct direct = router.deliverDirect(session, session.site(), signal.to(), body,
                (outcome, failure) -> reportLate(session, signal, outcome, failure));
        if (direct == PeerRouter.Direct.HANDED_OVER) {
            return DONE;
        }
        // To a peer on another pod, through Redis without waiting: the route queue keeps this connection's
        // signals in order. The outcome comes later; a peer that is gone gets the sender a peer-unavailable then.
        // (A peer here that SendOrder kept from a direct write waits below: its fallbacks must stay in order.)
        SendOrder order = session.sendOrder();
        if (direct == PeerRouter.Direct.NOT_HERE && order.tryRoute(config.routeBatch().maxPerConnection())) {
            Uni<PeerRouter.Outcome> routed;
            try {
                routed = router.deliverElsewhere(session.site(), signal.to(), body);
            } catch (RuntimeException e) {
                routed = Uni.createFrom().failure(e);
            }
            routed.subscribe().with(outcome -> {
                order.routed();
                reportLate(session, signal, outcome, null);
            }, failure -> {
                order.routed();
                reportLate(session, signal, null, failure);
            });
            return DONE;
        }
        // Waited for: after earlier direct writes are settled, or when this connection has many signals
        // unanswered already, or the peer is here (its next message is read only after this one's outcome).
        Uni<Void> earlier = order.settled();
        Uni<PeerRouter.Outcome> routed = earlier == null
                ? router.deliver(session.site(), signal.to(), body)
                : earlier.chain(() -> router.deliver(session.site(), signal.to(), body));
        return routed.chain(outcome -> {
            if (outcome.reached()) {
                return Uni.createFrom().voidItem();
            }
            throw unavailable(outcome);
        });
    }

    /** The outcome of a signal the connection did not wait for: an error to the sender when it did not get through. */
    private void reportLate(PeerSession session, Signal signal, PeerRouter.Outcome outcome, Throwable failure) {
        if (failure != null || !outcome.reached()) {
            failed(session, signal, failure != null ? failure : unavailable(outcome)).subscribe().with(ok -> { }, ignored -> { });
        }
    }

    private static ProtocolException unavailable(PeerRouter.Outcome outcome) {
        return new ProtocolException(ErrorCode.PEER_UNAVAILABLE,
                outcome == PeerRouter.Outcome.FULL ? "peer's resume buffer is full" : "no such peer on this site");
    }

    private Uni<Void> find(PeerSession session, Find find) {
        if (!discovery.configured()) {
            throw new ProtocolException(ErrorCode.NOT_AVAILABLE, "peer discovery is not available on this deployment");
        }
        return discovery.find(find.id(), session.site(), find.asset(), session.peerId(), find.limit())
                .onFailure().transform(failure -> new ProtocolException(ErrorCode.UPSTREAM_FAILED, "discovery did not answer"))
                .chain(found -> session.send(MessageEncoder.encode(found)));
    }

    /** Sends an error; a violation spends the connection's allowance, and an exhausted one closes it (1008). */
    private Uni<Void> refuse(PeerSession session, String re, ProtocolException problem) {
        ErrorCode code = problem.code();
        metrics.error(code);
        WebSocketConnection connection = session.connection();
        String text = error(re, code, problem.getMessage());
        Uni<Void> sent = session.welcomed() ? session.send(text) : connection.sendText(text);
        int closeCode = 0;
        if (code == ErrorCode.UNKNOWN_SITE || code == ErrorCode.ORIGIN_NOT_ALLOWED) {
            closeCode = CloseCodes.POLICY_VIOLATION;
        } else if (code.violation() && !session.violations().tryTake(System.nanoTime())) {
            closeCode = CloseCodes.POLICY_VIOLATION;
        }
        if (closeCode == 0) {
            return sent.onFailure().recoverWithNull();
        }
        session.closeIntent(PeerSession.CloseIntent.LEAVE);
        if (connection.isClosed()) {
            // messages read before the first close still get here; closing again only logs a warning each
            return sent.onFailure().recoverWithNull();
        }
        String reason = code.violation() ? "too many protocol violations" : code.wire();
        return sent.onFailure().recoverWithNull().chain(() -> connection.close(new CloseReason(CloseCodes.POLICY_VIOLATION, reason)));
    }

    @OnBinaryMessage
    public Uni<Void> onBinary(Buffer data, WebSocketConnection connection) {
        PeerSession session = sessions.byConnection(connection.id());
        if (session == null) {
            return Uni.createFrom().voidItem();
        }
        metrics.received("invalid");
        return refuse(session, null, new ProtocolException(ErrorCode.BAD_JSON, "c2c.v1 uses text frames only"));
    }

    @OnClose
    public Uni<Void> onClose(WebSocketConnection connection) {
        reports.closed(connection.id());
        PeerSession session = sessions.byConnection(connection.id());
        if (session == null) {
            return Uni.createFrom().voidItem();
        }
        CloseReason reason = connection.closeReason();
        int code = reason == null ? 1006 : reason.getCode();
        return sessionService.closed(session, code).onFailure().recoverWithNull().replaceWithVoid();
    }

    @OnError
    public Uni<Void> onError(WebSocketConnection connection, Throwable failure) {
        String message = String.valueOf(failure.getMessage());
        if (message.contains("max message size") || message.contains("max frame size")) {
            // Vert.x refuses the frames of a message above the transport limit but keeps the connection open
            PeerSession session = sessions.byConnection(connection.id());
            if (session != null) {
                session.closeIntent(PeerSession.CloseIntent.LEAVE);
            }
            metrics.error(ErrorCode.TOO_LARGE);
            return connection.close(new CloseReason(CloseCodes.MESSAGE_TOO_BIG, "message too big"));
        }
        LOG.debugf("connection %s failed: %s", connection.id(), failure.toString());
        return Uni.createFrom().voidItem();
    }

    private static String error(String re, ErrorCode code, String message) {
        return MessageEncoder.encode(new ErrorMessage(re, code.wire(), message));
    }

    private static final ClassValue<String> TYPE_NAMES = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
            return type.getSimpleName().toLowerCase(Locale.ROOT);
        }
    };

    private static String typeOf(ClientMessage message) {
        return TYPE_NAMES.get(message.getClass());
    }

    /**
     * Whether {@code text} takes more than {@code max} bytes in UTF-8. A char takes at most 3 bytes
     * (a surrogate pair 4 for 2 chars), so most messages are judged by their length alone, without
     * scanning them.
     */
    static boolean utf8LengthAbove(String text, int max) {
        int length = text.length();
        if (length > max) {
            return true;
        }
        if ((long) length * 3 <= max) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (text.charAt(i) >= 0x80) {
                return text.getBytes(StandardCharsets.UTF_8).length > max;
            }
        }
        return false;
    }
}

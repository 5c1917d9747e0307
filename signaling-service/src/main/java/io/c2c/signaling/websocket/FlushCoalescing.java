package io.c2c.signaling.websocket;

import io.c2c.signaling.config.SignalingConfig;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Coalesces the flushes of each signaling connection within one event-loop iteration.
 *
 * <p>Vert.x writes and flushes a frame at once unless the connection it goes to is itself being read,
 * so a peer that receives several signals in one iteration (its partner's burst of candidates, a busy
 * room) costs one {@code write} syscall per frame, and on loopback the kernel then runs the receiver's
 * TCP path once per frame too: about half of a busy pod's CPU. Netty's {@link FlushConsolidationHandler}
 * at the head of the connection's pipeline holds the flush until the end of the iteration and writes
 * the frames with one {@code writev}; a lone frame waits only for the rest of the iteration. It is
 * added while the upgrade is checked, before the handshake, and never changes what is sent.
 */
@ApplicationScoped
public class FlushCoalescing implements HttpUpgradeCheck {

    static final String HANDLER_NAME = "c2c-flush-coalescing";

    private final int maxFramesPerWrite;

    public FlushCoalescing(SignalingConfig config) {
        this.maxFramesPerWrite = config.flushCoalescingLimit();
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        if (maxFramesPerWrite > 1) {
            ConnectionPipelines.addFirstOnce(context.httpRequest().connection(), HANDLER_NAME,
                    () -> new FlushConsolidationHandler(maxFramesPerWrite, true));
        }
        return CheckResult.permitUpgrade();
    }
}

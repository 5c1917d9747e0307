package io.c2c.signaling.session;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Keeps one sending connection's signals in order although neither a signal to a peer on this pod
 * nor one routed through Redis waits for its outcome.
 *
 * <p>A signal to a peer on this pod is handed to the target's connection and the sender goes on with
 * its next message at once; the write's outcome comes later, on the target's event loop. While writes
 * are unsettled, only more writes to that same connection may go directly (the connection keeps their
 * order, and once it is closed every later write fails too). A write that fails falls back to the
 * Redis path, one fallback after the other in the order the writes failed. Any other message of the
 * sender first waits until every earlier write is settled (written, or its fallback finished), so it
 * never overtakes one.
 *
 * <p>A signal routed through Redis joins the pod's route queue, which Redis executes in order (one
 * batch at a time, see {@code RouteBatcher}), so routed signals need no wait among themselves: up to
 * a bound per connection are unanswered at once. A direct write waits until they are answered, since
 * it would skip that queue.
 */
public final class SendOrder {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /** Writes started and not yet settled (a failed one stays unsettled until its fallback finished). */
    private int unsettled;
    /** The connection every unsettled write went to; null when none is unsettled. */
    private Object target;
    /** Fallbacks queued or running. */
    private int fallingBack;
    /** Completes when the last queued fallback finished. */
    private CompletableFuture<Void> tail = DONE;
    private List<Runnable> waiters;
    /** Signals routed through Redis whose outcome has not come yet. */
    private int routing;

    /**
     * Claims a direct write to {@code connection}: true when nothing is unsettled or every unsettled write
     * went to that same connection, no fallback runs and no routed signal is unanswered. The caller must
     * then report the write's outcome with {@link #written} or {@link #failed}.
     */
    public synchronized boolean tryDirect(Object connection) {
        if (routing > 0 || fallingBack > 0 || (unsettled > 0 && target != connection)) {
            return false;
        }
        unsettled++;
        target = connection;
        return true;
    }

    /**
     * Claims a routed signal that does not wait for its outcome: true when no direct write is unsettled
     * and fewer than {@code maxRouting} routed signals are unanswered. The caller must then report the
     * answer with {@link #routed}. False: route it after {@link #settled} and wait for its outcome.
     */
    public synchronized boolean tryRoute(int maxRouting) {
        if (unsettled > 0 || routing >= maxRouting) {
            return false;
        }
        routing++;
        return true;
    }

    /** A routed signal claimed with {@link #tryRoute} was answered (whatever the outcome). */
    public synchronized void routed() {
        routing--;
    }

    /** A direct write went out. */
    public void written() {
        settle();
    }

    /**
     * A direct write failed: {@code fallback} (the Redis path for that message) runs after the fallbacks of
     * earlier failures, and the write is settled when it finished, whatever its outcome.
     */
    public void failed(Supplier<Uni<?>> fallback) {
        CompletableFuture<Void> previous;
        CompletableFuture<Void> finished = new CompletableFuture<>();
        synchronized (this) {
            fallingBack++;
            previous = tail;
            tail = finished;
        }
        previous.whenComplete((ignored, alsoIgnored) -> {
            Uni<?> run;
            try {
                run = fallback.get();
            } catch (RuntimeException e) {
                run = Uni.createFrom().failure(e);
            }
            run.subscribe().with(ok -> fallbackDone(finished), failure -> fallbackDone(finished));
        });
    }

    private void fallbackDone(CompletableFuture<Void> finished) {
        synchronized (this) {
            fallingBack--;
        }
        finished.complete(null);
        settle();
    }

    private void settle() {
        List<Runnable> ready;
        synchronized (this) {
            if (--unsettled > 0) {
                return;
            }
            target = null;
            ready = waiters;
            waiters = null;
        }
        if (ready != null) {
            ready.forEach(Runnable::run);
        }
    }

    /**
     * Null when every earlier write is settled; otherwise a Uni that completes when they are, on the
     * caller's Vert.x context (where the sender's connection handlers run).
     */
    public Uni<Void> settled() {
        synchronized (this) {
            if (unsettled == 0) {
                return null;
            }
        }
        Context context = Vertx.currentContext();
        return Uni.createFrom().emitter(emitter -> {
            Runnable resume = context == null
                    ? () -> emitter.complete(null)
                    : () -> context.runOnContext(ignored -> emitter.complete(null));
            synchronized (this) {
                if (unsettled > 0) {
                    if (waiters == null) {
                        waiters = new ArrayList<>(2);
                    }
                    waiters.add(resume);
                    return;
                }
            }
            emitter.complete(null);
        });
    }

    /** Routed signals not answered yet, for tests. */
    synchronized int routing() {
        return routing;
    }

    /** Unsettled writes, for tests. */
    synchronized int unsettled() {
        return unsettled;
    }
}

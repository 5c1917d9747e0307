package io.c2c.signaling.routing;

import io.c2c.signaling.config.SignalingConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Singleton;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.jboss.logging.Logger;

/**
 * Routes messages through Redis in batches ({@link RedisScripts#ROUTE}): while one route call is
 * in flight, the messages that come meanwhile wait and go together in the next one, so under load
 * one Redis call and one publish per destination pod carry many messages, and under light load a
 * message goes at once. One call at a time makes Redis execute the messages in the order they were
 * queued, whatever pooled connection carries each call, and the outcomes are given in that order, on
 * the thread that read the answer: a sender need not wait for one message's outcome before routing
 * its next (see {@code SendOrder}). Measured: a second call in flight carried no more messages per
 * second than one (benchmarks.md).
 * A {@code @Singleton}, injected without a client proxy: it is on every message's path.
 */
@Singleton
public class RouteBatcher {

    /** A batch stops growing past this many envelope characters, so one call never carries megabytes. */
    private static final int MAX_BATCH_CHARS = 1 << 20;
    private static final Logger LOG = Logger.getLogger(RouteBatcher.class);

    private record Pending(Envelope envelope, String encoded, UniEmitter<? super String> emitter) {
    }

    private final RedisScripts scripts;
    private final PodIdentity identity;
    private final String bufferMax;
    private final String bufferTtl;
    private final int maxBatch;
    private final int maxQueued;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** Whether a route call is out; the next one goes when it is answered. */
    private boolean calling;

    public RouteBatcher(RedisScripts scripts, PodIdentity identity, SignalingConfig config) {
        this.scripts = scripts;
        this.identity = identity;
        this.bufferMax = Integer.toString(config.resumeBufferMax());
        this.bufferTtl = Long.toString(bufferTtlMillis(config));
        this.maxBatch = config.routeBatch().maxMessages();
        this.maxQueued = config.routeBatch().maxQueued();
    }

    /** How long a resume buffer outlives its last message: past both the resume grace and a pod's presence. */
    private static long bufferTtlMillis(SignalingConfig config) {
        return Math.max(config.resumeGrace().toMillis(), config.presenceTtl().toMillis()) * 2;
    }

    /** Most messages a resume buffer keeps, as the scripts take it. */
    String bufferMax() {
        return bufferMax;
    }

    /** A resume buffer's expiry in milliseconds, as the scripts take it. */
    String bufferTtl() {
        return bufferTtl;
    }

    /** The routing outcome of {@code envelope}: gone, local, sent, buffered or full. */
    public Uni<String> route(Envelope envelope) {
        String encoded = envelope.encode();
        return Uni.createFrom().emitter(emitter -> {
            boolean start;
            synchronized (this) {
                if (queue.size() >= maxQueued) {
                    emitter.fail(new RejectedExecutionException("routing queue full"));
                    return;
                }
                queue.add(new Pending(envelope, encoded, emitter));
                start = !calling;
                calling = true;
            }
            if (start) {
                sendNext();
            }
        });
    }

    /** Sends what is queued, up to a batch; when it is answered, the next batch goes (or calling ends). */
    private void sendNext() {
        List<Pending> batch;
        synchronized (this) {
            if (queue.isEmpty()) {
                calling = false;
                return;
            }
            batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
            int chars = 0;
            while (!queue.isEmpty() && batch.size() < maxBatch && chars < MAX_BATCH_CHARS) {
                Pending next = queue.poll();
                chars += next.encoded().length();
                batch.add(next);
            }
        }
        List<String> keys = new ArrayList<>(batch.size() * 2);
        List<String> args = new ArrayList<>(3 + batch.size() * 2);
        args.add(identity.podId());
        args.add(bufferMax);
        args.add(bufferTtl);
        for (Pending pending : batch) {
            keys.add(RedisKeys.peer(pending.envelope().to()));
            keys.add(RedisKeys.buffer(pending.envelope().to()));
            args.add(pending.envelope().site());
            args.add(pending.encoded());
        }
        Uni<Response> call;
        try {
            call = scripts.run(RedisScripts.ROUTE, keys, args);
        } catch (RuntimeException e) {
            call = Uni.createFrom().failure(e);
        }
        // Whatever the answer, the next batch goes after it: the route queue never stalls.
        call.subscribe().with(
                response -> {
                    answer(batch, response);
                    sendNext();
                },
                failure -> {
                    for (Pending pending : batch) {
                        complete(pending, null, failure);
                    }
                    sendNext();
                });
    }

    private static void answer(List<Pending> batch, Response response) {
        for (int i = 0; i < batch.size(); i++) {
            Response outcome = response != null && i < response.size() ? response.get(i) : null;
            if (outcome == null) {
                complete(batch.get(i), null, new IllegalStateException("route script gave no outcome"));
            } else {
                complete(batch.get(i), outcome.toString(), null);
            }
        }
    }

    /**
     * Answers here, in queue order, not on each sender's own context: a hop per message would wake its
     * event loop, and the order of one sender's outcomes (a follow-up such as a local delivery for
     * {@code local}) is the order of the queue only while they are given one after the other.
     */
    private static void complete(Pending pending, String outcome, Throwable failure) {
        try {
            if (failure == null) {
                pending.emitter().complete(outcome);
            } else {
                pending.emitter().fail(failure);
            }
        } catch (RuntimeException e) {
            // one sender's continuation must not keep the rest of the batch from its answers
            LOG.debugf("route outcome handler failed: %s", e.toString());
        }
    }
}

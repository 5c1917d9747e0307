package io.c2c.signaling.routing;

import io.c2c.signaling.config.SignalingConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Singleton;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * Routes messages through Redis in batches ({@link RedisScripts#ROUTE}): while a few route calls
 * are in flight, the messages that come meanwhile wait and go together in the next one, so under
 * load one Redis call and one publish per destination pod carry many messages, and under light
 * load a message goes at once. Each sender waits for its message's outcome before routing its
 * next one (see the endpoint), so batching never reorders one sender's messages.
 * A {@code @Singleton}, injected without a client proxy: it is on every message's path.
 */
@Singleton
public class RouteBatcher {

    /** A batch stops growing past this many envelope characters, so one call never carries megabytes. */
    private static final int MAX_BATCH_CHARS = 1 << 20;

    private record Pending(Envelope envelope, String encoded, Context context, UniEmitter<? super String> emitter) {
    }

    private final RedisScripts scripts;
    private final PodIdentity identity;
    private final String bufferMax;
    private final String bufferTtl;
    private final int maxBatch;
    private final int maxInFlight;
    private final int maxQueued;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int inFlight;

    public RouteBatcher(RedisScripts scripts, PodIdentity identity, SignalingConfig config) {
        this.scripts = scripts;
        this.identity = identity;
        this.bufferMax = Integer.toString(config.resumeBufferMax());
        this.bufferTtl = Long.toString(bufferTtlMillis(config));
        this.maxBatch = config.routeBatch().maxMessages();
        this.maxInFlight = config.routeBatch().maxInFlight();
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
                queue.add(new Pending(envelope, encoded, Vertx.currentContext(), emitter));
                start = inFlight < maxInFlight;
                if (start) {
                    inFlight++;
                }
            }
            if (start) {
                sendNext();
            }
        });
    }

    /** Sends what is queued, up to a batch; when it is answered, the next batch goes (or the slot is freed). */
    private void sendNext() {
        List<Pending> batch;
        synchronized (this) {
            if (queue.isEmpty()) {
                inFlight--;
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
        // Whatever the answer, this slot goes on with the next batch: a slot is never lost.
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

    /** Answers on the sender's own context, where its connection's handlers run. */
    private static void complete(Pending pending, String outcome, Throwable failure) {
        Runnable answer = failure == null ? () -> pending.emitter().complete(outcome) : () -> pending.emitter().fail(failure);
        Context context = pending.context();
        if (context == null || context == Vertx.currentContext()) {
            answer.run();
        } else {
            context.runOnContext(ignored -> answer.run());
        }
    }
}

package io.c2c.discovery.messaging;

import io.c2c.contracts.UnsupportedSchemaException;
import io.c2c.contracts.event.PeerEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Decodes a polled batch of record values on several threads. JSON decoding (with the contract
 * records' validation) is most of the ingest cost, while applying to the index is cheap and must
 * stay in order on one thread; so the batch is cut into contiguous slices decoded in parallel,
 * and the caller applies the results in record order. A value that cannot be decoded yields
 * null at its position (counted and skipped by the caller), never an exception.
 */
public final class BatchDecoder implements AutoCloseable {

    private static final int MIN_SLICE = 64;

    private final int threads;
    private final ExecutorService pool;

    public BatchDecoder(int threads) {
        this.threads = Math.max(1, threads);
        this.pool = this.threads == 1 ? null : Executors.newFixedThreadPool(this.threads - 1, r -> {
            Thread t = new Thread(r, "peer-events-decode");
            t.setDaemon(true);
            return t;
        });
    }

    /** Decoded events in input order; null where a value is undecodable. */
    public PeerEvent[] decode(List<byte[]> values) {
        int n = values.size();
        PeerEvent[] out = new PeerEvent[n];
        int slices = Math.min(threads, Math.max(1, n / MIN_SLICE));
        if (slices == 1) {
            decodeRange(values, out, 0, n);
            return out;
        }
        int size = (n + slices - 1) / slices;
        List<Future<?>> pending = new ArrayList<>(slices - 1);
        for (int s = 1; s < slices; s++) {
            int from = s * size;
            int to = Math.min(n, from + size);
            Callable<Void> task = () -> {
                decodeRange(values, out, from, to);
                return null;
            };
            pending.add(pool.submit(task));
        }
        decodeRange(values, out, 0, Math.min(n, size));
        for (Future<?> f : pending) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while decoding", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("decoding failed", e.getCause());
            }
        }
        return out;
    }

    private static void decodeRange(List<byte[]> values, PeerEvent[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            try {
                // PeerEvent.decode returns null for the JSON literal null: treated as undecodable too.
                out[i] = PeerEvent.decode(values.get(i));
            } catch (UnsupportedSchemaException e) {
                out[i] = null;
            }
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}

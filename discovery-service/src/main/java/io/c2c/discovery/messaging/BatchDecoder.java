package io.c2c.discovery.messaging;

import io.c2c.contracts.event.PeerEvent;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Decodes a polled batch of record values on worker threads. JSON decoding (with the contract
 * records' validation) is most of the ingest cost, while applying to the index is cheap and must
 * stay in order on one thread; so the batch is cut into contiguous slices decoded in parallel,
 * and the caller applies the results in record order. {@link #submit} returns at once, so the
 * consumer thread can poll and apply the previous batch meanwhile ({@link IngestPipeline}). A
 * value that cannot be decoded yields null at its position (counted and skipped by the caller),
 * never an exception.
 */
public final class BatchDecoder implements AutoCloseable {

    private static final int MIN_SLICE = 64;

    private final int threads;
    private final ExecutorService pool;

    public BatchDecoder(int threads) {
        this.threads = Math.max(1, threads);
        this.pool = Executors.newFixedThreadPool(this.threads, r -> {
            Thread t = new Thread(r, "peer-events-decode");
            t.setDaemon(true);
            return t;
        });
    }

    /** Decoded events in input order; null where a value is undecodable. Blocks until done. */
    public PeerEvent[] decode(List<byte[]> values) {
        return submit(values).await();
    }

    /** Starts decoding {@code values} on the worker threads; the list must not change until awaited. */
    public Decoding submit(List<byte[]> values) {
        int n = values.size();
        PeerEvent[] out = new PeerEvent[n];
        int slices = Math.min(threads, Math.max(1, n / MIN_SLICE));
        int size = n == 0 ? 0 : (n + slices - 1) / slices;
        Future<?>[] pending = new Future<?>[n == 0 ? 0 : slices];
        for (int s = 0; s < pending.length; s++) {
            int from = s * size;
            int to = Math.min(n, from + size);
            pending[s] = pool.submit(() -> decodeRange(values, out, from, to));
        }
        return new Decoding(out, pending);
    }

    /** A batch being decoded. */
    public static final class Decoding {

        private final PeerEvent[] out;
        private final Future<?>[] pending;

        private Decoding(PeerEvent[] out, Future<?>[] pending) {
            this.out = out;
            this.pending = pending;
        }

        /** The decoded events in input order (null where undecodable), once every slice is done. */
        public PeerEvent[] await() {
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
    }

    private static void decodeRange(List<byte[]> values, PeerEvent[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            try {
                // PeerEvent.decode returns null for the JSON literal null: treated as undecodable too.
                out[i] = PeerEvent.decode(values.get(i));
            } catch (RuntimeException e) {
                // UnsupportedSchemaException for bad data; anything else is a decoder bug, which must
                // cost this record only, not the slice behind it.
                out[i] = null;
            }
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}

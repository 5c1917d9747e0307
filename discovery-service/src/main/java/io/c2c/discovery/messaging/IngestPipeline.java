package io.c2c.discovery.messaging;

import io.c2c.contracts.event.PeerEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * Overlaps the three stages of ingest with one batch in flight: while the worker threads decode
 * batch N, the consumer thread applies batch N-1 and polls batch N+1. Decoding is pure, so it may
 * run anywhere; applying stays on the consumer thread and in record order, so the index keeps a
 * single writer and per-site order within a partition holds exactly as without the pipeline.
 *
 * <p>The consumer thread must {@link #flush} before anything that has to see every polled record
 * applied: a rebalance callback (dropping or rebuilding a partition), a lag check (readiness means
 * "caught up" with what is applied, not with what is fetched), an eviction sweep. A partition's
 * position is handed to the sink only after the records before it are applied. Not thread-safe:
 * one consumer thread uses it.
 */
public final class IngestPipeline {

    /** Receives the records of each batch in order, on the consumer thread. */
    public interface Sink {

        /** One record, {@code event} null when it cannot be decoded; {@code now} is read once per batch. */
        void apply(ConsumerRecord<String, byte[]> record, PeerEvent event, long now);

        /** Every record of {@code partition} before {@code position} is applied. */
        void applied(TopicPartition partition, long position);
    }

    private final BatchDecoder decoder;
    private final Sink sink;
    private Batch inFlight;

    public IngestPipeline(BatchDecoder decoder, Sink sink) {
        this.decoder = decoder;
        this.sink = sink;
    }

    /** Whether no batch waits to be applied (then the next poll may block; otherwise it should not). */
    public boolean idle() {
        return inFlight == null;
    }

    /**
     * Starts decoding {@code records}, then applies the batch before them while they decode.
     *
     * @param positions the consumer's position per partition of {@code records}, read right after the poll
     */
    public void accept(ConsumerRecords<String, byte[]> records, Map<TopicPartition, Long> positions) {
        Batch next = null;
        if (!records.isEmpty()) {
            List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(records.count());
            List<byte[]> values = new ArrayList<>(records.count());
            for (ConsumerRecord<String, byte[]> record : records) {
                batch.add(record);
                values.add(record.value());
            }
            next = new Batch(batch, decoder.submit(values), new HashMap<>(positions));
        }
        flush();
        inFlight = next;
    }

    /** Applies the batch in flight, if any, waiting for its decoding. */
    public void flush() {
        Batch batch = inFlight;
        // Cleared first: the sink may cause a re-entrant flush, and a batch must be applied once.
        inFlight = null;
        if (batch == null) {
            return;
        }
        PeerEvent[] events = batch.decoding.await();
        long now = System.currentTimeMillis();
        for (int i = 0; i < events.length; i++) {
            sink.apply(batch.records.get(i), events[i], now);
        }
        for (Map.Entry<TopicPartition, Long> position : batch.positions.entrySet()) {
            sink.applied(position.getKey(), position.getValue());
        }
    }

    private record Batch(List<ConsumerRecord<String, byte[]>> records, BatchDecoder.Decoding decoding,
                         Map<TopicPartition, Long> positions) {
    }
}

package io.c2c.contracts;

/** Kafka topic names shared by producers and consumers; see docs/architecture.md for their settings. */
public final class Topics {

    /** Compacted, key = site id: the durable source of truth of registrations, domains and manifests. */
    public static final String SITES = "sites";

    /** Key = site id: joins, leaves, asset announcements and heartbeats from signaling to discovery. */
    public static final String PEER_EVENTS = "peer-events";

    private Topics() {
    }
}

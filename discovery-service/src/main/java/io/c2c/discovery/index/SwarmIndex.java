package io.c2c.discovery.index;

import io.c2c.contracts.event.PeerEvent;
import io.c2c.contracts.event.PeerLeft;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Live peers per site, as far as the consumed events tell. Events are applied idempotently and
 * tolerate reordering: each peer keeps the time of the newest event applied, and an older event
 * (a late join after a leave) changes nothing.
 */
@ApplicationScoped
public class SwarmIndex {

    /** site id -> peer id -> occurredAt of the newest event; negative when the newest said "left". */
    private final Map<String, Map<String, Long>> sites = new ConcurrentHashMap<>();

    public void apply(PeerEvent event) {
        Map<String, Long> peers = sites.computeIfAbsent(event.siteId(), site -> new ConcurrentHashMap<>());
        long stamp = event instanceof PeerLeft ? -event.occurredAt() : event.occurredAt();
        peers.merge(event.peerId(), stamp, (current, candidate) ->
                Math.abs(candidate) >= Math.abs(current) ? candidate : current);
    }

    public int livePeers(String siteId) {
        Map<String, Long> peers = sites.get(siteId);
        if (peers == null) {
            return 0;
        }
        return (int) peers.values().stream().filter(stamp -> stamp > 0).count();
    }
}

package io.c2c.discovery.service;

import io.c2c.discovery.client.OwnerDirectory;
import io.c2c.discovery.index.PeerMatch;
import io.c2c.discovery.index.SiteIndex;
import io.c2c.discovery.index.SwarmIndex;
import io.c2c.discovery.messaging.FeedStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Decides where a site's query is answered (here, when this instance owns the site's partition;
 * otherwise at the owner, found through the consumer group) and answers local ones from the index.
 */
@ApplicationScoped
public class PeerQueryService {

    /** Where a query goes. */
    public sealed interface Route permits Local, Remote {
    }

    /** Answer here; {@code stale} when the broker is unreachable or the partition is still rebuilding. */
    public record Local(boolean stale) implements Route {
    }

    /** Forward to the owner's base URL. */
    public record Remote(String ownerUrl) implements Route {
    }

    private final SwarmIndex index;
    private final FeedStatus feed;
    private final OwnerDirectory owners;

    public PeerQueryService(SwarmIndex index, FeedStatus feed, OwnerDirectory owners) {
        this.index = index;
        this.feed = feed;
        this.owners = owners;
    }

    /**
     * @param forwarded whether another instance already forwarded this request (then it is never
     *                  forwarded again: ownership moved in between, the caller retries)
     */
    public Route route(String siteId, boolean forwarded) {
        int partitions = feed.partitionCount();
        if (partitions == 0) {
            throw ProblemException.unavailable("this instance has not reached Kafka yet; retry shortly");
        }
        int partition = SitePartitioner.partition(siteId, partitions);
        if (feed.owns(partition)) {
            return new Local(feed.stale(System.currentTimeMillis()) || !feed.caughtUp(partition));
        }
        if (forwarded) {
            throw ProblemException.unavailable("partition " + partition + " is moving between instances; retry");
        }
        return owners.ownerOf(partition).<Route>map(Remote::new).orElseThrow(() ->
                ProblemException.unavailable("no instance owns partition " + partition + " right now; retry"));
    }

    /** Forget cached owners after a failed forward. */
    public void ownerFailed() {
        owners.invalidate();
    }

    public List<PeerMatch> nearPeers(String siteId, String hash, String near, int limit) {
        SiteIndex site = index.site(siteId);
        return site == null ? List.of() : site.nearPeers(near, hash, limit);
    }
}

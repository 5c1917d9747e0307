package io.c2c.signaling.stats.service;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A site's owner figures over the last {@code minutes}: visitor-reported, summed over all pods. */
@Schema(name = "SiteStats")
public record SiteStats(String siteId, long peersOnline, int minutes, Totals totals, List<Minute> series) {

    /** Sums over the whole window; {@code peerShare} = peer bytes / (peer + origin bytes), 0 when nothing moved. */
    @Schema(name = "SiteStatsTotals")
    public record Totals(long peerBytes, long originBytes, long uploadedBytes, double peerShare,
                         Map<String, Long> connectionsByType, Map<String, Long> failuresByReason) {
    }

    /** One minute of the window, starting at {@code start} (epoch ms); minutes without reports are zeros. */
    @Schema(name = "SiteStatsMinute")
    public record Minute(long start, long peerBytes, long originBytes, long uploadedBytes) {
    }
}

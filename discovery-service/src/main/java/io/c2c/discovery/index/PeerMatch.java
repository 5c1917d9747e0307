package io.c2c.discovery.index;

import io.c2c.discovery.ranking.Reason;

/** One ranked answer to "who near me holds this asset". {@code rttEstimateMs} is null when unknown. */
public record PeerMatch(String peerId, Reason reason, Double rttEstimateMs) {
}

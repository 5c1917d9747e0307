package io.c2c.discovery.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One ranked peer in an answer; {@code rttEstimateMs} is absent when no estimate exists. */
public record PeerView(String peerId, String reason,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Double rttEstimateMs) {
}

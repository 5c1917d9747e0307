package io.c2c.signaling.site;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What an owner sends to register or replace a site; checked by {@code SiteValidator} before anything is stored. */
@Schema(name = "SiteRequest")
public record SiteRequest(
        @Schema(description = "Host names the site is served under (IDNs accepted, stored in punycode)",
                examples = "[\"www.example.com\"]", required = true) List<String> domains,
        @Schema(description = "Where the real files live: http(s)://host[:port][/base-path]",
                examples = "https://origin.example.com", required = true) String origin,
        @Schema(description = "Peer-to-peer settings; omitted fields take the defaults") SettingsRequest settings) {

    /** Peer-to-peer settings; every field is optional. */
    @Schema(name = "SiteSettings")
    public record SettingsRequest(
            @Schema(description = "Serve from peers at all (default true)") Boolean p2pEnabled,
            @Schema(description = "Most a visitor uploads to others, bytes/s (default 262144)") Long uploadCapBytesPerSecond,
            @Schema(description = "Larger files always come from the origin, bytes (default 64 MiB)") Long maxP2pFileBytes,
            @Schema(description = "Path prefixes served peer-to-peer; empty = all") List<String> allowedPaths,
            @Schema(description = "How a visitor's Global Privacy Control signal is honoured: no-upload (default: "
                    + "the visitor never uploads to others), origin-only (no part in the swarm at all) or ignore",
                    enumeration = {"no-upload", "origin-only", "ignore"}) String globalPrivacyControl) {

        /** Without the Global Privacy Control setting (the default applies). */
        public SettingsRequest(Boolean p2pEnabled, Long uploadCapBytesPerSecond, Long maxP2pFileBytes,
                               List<String> allowedPaths) {
            this(p2pEnabled, uploadCapBytesPerSecond, maxP2pFileBytes, allowedPaths, null);
        }
    }
}

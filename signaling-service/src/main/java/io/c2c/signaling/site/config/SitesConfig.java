package io.c2c.signaling.site.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Typed configuration of the site registry, ownership proof and collect ({@code c2c.sites.*}). Every knob is
 * listed with its default in application.properties and in docs/sites.md.
 */
@ConfigMapping(prefix = "c2c.sites")
public interface SitesConfig {

    /** When set, creating an owner account needs this value in the {@code X-C2C-Signup-Token} header. */
    Optional<String> signupToken();

    /**
     * Host names (without port) the owner API answers on, e.g. {@code api.c2c.example}; other hosts get 404 so a
     * customer's domain pointed at the platform never exposes it. Empty: every host (local runs).
     */
    Optional<List<String>> apiHosts();

    /**
     * Local run only (refused unless the {@code local} profile is active): {@code *.localhost} domains may be
     * registered and are verified without a proof, for the demo site of {@code ./c2c up}. See {@link LocalDemo}.
     */
    @WithDefault("false")
    boolean localDemo();

    /** Largest request body the owner API accepts (bytes); larger requests get 413. */
    @WithDefault("65536")
    int maxRequestBytes();

    Registry registry();

    Limits limits();

    Verify verify();

    Fetch fetch();

    Collect collect();

    Proxy proxy();

    Idempotency idempotency();

    /** {@code Idempotency-Key} on site creation: a retried request creates one site, not two. */
    interface Idempotency {

        /** How long a key is remembered (per owner); a retry after that may no longer be recognized. */
        @WithDefault("24h")
        Duration retention();
    }

    ReverseProxy reverseProxy();

    /**
     * The reverse proxy for a verified site's own paths: every request the front door does not answer itself
     * (other methods, paths outside the manifest, queries) goes to the site's registered origin, and only there.
     */
    interface ReverseProxy {

        /** Largest request body passed to the origin (bytes); larger bodies get 413. */
        @WithDefault("10485760")
        long maxRequestBytes();

        /** Largest response body passed back (bytes); a longer one is cut by resetting the stream. */
        @WithDefault("1073741824")
        long maxResponseBytes();

        /** Longest wait for the origin's response head once the request body is sent; then 504. */
        @WithDefault("30s")
        Duration responseTimeout();

        /** Longest pause in either body (the visitor's upload or the origin's download) before giving up. */
        @WithDefault("30s")
        Duration idleTimeout();

        /** Forwarded requests in flight on this pod; more get 503. */
        @WithDefault("512")
        int maxConcurrent();

        /** Pooled connections per origin address. */
        @WithDefault("64")
        int maxConnectionsPerOrigin();
    }

    /** The origin fallback proxy {@code GET /_c2c/origin/<path>}. */
    interface Proxy {

        /** Proxied requests in flight on this pod; more get 503. */
        @WithDefault("256")
        int maxConcurrent();

        /** Longest a proxied request may stay idle (no bytes from the origin). */
        @WithDefault("30s")
        Duration idleTimeout();
    }

    /** The durable registry: the compacted {@code sites} topic and this pod's in-memory view of it. */
    interface Registry {

        /** Topic holding sites, owners and manifests. */
        @WithDefault("sites")
        String topic();

        /** How long a write waits for the broker's ack and for this pod's view to apply it. */
        @WithDefault("10s")
        Duration writeTimeout();

        /** Pause between attempts to reach Kafka while the view cannot start following the topic. */
        @WithDefault("2s")
        Duration retryBackoff();
    }

    /** Bounds of what one owner may register. */
    interface Limits {

        @WithDefault("100")
        int maxSitesPerOwner();

        @WithDefault("20")
        int maxDomainsPerSite();

        @WithDefault("64")
        int maxAllowedPaths();

        /** Upper bound of a site's per-visitor upload cap (bytes per second). */
        @WithDefault("1073741824")
        long maxUploadCapBytesPerSecond();

        /** Upper bound of a site's largest file served peer-to-peer (bytes). */
        @WithDefault("4294967296")
        long maxP2pFileBytes();
    }

    /** Ownership proof. */
    interface Verify {

        /**
         * DNS server ({@code host:port}) asked for {@code _c2c-challenge} TXT records and, for the well-known file
         * check, the domain's A records; empty means the system's resolver.
         */
        Optional<String> dnsServer();

        @WithDefault("3s")
        Duration dnsTimeout();

        /** Port of {@code http://<domain>/.well-known/c2c-challenge}; 80 in production, the test origin's in tests. */
        @WithDefault("80")
        int wellKnownPort();
    }

    /** Every outbound HTTP request to an origin (collect, well-known check). */
    interface Fetch {

        /**
         * CIDRs that may be fetched although they are loopback/private/link-local (operator allow-list, e.g.
         * {@code 127.0.0.0/8} in tests); empty in production, so the platform never fetches internal addresses.
         */
        Optional<List<String>> allowedPrivateCidrs();

        @WithDefault("5s")
        Duration connectTimeout();

        /** Longest one request may take, body included. */
        @WithDefault("30s")
        Duration requestTimeout();

        /** Redirects followed per file; each must stay on the origin's host and use http(s). */
        @WithDefault("5")
        int maxRedirects();
    }

    /** Bounds of one collect run. */
    interface Collect {

        @WithDefault("1000")
        int maxFiles();

        @WithDefault("67108864")
        long maxFileBytes();

        @WithDefault("536870912")
        long maxTotalBytes();

        @WithDefault("120s")
        Duration maxDuration();

        /** Size of a hashed chunk (bytes); see docs/sites.md for why 256 KiB. */
        @WithDefault("262144")
        int chunkSize();

        /** Largest sitemap read (bytes). */
        @WithDefault("1048576")
        int maxSitemapBytes();

        /** Largest encoded manifest (bytes); must stay below the broker's message size limit. */
        @WithDefault("900000")
        int maxManifestBytes();

        /**
         * Most manifest versions kept per site, the current one included, whatever their use (bounds memory);
         * below it, a superseded version is kept until unused for {@link #unusedManifestGrace()}.
         */
        @WithDefault("5")
        int retainedManifests();

        /** How long a superseded manifest version stays after its last use by a visitor (or its supersession). */
        @WithDefault("1h")
        Duration unusedManifestGrace();

        /** Each pod records a version's use in Redis at most once per this interval. */
        @WithDefault("60s")
        Duration manifestUseInterval();

        /** How often every pod deletes the versions that are due (after each collect too). */
        @WithDefault("5m")
        Duration retentionSweepInterval();

        /** Collect runs at once on this pod; more get 503. */
        @WithDefault("2")
        int maxConcurrent();
    }
}

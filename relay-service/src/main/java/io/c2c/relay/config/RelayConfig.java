package io.c2c.relay.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Typed configuration of a relay node ({@code c2c.relay.*}); every knob is documented in docs/relay.md. */
@ConfigMapping(prefix = "c2c.relay")
public interface RelayConfig {

    /** Id of this node in the registry; defaults to the host name plus a random suffix. */
    Optional<String> nodeId();

    /** The address clients reach this node at (in Kubernetes: the node's public IP). */
    String publicAddress();

    /** Local address the STUN/TURN UDP and TCP listeners bind to. */
    @WithDefault("127.0.0.1")
    String listenAddress();

    /**
     * Local IPv6 address of a second STUN/TURN listener pair (UDP and TCP, on the same port), for clients
     * that reach the node over IPv6; none by default.
     */
    @WithName("listen-address-v6")
    Optional<String> listenAddressV6();

    /**
     * The IPv6 address of IPv6 relayed transport addresses (RFC 6156), as peers and clients reach it;
     * defaults to {@code relay.bind-address-v6}.
     */
    @WithName("public-address-v6")
    Optional<String> publicAddressV6();

    /** STUN/TURN listening port, UDP and TCP. */
    @WithDefault("3478")
    int listenPort();

    /** Whether the STUN/TURN listeners start (off only for tooling that needs the HTTP API alone). */
    @WithDefault("true")
    boolean listenersEnabled();

    /** Region name used to pick a node near the peer. */
    @WithDefault("local")
    String region();

    /** How often the node refreshes its registry entry. */
    @WithDefault("5s")
    Duration heartbeatInterval();

    /** Lifetime of the registry entry without a refresh: a crashed node drops out after it. */
    @WithDefault("15s")
    Duration nodeTtl();

    /** SOFTWARE attribute in responses; empty sends none. */
    @WithDefault("c2c-relay")
    String software();

    Auth auth();

    Relay relay();

    Quota quota();

    Api api();

    /** How long draining waits for live allocations to end before the node exits anyway. */
    @WithDefault("60s")
    Duration drainTimeout();

    /** Long-term credentials (RFC 8489 section 9.2) with TURN REST API usernames. */
    interface Auth {

        /** Realm sent in 401 answers and used in the key derivation. */
        @WithDefault("c2c")
        String realm();

        /**
         * Shared secrets: the first signs new credentials, all are accepted (rotation: add the new one
         * first, remove the old one after the credential TTL).
         */
        List<String> secrets();

        /** Lifetime of the credentials the ice-servers endpoint issues. */
        @WithDefault("1h")
        Duration credentialTtl();

        /** How long a nonce stays valid before the client gets 438 Stale Nonce. */
        @WithDefault("10m")
        Duration nonceLifetime();

        /** 401 answers allowed per second per source IP; beyond it requests are dropped. */
        @WithDefault("20")
        int unauthorizedPerSecond();
    }

    /** Relayed transport addresses and their lifetimes (RFC 8656). */
    interface Relay {

        /** Local address relay sockets bind to; defaults to the listen address. */
        Optional<String> bindAddress();

        /**
         * Local IPv6 address of IPv6 relay sockets (RFC 6156). Unset, IPv6 relaying is off and an Allocate
         * asking for it gets 440 Address Family not Supported.
         */
        @WithName("bind-address-v6")
        Optional<String> bindAddressV6();

        /** First port of the relay port range. */
        @WithDefault("49152")
        int minPort();

        /** Last port of the relay port range (inclusive). */
        @WithDefault("65535")
        int maxPort();

        /** Allocation lifetime when the client asks for none (RFC 8656: 10 minutes). */
        @WithDefault("600s")
        Duration defaultLifetime();

        /** Longest allocation lifetime granted (RFC 8656: 3600 s recommended). */
        @WithDefault("3600s")
        Duration maxLifetime();

        /** Permission lifetime (RFC 8656: 300 s, fixed). */
        @WithDefault("300s")
        Duration permissionLifetime();

        /** Channel binding lifetime (RFC 8656: 600 s). */
        @WithDefault("600s")
        Duration channelLifetime();

        /** How often expired allocations, permissions and channels are swept. */
        @WithDefault("1s")
        Duration sweepInterval();

        /**
         * CIDRs of peer addresses that are relayed to even though the deny list forbids them
         * (e.g. 127.0.0.1/32 in tests). Empty by default: nothing forbidden is opened.
         */
        Optional<List<String>> allowedPeers();

        /** Largest frame accepted from a TCP client, bytes (a STUN message or padded ChannelData). */
        @WithDefault("65540")
        int maxTcpFrame();

        /** A TCP client connection without any traffic for this long is closed. */
        @WithDefault("10m")
        Duration tcpIdleTimeout();

        /** At most this many TCP client connections at once. */
        @WithDefault("10000")
        int maxTcpConnections();
    }

    /** Quotas; exceeding them answers 486 (per user/site) or 508 (per node), or drops packets (bandwidth). */
    interface Quota {

        /** Live allocations per TURN username (one peer). */
        @WithDefault("10")
        int allocationsPerUser();

        /** Live allocations per site across its peers on this node. */
        @WithDefault("1000")
        int allocationsPerSite();

        /** Live allocations on this node. */
        @WithDefault("10000")
        int allocationsPerNode();

        /** Bytes per second relayed per allocation each way; 0 = unlimited. Bursts of one second are allowed. */
        @WithDefault("5000000")
        long bandwidthPerAllocation();
    }

    /** The internal HTTP API (ice-servers for signaling-service, admin calls). */
    interface Api {

        /**
         * Bearer tokens callers may present (comma-separated; there is no default on purpose). Several are accepted
         * at once for rotation: add the new one, switch the callers, then remove the old one.
         */
        @WithName("internal-token")
        List<String> internalTokens();
    }
}

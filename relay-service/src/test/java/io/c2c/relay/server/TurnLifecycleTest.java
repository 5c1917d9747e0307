package io.c2c.relay.server;

import static io.c2c.relay.server.TurnTestClient.errorCode;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.c2c.relay.protocol.AttributeType;
import io.c2c.relay.protocol.ErrorCode;
import io.c2c.relay.protocol.Lifetime;
import io.c2c.relay.protocol.StunClass;
import io.c2c.relay.protocol.StunMessage;
import io.c2c.relay.protocol.StunMethod;
import io.c2c.relay.protocol.AlternateServer;
import io.c2c.relay.registry.RelayNodeRegistry;
import io.c2c.relay.service.RelayService;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

/**
 * Allocation lifetimes, allocation end with the TCP connection, and draining (the test profile
 * sweeps every 200 ms). Permission and channel expiry is unit-tested in AllocationExpiryTest: a
 * short permission lifetime here would cut coturn's interop runs short.
 */
@QuarkusTest
class TurnLifecycleTest {

    private static final String TOKEN = "Bearer test-internal-token";

    @Inject
    RelayService relay;

    @Inject
    RedisDataSource redis;

    private InetSocketAddress server() {
        return relay.listeners().udpAddress();
    }

    private static long inAnHour() {
        return System.currentTimeMillis() / 1000 + 3600;
    }

    @Test
    void refreshLifetimeIsCappedAndAShortOneExpires() throws Exception {
        try (TurnTestClient client = TurnTestClient.udp(server())) {
            client.credentials("test-secret-current", inAnHour(), "site-life", "expiring");
            StunMessage allocated = client.allocate(new Lifetime(1));
            assertEquals(600, Lifetime.decode(allocated.attribute(AttributeType.LIFETIME).value()).seconds(),
                    "an Allocate gets at least the default lifetime");
            StunMessage capped = client.request(StunMethod.REFRESH, new Lifetime(86_400));
            assertEquals(3600, Lifetime.decode(capped.attribute(AttributeType.LIFETIME).value()).seconds(), "max 3600 s");
            StunMessage shortened = client.request(StunMethod.REFRESH, new Lifetime(1));
            assertEquals(1, Lifetime.decode(shortened.attribute(AttributeType.LIFETIME).value()).seconds());
            InetSocketAddress tuple = client.localAddress();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> relay.allocations().all().stream()
                    .noneMatch(a -> a.fiveTuple().client().equals(tuple)));
            assertEquals(ErrorCode.ALLOCATION_MISMATCH, errorCode(client.request(StunMethod.REFRESH, new Lifetime(600))));
        }
    }

    @Test
    void closingTheTcpConnectionEndsItsAllocation() throws Exception {
        int before = relay.allocations().count();
        TurnTestClient client = TurnTestClient.tcp(server());
        client.credentials("test-secret-current", inAnHour(), "site-life", "tcp");
        assertEquals(StunClass.SUCCESS, client.allocate().messageClass());
        assertEquals(before + 1, relay.allocations().count());
        client.close();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> relay.allocations().count() == before);
    }

    @Test
    void drainingRefusesNewAllocationsWith508AndKeepsExistingOnes() throws Exception {
        try (TurnTestClient existing = TurnTestClient.udp(server()); TurnTestClient late = TurnTestClient.udp(server())) {
            existing.credentials("test-secret-current", inAnHour(), "site-life", "existing");
            late.credentials("test-secret-current", inAnHour(), "site-life", "late");
            assertEquals(StunClass.SUCCESS, existing.allocate().messageClass());

            given().post("/api/v1/admin/drain").then().statusCode(401);
            given().header("Authorization", TOKEN).post("/api/v1/admin/drain").then().statusCode(202)
                    .body("draining", Matchers.is(true));
            try {
                assertEquals(ErrorCode.INSUFFICIENT_CAPACITY, errorCode(late.allocate()));
                assertEquals(StunClass.SUCCESS, existing.request(StunMethod.REFRESH, new Lifetime(600)).messageClass(),
                        "existing allocations go on");
                given().header("Authorization", TOKEN).get("/api/v1/ice-servers?site=s&peer=p").then().statusCode(503);
            } finally {
                given().header("Authorization", TOKEN).post("/api/v1/admin/resume").then().statusCode(200)
                        .body("draining", Matchers.is(false));
            }
            assertEquals(StunClass.SUCCESS, late.allocate().messageClass());
            late.request(StunMethod.REFRESH, new Lifetime(0));
            existing.request(StunMethod.REFRESH, new Lifetime(0));
        }
    }

    @Test
    void aDrainingNodeSendsNewAllocationsToALiveNodeWith300TryAlternate() throws Exception {
        String other = "lifecycle-alternate";
        String key = RelayNodeRegistry.nodeKey(other);
        redis.hash(String.class).hset(key, Map.of("nodeId", other, "publicAddress", "198.51.100.7", "port", "3478",
                "region", "", "allocations", "0", "relayedBytesPerSecond", "0", "draining", "false",
                "heartbeatAt", Long.toString(System.currentTimeMillis())));
        redis.key().pexpire(key, Duration.ofSeconds(30));
        redis.sortedSet(String.class).zadd(RelayNodeRegistry.NODES_KEY, System.currentTimeMillis(), other);
        try (TurnTestClient late = TurnTestClient.udp(server())) {
            late.credentials("test-secret-current", inAnHour(), "site-life", "redirected");
            given().header("Authorization", TOKEN).post("/api/v1/admin/drain").then().statusCode(202);
            try {
                StunMessage answer = late.allocate();
                assertEquals(ErrorCode.TRY_ALTERNATE, errorCode(answer), "a live node exists: redirect, not 508");
                assertEquals(new InetSocketAddress("198.51.100.7", 3478),
                        AlternateServer.decode(answer.attribute(AttributeType.ALTERNATE_SERVER).value()).address());
            } finally {
                given().header("Authorization", TOKEN).post("/api/v1/admin/resume").then().statusCode(200);
            }
        } finally {
            redis.key().del(key);
            redis.sortedSet(String.class).zrem(RelayNodeRegistry.NODES_KEY, other);
        }
    }
}

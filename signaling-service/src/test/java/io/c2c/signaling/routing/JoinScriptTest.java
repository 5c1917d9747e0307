package io.c2c.signaling.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JOIN script against the real Redis: a retried request gets its first answer; another request does not. */
@QuarkusTest
class JoinScriptTest {

    @Inject
    RedisScripts scripts;

    @Inject
    RedisDataSource redis;

    private String join(String peer, String room, String opId) {
        return scripts.run(RedisScripts.JOIN,
                        List.of(RedisKeys.room("demo", room), RedisKeys.peerRooms(peer), RedisKeys.peer(peer),
                                RedisKeys.roomVersion("demo", room), RedisKeys.joinOp("demo", room, peer)),
                        List.of(peer, room, "8", "4", "60000", opId))
                .await().atMost(Duration.ofSeconds(5)).get(0).toString();
    }

    @Test
    void aRetriedJoinIsAnsweredAsTheFirstRunAndARepeatedJoinAsAgain() {
        String peer = "f".repeat(16) + Long.toHexString(System.nanoTime());
        String room = "retry-" + System.nanoTime();
        redis.hash(String.class).hset(RedisKeys.peer(peer), "site", "demo");
        assertEquals("new", join(peer, room, "op-1"));
        assertEquals("new", join(peer, room, "op-1"), "the same request run twice (a retry): the member is announced");
        assertEquals("again", join(peer, room, "op-2"), "another join of a room the peer is in: nothing to announce");
    }
}

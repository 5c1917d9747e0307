package io.c2c.signaling.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The batched REFRESH script against the real Redis: each peer of the batch gets its whole record,
 * presence and rooms written back, except one that another connection owns by now.
 */
@QuarkusTest
class RefreshScriptTest {

    @Inject
    RedisScripts scripts;

    @Inject
    RedisDataSource redis;

    private final String run = Long.toHexString(System.nanoTime());

    private String id(String name) {
        return (name + run + "0".repeat(32)).substring(0, 32);
    }

    @Test
    void eachPeerOfTheBatchIsWrittenBackUnlessAnotherConnectionOwnsIt() {
        String first = id("a1");
        String taken = id("a2");
        String third = id("a3");
        redis.hash(String.class).hset(RedisKeys.peer(taken), Map.of("site", "demo", "pod", "pod-x", "conn", "someone-else", "state", "c"));
        List<String> keys = new ArrayList<>(List.of(RedisKeys.PRESENCE));
        long deadline = System.currentTimeMillis() + 60_000;
        List<String> args = new ArrayList<>(List.of("pod-" + run, Long.toString(deadline), "60000"));
        Object[][] peers = {
                {first, "conn-1", List.of("r1-" + run, "r2-" + run)},
                {taken, "conn-2", List.of("r1-" + run)},
                {third, "conn-3", List.of()}};
        for (Object[] peer : peers) {
            String id = (String) peer[0];
            @SuppressWarnings("unchecked")
            List<String> rooms = (List<String>) peer[2];
            keys.addAll(List.of(RedisKeys.peer(id), RedisKeys.peerRooms(id), RedisKeys.peerAssets(id)));
            args.addAll(List.of(id, "demo", (String) peer[1], "hash-" + id, Integer.toString(rooms.size())));
            args.addAll(rooms);
        }
        List<Long> outcomes = new ArrayList<>();
        scripts.run(RedisScripts.REFRESH, keys, args).await().atMost(Duration.ofSeconds(5)).forEach(r -> outcomes.add(r.toLong()));

        assertEquals(List.of(1L, 0L, 1L), outcomes);
        assertEquals(Map.of("site", "demo", "pod", "pod-" + run, "conn", "conn-1", "tok", "hash-" + first, "state", "c"),
                redis.hash(String.class).hgetall(RedisKeys.peer(first)));
        assertEquals(Set.of("r1-" + run, "r2-" + run), redis.set(String.class).smembers(RedisKeys.peerRooms(first)));
        assertTrue(redis.set(String.class).smembers(RedisKeys.room("demo", "r1-" + run)).contains(first));
        assertTrue(redis.set(String.class).smembers(RedisKeys.room("demo", "r2-" + run)).contains(first));
        assertTrue(redis.key().pttl(RedisKeys.peer(first)) > 0, "records expire");
        assertEquals("someone-else", redis.hash(String.class).hget(RedisKeys.peer(taken), "conn"), "the owner's record is left alone");
        assertTrue(redis.sortedSet(String.class).zscore(RedisKeys.PRESENCE, taken).isEmpty());
        assertEquals(Set.of(first), redis.set(String.class).smembers(RedisKeys.room("demo", "r1-" + run)));
        assertEquals("pod-" + run, redis.hash(String.class).hget(RedisKeys.peer(third), "pod"));
        assertEquals((double) deadline, redis.sortedSet(String.class).zscore(RedisKeys.PRESENCE, third).orElseThrow());
    }

    @Test
    void aRefreshDoesNotPutBackAPeerThatLeftARoomAfterThePodListedIt() {
        String peer = id("b1");
        String kept = "kept-" + run;
        String left = "left-" + run;
        redis.hash(String.class).hset(RedisKeys.peer(peer), Map.of("site", "demo", "pod", "pod-" + run, "conn", "conn-1", "state", "c"));
        redis.set(String.class).sadd(RedisKeys.peerRooms(peer), kept);
        redis.set(String.class).sadd(RedisKeys.room("demo", kept), peer);
        redis.value(String.class).set(RedisKeys.roomVersion("demo", kept), "3");
        redis.set(String.class).sadd(RedisKeys.room("demo", left), id("b2"));
        long deadline = System.currentTimeMillis() + 60_000;
        // the pod's list still names the room the peer has just left (the LEAVE script ran after the list was taken)
        List<String> keys = List.of(RedisKeys.PRESENCE, RedisKeys.peer(peer), RedisKeys.peerRooms(peer), RedisKeys.peerAssets(peer));
        List<String> args = List.of("pod-" + run, Long.toString(deadline), "60000", peer, "demo", "conn-1", "hash", "2", kept, left);
        List<Long> outcomes = new ArrayList<>();
        scripts.run(RedisScripts.REFRESH, keys, args).await().atMost(Duration.ofSeconds(5)).forEach(r -> outcomes.add(r.toLong()));

        assertEquals(List.of(1L), outcomes);
        assertEquals(Set.of(id("b2")), redis.set(String.class).smembers(RedisKeys.room("demo", left)), "not put back into the room it left");
        assertEquals(Set.of(kept), redis.set(String.class).smembers(RedisKeys.peerRooms(peer)));
        assertTrue(redis.key().pttl(RedisKeys.room("demo", kept)) > 0, "its rooms' expiry is pushed back");
        assertTrue(redis.key().pttl(RedisKeys.roomVersion("demo", kept)) > 0, "and their versions'");
    }
}

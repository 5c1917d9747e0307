package io.c2c.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisServerTest {

    @TempDir
    Path dir;

    @Test
    void answersPingAndComesBackAfterAKill() {
        try (RedisServer redis = RedisServer.start(FreePorts.next(), dir, Duration.ofSeconds(20))) {
            assertTrue(RedisServer.ping(redis.port()));
            assertTrue(RedisServer.running(dir).isPresent());

            redis.kill();
            assertFalse(RedisServer.ping(redis.port()), "a killed server must not answer");
            assertTrue(RedisServer.running(dir).isEmpty());

            redis.restart(Duration.ofSeconds(20));
            assertTrue(RedisServer.ping(redis.port()));
        }
        assertTrue(RedisServer.running(dir).isEmpty(), "close() stops the server");
    }

    @Test
    void pingFailsWhereNothingListens() {
        assertFalse(RedisServer.ping(FreePorts.next()));
    }
}

package io.c2c.discovery.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Input validation and site partitioning: pure functions, no Quarkus needed. */
class QueryInputsTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
            "abc", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg",
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0"})
    void badHashesAreRejected(String hash) {
        ProblemException e = assertThrows(ProblemException.class, () -> QueryValidation.hash(hash));
        assertEquals(400, e.status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "a b", "é", "x?y"})
    void badIdsAreRejected(String id) {
        assertThrows(ProblemException.class, () -> QueryValidation.siteId(id));
        assertThrows(ProblemException.class, () -> QueryValidation.near(id));
    }

    @Test
    void idsLimitsAndDefaults() {
        assertThrows(ProblemException.class, () -> QueryValidation.siteId("s".repeat(129)));
        assertEquals("site-1", QueryValidation.siteId("site-1"));
        assertNull(QueryValidation.near(""));
        assertEquals(10, QueryValidation.limit(null, 10, 50));
        assertEquals(50, QueryValidation.limit(50, 10, 50));
        assertThrows(ProblemException.class, () -> QueryValidation.limit(0, 10, 50));
        assertThrows(ProblemException.class, () -> QueryValidation.limit(51, 10, 50));
    }

    @Test
    void sitePartitionMatchesTheProducersDefaultPartitioner() {
        Random random = new Random(1);
        for (int i = 0; i < 1000; i++) {
            String site = "site-" + Long.toHexString(random.nextLong());
            int partitions = 1 + random.nextInt(64);
            assertEquals(BuiltInPartitioner.partitionForKey(site.getBytes(StandardCharsets.UTF_8), partitions),
                    SitePartitioner.partition(site, partitions), site);
        }
    }
}

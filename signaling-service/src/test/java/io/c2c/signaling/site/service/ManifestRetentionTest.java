package io.c2c.signaling.site.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.c2c.contracts.site.Manifest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pure logic: which manifest versions are due for deletion, table-like cases, no Quarkus or Redis needed. */
class ManifestRetentionTest {

    private static final long HOUR = 3_600_000L;
    private static final long NOW = 100 * HOUR;

    private static String id(char c) {
        return String.valueOf(c).repeat(64);
    }

    /** Versions a (newest, created 10 h ago) ... e (oldest, 50 h ago), ten hours apart. */
    private static final List<Manifest> VERSIONS = List.of(
            Manifest.of(id('a'), "s", 262144, NOW - 10 * HOUR, List.of()),
            Manifest.of(id('b'), "s", 262144, NOW - 20 * HOUR, List.of()),
            Manifest.of(id('c'), "s", 262144, NOW - 30 * HOUR, List.of()),
            Manifest.of(id('d'), "s", 262144, NOW - 40 * HOUR, List.of()),
            Manifest.of(id('e'), "s", 262144, NOW - 50 * HOUR, List.of()));

    @Test
    void unusedVersionsGoOnceTheGraceSinceTheirSupersessionHasPassed() {
        // b was superseded by a 10 h ago: kept with a 12 h grace, due with an 8 h grace; older ones longer ago
        assertEquals(List.of(id('c'), id('d'), id('e')), ManifestRetention.due(VERSIONS, id('a'), Map.of(), NOW,
                12 * HOUR, 10));
        assertEquals(List.of(id('b'), id('c'), id('d'), id('e')), ManifestRetention.due(VERSIONS, id('a'), Map.of(),
                NOW, 8 * HOUR, 10));
    }

    @Test
    void aRecentUseKeepsAnOldVersion() {
        Map<String, Long> uses = Map.of(id('d'), NOW - HOUR, id('c'), NOW - 3 * HOUR);
        assertEquals(List.of(id('b'), id('c'), id('e')), ManifestRetention.due(VERSIONS, id('a'), uses, NOW,
                2 * HOUR, 10));
        // the use is exactly as old as the grace: due
        assertEquals(List.of(id('b'), id('c'), id('d'), id('e')), ManifestRetention.due(VERSIONS, id('a'), uses,
                NOW, HOUR, 10));
    }

    @Test
    void theCurrentVersionIsAlwaysKeptEvenWhenItIsNotTheNewest() {
        // the pointer still names c (the newer ones were published but the site record not moved, or moved back)
        List<String> due = ManifestRetention.due(VERSIONS, id('c'), Map.of(), NOW + 1000 * HOUR, HOUR, 10);
        assertEquals(List.of(id('b'), id('d'), id('e')), due, "the newest non-current one counts as in use now");
    }

    @Test
    void theCapBoundsKeptVersionsNewestFirstWhateverTheirUse() {
        Map<String, Long> allUsed = Map.of(id('b'), NOW, id('c'), NOW, id('d'), NOW, id('e'), NOW);
        assertEquals(List.of(id('d'), id('e')), ManifestRetention.due(VERSIONS, id('a'), allUsed, NOW, HOUR, 3));
        assertEquals(List.of(id('b'), id('c'), id('d'), id('e')), ManifestRetention.due(VERSIONS, id('a'), allUsed,
                NOW, HOUR, 1));
    }

    @Test
    void unknownUsesFallBackToSupersessionTimes() {
        assertEquals(List.of(id('c'), id('d'), id('e')), ManifestRetention.due(VERSIONS, id('a'), null, NOW,
                12 * HOUR, 10));
    }

    @Test
    void aSingleVersionIsNeverDue() {
        assertEquals(List.of(), ManifestRetention.due(VERSIONS.subList(0, 1), id('a'), Map.of(), NOW + 1000 * HOUR,
                HOUR, 1));
    }
}

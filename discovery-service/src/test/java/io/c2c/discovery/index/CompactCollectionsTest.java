package io.c2c.discovery.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The primitive collections under the index, checked against java.util models with random
 * operation sequences (pure data structures: no Quarkus needed).
 */
class CompactCollectionsTest {

    @Test
    void stringIntMapBehavesLikeHashMapUnderRandomOperations() {
        Random random = new Random(42);
        StringIntMap map = new StringIntMap(4);
        Map<String, Integer> model = new HashMap<>();
        for (int step = 0; step < 200_000; step++) {
            String key = "k" + random.nextInt(5_000);
            switch (random.nextInt(3)) {
                case 0 -> {
                    int value = random.nextInt(1_000_000);
                    map.put(key, value);
                    model.put(key, value);
                }
                case 1 -> assertEquals(model.containsKey(key) ? model.remove(key) : StringIntMap.MISSING,
                        map.remove(key));
                default -> assertEquals(model.getOrDefault(key, StringIntMap.MISSING), map.get(key));
            }
            assertEquals(model.size(), map.size());
        }
        for (Map.Entry<String, Integer> e : model.entrySet()) {
            assertEquals(e.getValue(), map.get(e.getKey()));
        }
    }

    @Test
    void peerSetBehavesLikeHashSetAcrossSparseAndDenseForms() {
        Random random = new Random(7);
        int universe = 40_000;
        PeerSet set = new PeerSet();
        Set<Integer> model = new HashSet<>();
        boolean sawDense = false;
        boolean sawSparseAfterDense = false;
        for (int round = 0; round < 6; round++) {
            boolean growing = round % 2 == 0;
            for (int step = 0; step < 60_000; step++) {
                // Shrinking rounds sweep the handle space so that the set really thins out.
                int slot = growing ? random.nextInt(universe) : step % universe;
                if (growing ? random.nextInt(10) < 8 : random.nextInt(1000) < 3) {
                    assertEquals(model.add(slot), set.add(slot, universe));
                } else {
                    assertEquals(model.remove(slot), set.remove(slot, universe));
                }
                if (step % 997 == 0) {
                    int probe = random.nextInt(universe);
                    assertEquals(model.contains(probe), set.contains(probe));
                }
            }
            assertEquals(model.size(), set.size());
            sawDense |= set.isDense();
            sawSparseAfterDense |= sawDense && !set.isDense();
            Set<Integer> scanned = new HashSet<>();
            set.scan(random.nextInt(), Integer.MAX_VALUE, scanned::add);
            assertEquals(model, scanned, "a full scan visits every member exactly once");
        }
        assertTrue(sawDense, "a set holding most of the handle space switches to a bitset");
        assertTrue(sawSparseAfterDense, "and back to a hash set when it thins out");
    }

    @Test
    void boundedScanStopsAtTheLimitAndStartsAtDifferentMembers() {
        PeerSet set = new PeerSet();
        for (int i = 0; i < 1000; i++) {
            set.add(i, 1000);
        }
        int[] visits = new int[1];
        set.scan(0, 10, slot -> ++visits[0] > 0);
        assertEquals(10, visits[0]);
        Set<Integer> firsts = new HashSet<>();
        for (int start = 0; start < 50; start++) {
            int[] first = {-1};
            set.scan(start * 7919, 1, slot -> {
                first[0] = slot;
                return false;
            });
            firsts.add(first[0]);
        }
        assertTrue(firsts.size() > 10, "different starts sample different members: " + firsts.size());
    }

    @Test
    void groupsKeepMembershipAndRecycleEmptyGroups() {
        Groups groups = new Groups(8);
        groups.assign(0, "10.0.0.0/24");
        groups.assign(1, "10.0.0.0/24");
        groups.assign(2, "10.0.1.0/24");
        int a = groups.idOf("10.0.0.0/24");
        assertEquals(2, groups.size(a));
        assertEquals(a, groups.groupOf(1));
        groups.assign(1, "10.0.1.0/24");
        assertEquals(1, groups.size(a));
        Set<Integer> members = new HashSet<>();
        groups.scan(groups.idOf("10.0.1.0/24"), 10, members::add);
        assertEquals(Set.of(1, 2), members);
        groups.remove(0);
        assertEquals(0, groups.idOf("10.0.0.0/24"), "an empty group is forgotten");
        groups.assign(2, null);
        assertEquals(0, groups.groupOf(2));
        assertEquals(1, groups.distinct());
        assertFalse(groups.groupOf(1) == 0);

        // Re-assigning the same value (an equal string, not the same instance) changes nothing; blank means none.
        int b = groups.groupOf(1);
        groups.assign(1, new String("10.0.1.0/24".toCharArray()));
        assertEquals(b, groups.groupOf(1));
        assertEquals(1, groups.size(b));
        groups.assign(1, " ");
        assertEquals(0, groups.groupOf(1));
        assertEquals(0, groups.distinct(), "the last member left: group forgotten");
        groups.assign(1, "10.0.1.0/24");
        groups.assign(3, "10.0.1.0/24");
        assertEquals(2, groups.size(groups.idOf("10.0.1.0/24")));
    }
}

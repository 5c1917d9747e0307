package io.c2c.discovery.ranking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The pure ranking functions, table-driven (no index, no Quarkus: they are plain arithmetic). */
class RankingTest {

    static Stream<Arguments> tiers() {
        // name, asker {prefix, asn, region, country}, candidate {...}, coordinates, expected
        return Stream.of(
                Arguments.of("same prefix beats everything", new int[] {1, 2, 3, 4}, new int[] {1, 2, 3, 4}, true,
                        Reason.SAME_PREFIX),
                Arguments.of("same ASN, other prefix", new int[] {1, 2, 3, 4}, new int[] {9, 2, 3, 4}, true,
                        Reason.SAME_ASN),
                Arguments.of("same region, other ASN", new int[] {1, 2, 3, 4}, new int[] {9, 9, 3, 4}, true,
                        Reason.SAME_REGION),
                Arguments.of("same country only", new int[] {1, 2, 3, 4}, new int[] {9, 9, 9, 4}, true,
                        Reason.SAME_COUNTRY),
                Arguments.of("nothing shared, coordinates", new int[] {1, 2, 3, 4}, new int[] {9, 9, 9, 9}, true,
                        Reason.RTT_ESTIMATE),
                Arguments.of("nothing shared, no coordinates", new int[] {1, 2, 3, 4}, new int[] {9, 9, 9, 9}, false,
                        Reason.CAPACITY),
                Arguments.of("two unknown prefixes never match", new int[] {0, 0, 0, 0}, new int[] {0, 0, 0, 0}, false,
                        Reason.CAPACITY),
                Arguments.of("unknown asker ASN never matches", new int[] {1, 0, 3, 4}, new int[] {9, 0, 3, 4}, true,
                        Reason.SAME_REGION),
                Arguments.of("unknown candidate prefix, same ASN", new int[] {1, 2, 0, 0}, new int[] {0, 2, 0, 0}, true,
                        Reason.SAME_ASN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tiers")
    void nearnessTier(String name, int[] asker, int[] candidate, boolean coordinates, Reason expected) {
        assertEquals(expected.ordinal(), Nearness.tier(asker[0], candidate[0], asker[1], candidate[1], asker[2],
                candidate[2], asker[3], candidate[3], coordinates), name);
    }

    @Test
    void vivaldiIsVectorDistancePlusHeights() {
        int dims = 2;
        float[] coords = {
                0f, 0f, 1f,      // peer 0 at origin, height 1
                3f, 4f, 2f,      // peer 1 at (3,4), height 2
                3f, 4f, Float.NaN // peer 2 has no coordinate
        };
        assertEquals(5 + 1 + 2, Vivaldi.rttMillis(coords, 0, 1, dims), 1e-9);
        assertEquals(Vivaldi.rttMillis(coords, 1, 0, dims), Vivaldi.rttMillis(coords, 0, 1, dims), 1e-9);
        assertEquals(2 * 1, Vivaldi.rttMillis(coords, 0, 0, dims), 1e-9, "distance to itself is both heights");
        assertTrue(Double.isNaN(Vivaldi.rttMillis(coords, 0, 2, dims)));
    }

    @Test
    void topKOrdersByTierThenRttThenSpareCapacity() {
        TopK top = new TopK(4);
        top.offer(10, Reason.RTT_ESTIMATE.ordinal(), 5.0, 100);
        top.offer(11, Reason.SAME_ASN.ordinal(), 40.0, 100);
        top.offer(12, Reason.SAME_ASN.ordinal(), 20.0, 100);
        top.offer(13, Reason.SAME_ASN.ordinal(), Double.NaN, 900);
        top.offer(14, Reason.SAME_PREFIX.ordinal(), 80.0, 1);
        top.offer(15, Reason.CAPACITY.ordinal(), Double.NaN, 1_000_000);
        assertArrayEquals(new int[] {14, 12, 11, 13}, top.slotsInOrder());
        assertEquals(Reason.SAME_ASN.ordinal(), top.worstTier());
    }

    @Test
    void topKBreaksTiesBySpareCapacityThenHandle() {
        TopK top = new TopK(3);
        top.offer(3, Reason.CAPACITY.ordinal(), Double.NaN, 10);
        top.offer(1, Reason.CAPACITY.ordinal(), Double.NaN, 50);
        top.offer(2, Reason.CAPACITY.ordinal(), Double.NaN, 10);
        assertArrayEquals(new int[] {1, 2, 3}, top.slotsInOrder());
        TopK empty = new TopK(0);
        empty.offer(1, 0, 1.0, 1);
        assertEquals(0, empty.size());
    }

    @Test
    void candidatesEqualInEverythingComeInAPerQueryOrderSoLoadSpreads() {
        java.util.Set<Integer> named = new java.util.HashSet<>();
        java.util.Set<String> orders = new java.util.HashSet<>();
        java.util.Random random = new java.util.Random(42);
        for (int query = 0; query < 50; query++) {
            TopK top = new TopK(4, random.nextInt() | 1);
            for (int slot = 0; slot < 40; slot++) {
                top.offer(slot, Reason.SAME_PREFIX.ordinal(), Double.NaN, 1000);
            }
            top.offer(99, Reason.SAME_PREFIX.ordinal(), Double.NaN, 1001); // more spare capacity still wins
            int[] picked = top.slotsInOrder();
            assertEquals(99, picked[0]);
            for (int slot : picked) {
                named.add(slot);
            }
            orders.add(java.util.Arrays.toString(picked));
        }
        assertTrue(named.size() > 30, "50 queries over 40 equal holders name most of them, not the same 3: " + named);
        assertTrue(orders.size() > 40, orders.toString());
        // one salt gives one order, whatever the order of the offers
        TopK forward = new TopK(40, 12345);
        TopK backward = new TopK(40, 12345);
        for (int slot = 0; slot < 40; slot++) {
            forward.offer(slot, 0, Double.NaN, 1);
            backward.offer(39 - slot, 0, Double.NaN, 1);
        }
        assertArrayEquals(forward.slotsInOrder(), backward.slotsInOrder());
    }
}

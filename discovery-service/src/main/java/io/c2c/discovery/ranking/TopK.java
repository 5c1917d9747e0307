package io.c2c.discovery.ranking;

import java.util.Arrays;

/**
 * Keeps the best {@code k} candidates offered, by tier (lower first), then RTT estimate (lower
 * first, unknown last), then spare upload capacity (higher first), then a per-query shuffle of the
 * handles. Without the shuffle, peers equal in everything (one office, no coordinates yet, the same
 * capacity) would be named in handle order, so every visitor would ask the same oldest holders; a salt
 * of 0 keeps plain handle order (tests). Insertion into a sorted array: k is small (bounded by the
 * API), so this beats a heap. Pure and reusable per query.
 */
public final class TopK {

    private final int[] tiers;
    private final double[] rtts;
    private final long[] spares;
    private final int[] slots;
    private final int salt;
    private int size;

    public TopK(int k) {
        this(k, 0);
    }

    /** @param salt a random number per query: equal candidates come in an order that depends on it */
    public TopK(int k, int salt) {
        this.salt = salt;
        tiers = new int[k];
        rtts = new double[k];
        spares = new long[k];
        slots = new int[k];
    }

    public int size() {
        return size;
    }

    public boolean full() {
        return size == slots.length;
    }

    /** The tier of the worst kept candidate, or Integer.MAX_VALUE while not full. */
    public int worstTier() {
        return full() ? tiers[size - 1] : Integer.MAX_VALUE;
    }

    public void offer(int slot, int tier, double rtt, long spare) {
        int k = slots.length;
        if (k == 0) {
            return;
        }
        if (size == k && !better(tier, rtt, spare, slot, size - 1)) {
            return;
        }
        int pos = size == k ? k - 1 : size;
        while (pos > 0 && better(tier, rtt, spare, slot, pos - 1)) {
            tiers[pos] = tiers[pos - 1];
            rtts[pos] = rtts[pos - 1];
            spares[pos] = spares[pos - 1];
            slots[pos] = slots[pos - 1];
            pos--;
        }
        tiers[pos] = tier;
        rtts[pos] = rtt;
        spares[pos] = spare;
        slots[pos] = slot;
        if (size < k) {
            size++;
        }
    }

    private boolean better(int tier, double rtt, long spare, int slot, int i) {
        if (tier != tiers[i]) {
            return tier < tiers[i];
        }
        boolean known = !Double.isNaN(rtt);
        boolean otherKnown = !Double.isNaN(rtts[i]);
        if (known != otherKnown) {
            return known;
        }
        if (known && rtt != rtts[i]) {
            return rtt < rtts[i];
        }
        if (spare != spares[i]) {
            return spare > spares[i];
        }
        return Integer.compareUnsigned(shuffled(slot), shuffled(slots[i])) < 0;
    }

    /** A bijection of the handles that depends on the salt (identity for salt 0): a murmur3 finalizer. */
    private int shuffled(int slot) {
        if (salt == 0) {
            return slot ^ Integer.MIN_VALUE; // unsigned order of a non-negative int is its order
        }
        int h = slot ^ salt;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    public int slot(int i) {
        return slots[i];
    }

    public int tier(int i) {
        return tiers[i];
    }

    public double rtt(int i) {
        return rtts[i];
    }

    public int[] slotsInOrder() {
        return Arrays.copyOf(slots, size);
    }
}

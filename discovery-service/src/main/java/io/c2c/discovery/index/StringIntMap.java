package io.c2c.discovery.index;

import java.util.Arrays;

/**
 * An open-addressing map from strings to non-negative ints (linear probing, backward-shift
 * deletion). It stores one reference and one int per slot, no entry objects and no boxing, which
 * is what keeps a million peer ids per site affordable. Not thread-safe.
 */
final class StringIntMap {

    static final int MISSING = -1;

    private String[] keys;
    private int[] values;
    private int size;
    private int mask;

    StringIntMap(int expected) {
        int capacity = Integer.highestOneBit(Math.max(8, expected * 2 - 1)) << 1;
        keys = new String[capacity];
        values = new int[capacity];
        mask = capacity - 1;
    }

    int size() {
        return size;
    }

    int get(String key) {
        int i = slot(key);
        while (true) {
            String k = keys[i];
            if (k == null) {
                return MISSING;
            }
            if (k.equals(key)) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
    }

    void put(String key, int value) {
        if ((size + 1) * 4 > keys.length * 3) {
            resize(keys.length * 2);
        }
        int i = slot(key);
        while (true) {
            String k = keys[i];
            if (k == null) {
                keys[i] = key;
                values[i] = value;
                size++;
                return;
            }
            if (k.equals(key)) {
                values[i] = value;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    int remove(String key) {
        int i = slot(key);
        while (true) {
            String k = keys[i];
            if (k == null) {
                return MISSING;
            }
            if (k.equals(key)) {
                int old = values[i];
                deleteAt(i);
                size--;
                if (keys.length > 64 && size * 8 < keys.length) {
                    resize(keys.length / 2);
                }
                return old;
            }
            i = (i + 1) & mask;
        }
    }

    private void deleteAt(int hole) {
        // Backward shift: move later members of the probe run into the hole so lookups never need tombstones.
        int i = hole;
        while (true) {
            i = (i + 1) & mask;
            String k = keys[i];
            if (k == null) {
                break;
            }
            int home = slot(k);
            boolean movable = hole <= i ? (home <= hole || home > i) : (home <= hole && home > i);
            if (movable) {
                keys[hole] = k;
                values[hole] = values[i];
                hole = i;
            }
        }
        keys[hole] = null;
    }

    private void resize(int capacity) {
        String[] oldKeys = keys;
        int[] oldValues = values;
        keys = new String[capacity];
        values = new int[capacity];
        mask = capacity - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }

    private int slot(String key) {
        int h = key.hashCode() * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    void clear() {
        Arrays.fill(keys, null);
        size = 0;
    }
}

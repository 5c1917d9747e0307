package io.c2c.discovery.index;

import java.util.Arrays;

/**
 * The peer handles holding one asset. Small sets are an open-addressing int hash set (about 6-8
 * bytes per member); once a set holds more than 1/32 of the site's handle space it switches to a
 * bitset (1 bit per handle), and back when it thins out, so a popular asset held by most of a
 * million peers costs 125 KB instead of 8 MB. Not thread-safe.
 */
final class PeerSet {

    /** Visits members; return false to stop. */
    interface SlotVisitor {
        boolean visit(int slot);
    }

    private static final int MIN_DENSE = 1024;

    /** Sparse form: slot + 1, 0 = empty. Null while dense. */
    private int[] table = new int[4];
    /** Dense form: bit per slot. Null while sparse. */
    private long[] bits;
    private int size;

    int size() {
        return size;
    }

    boolean contains(int slot) {
        if (bits != null) {
            int w = slot >>> 6;
            return w < bits.length && (bits[w] & (1L << slot)) != 0;
        }
        int mask = table.length - 1;
        int i = hash(slot) & mask;
        int stored = slot + 1;
        while (true) {
            int v = table[i];
            if (v == 0) {
                return false;
            }
            if (v == stored) {
                return true;
            }
            i = (i + 1) & mask;
        }
    }

    /** Adds {@code slot}; {@code universe} is the site's current handle capacity. */
    boolean add(int slot, int universe) {
        if (bits != null) {
            int w = slot >>> 6;
            if (w >= bits.length) {
                bits = Arrays.copyOf(bits, Math.max(w + 1, bits.length * 2));
            }
            long before = bits[w];
            bits[w] = before | (1L << slot);
            if (before != bits[w]) {
                size++;
                return true;
            }
            return false;
        }
        if ((size + 1) * 4 > table.length * 3) {
            if (size + 1 >= MIN_DENSE && (long) (size + 1) * 32 > universe) {
                toDense(universe);
                return add(slot, universe);
            }
            rehash(table.length * 2);
        }
        if (insert(table, slot + 1)) {
            size++;
            return true;
        }
        return false;
    }

    boolean remove(int slot, int universe) {
        if (bits != null) {
            int w = slot >>> 6;
            if (w >= bits.length || (bits[w] & (1L << slot)) == 0) {
                return false;
            }
            bits[w] &= ~(1L << slot);
            size--;
            if ((long) size * 128 < universe) {
                toSparse();
            }
            return true;
        }
        int mask = table.length - 1;
        int i = hash(slot) & mask;
        int stored = slot + 1;
        while (true) {
            int v = table[i];
            if (v == 0) {
                return false;
            }
            if (v == stored) {
                break;
            }
            i = (i + 1) & mask;
        }
        int hole = i;
        while (true) {
            i = (i + 1) & mask;
            int v = table[i];
            if (v == 0) {
                break;
            }
            int home = hash(v - 1) & mask;
            boolean movable = hole <= i ? (home <= hole || home > i) : (home <= hole && home > i);
            if (movable) {
                table[hole] = v;
                hole = i;
            }
        }
        table[hole] = 0;
        size--;
        if (table.length > 16 && size * 8 < table.length) {
            rehash(table.length / 2);
        }
        return true;
    }

    /**
     * Visits up to {@code limit} members starting at a position derived from {@code start}, wrapping
     * around, so that repeated bounded scans of a huge set do not always return the same members.
     */
    void scan(int start, int limit, SlotVisitor visitor) {
        if (size == 0 || limit <= 0) {
            return;
        }
        int visited = 0;
        if (bits != null) {
            int words = bits.length;
            int first = Math.floorMod(start, words);
            for (int n = 0; n < words; n++) {
                int w = first + n;
                if (w >= words) {
                    w -= words;
                }
                long word = bits[w];
                while (word != 0) {
                    int bit = Long.numberOfTrailingZeros(word);
                    word &= word - 1;
                    if (!visitor.visit((w << 6) + bit) || ++visited >= limit) {
                        return;
                    }
                }
            }
            return;
        }
        int length = table.length;
        int first = Math.floorMod(start, length);
        for (int n = 0; n < length; n++) {
            int i = first + n;
            if (i >= length) {
                i -= length;
            }
            int v = table[i];
            if (v != 0 && (!visitor.visit(v - 1) || ++visited >= limit)) {
                return;
            }
        }
    }

    /** Approximate heap bytes held by this set (arrays and object header). */
    long footprint() {
        long arrays = bits != null ? 16L + 8L * bits.length : 16L + 4L * table.length;
        return 24 + arrays;
    }

    boolean isDense() {
        return bits != null;
    }

    private void toDense(int universe) {
        long[] dense = new long[Math.max(1, (universe + 63) >>> 6)];
        for (int v : table) {
            if (v != 0) {
                int s = v - 1;
                if ((s >>> 6) >= dense.length) {
                    dense = Arrays.copyOf(dense, (s >>> 6) + 1);
                }
                dense[s >>> 6] |= 1L << s;
            }
        }
        bits = dense;
        table = null;
    }

    private void toSparse() {
        int capacity = Integer.highestOneBit(Math.max(4, size * 2 - 1)) << 1;
        int[] sparse = new int[capacity];
        for (int w = 0; w < bits.length; w++) {
            long word = bits[w];
            while (word != 0) {
                int bit = Long.numberOfTrailingZeros(word);
                word &= word - 1;
                insert(sparse, (w << 6) + bit + 1);
            }
        }
        table = sparse;
        bits = null;
    }

    private void rehash(int capacity) {
        int[] fresh = new int[capacity];
        for (int v : table) {
            if (v != 0) {
                insert(fresh, v);
            }
        }
        table = fresh;
    }

    private static boolean insert(int[] into, int stored) {
        int mask = into.length - 1;
        int i = hash(stored - 1) & mask;
        while (true) {
            int v = into[i];
            if (v == 0) {
                into[i] = stored;
                return true;
            }
            if (v == stored) {
                return false;
            }
            i = (i + 1) & mask;
        }
    }

    private static int hash(int slot) {
        int h = slot * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}

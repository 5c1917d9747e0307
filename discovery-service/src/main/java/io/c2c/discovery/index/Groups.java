package io.c2c.discovery.index;

import java.util.Arrays;

/**
 * Peers grouped by one attribute (network prefix, ASN, region or country): each distinct value
 * gets a small int id and its members form an intrusive doubly linked list threaded through
 * per-handle int arrays, so membership costs 12 bytes per peer and no object at all, and a query
 * can walk "peers in my /24" without scanning the site. Group ids start at 1; 0 means "unknown".
 * Not thread-safe.
 */
final class Groups {

    private static final int NONE = -1;

    private final StringIntMap ids = new StringIntMap(16);
    private String[] keys = new String[16];
    private int[] head = new int[16];
    private int[] sizes = new int[16];
    private int[] freeIds = new int[16];
    private int freeCount;
    private int nextId = 1;

    private int[] groupOf;
    private int[] next;
    private int[] prev;

    Groups(int slots) {
        groupOf = new int[slots];
        next = new int[slots];
        prev = new int[slots];
    }

    void growSlots(int slots) {
        groupOf = Arrays.copyOf(groupOf, slots);
        next = Arrays.copyOf(next, slots);
        prev = Arrays.copyOf(prev, slots);
    }

    /** The group id of {@code slot}, 0 when its attribute is unknown. */
    int groupOf(int slot) {
        return groupOf[slot];
    }

    /** The group id of {@code key} without creating it, 0 if no live peer has it. */
    int idOf(String key) {
        if (key == null) {
            return 0;
        }
        int id = ids.get(key);
        return id == StringIntMap.MISSING ? 0 : id;
    }

    int size(int id) {
        return id == 0 ? 0 : sizes[id];
    }

    int distinct() {
        return ids.size();
    }

    /** Moves {@code slot} into the group of {@code key} (null or blank: into no group). */
    void assign(int slot, String key) {
        int current = groupOf[slot];
        if (current != 0 && key != null && keys[current].equals(key)) {
            // The common case (every heartbeat repeats the peer's position): no hash lookup.
            return;
        }
        int target = key == null || key.isBlank() ? 0 : intern(key);
        if (current == target) {
            return;
        }
        if (current != 0) {
            unlink(slot, current);
        }
        if (target != 0) {
            int first = head[target];
            next[slot] = first;
            prev[slot] = NONE;
            if (first != NONE) {
                prev[first] = slot;
            }
            head[target] = slot;
            sizes[target]++;
        }
        groupOf[slot] = target;
    }

    void remove(int slot) {
        int current = groupOf[slot];
        if (current != 0) {
            unlink(slot, current);
            groupOf[slot] = 0;
        }
    }

    /** Walks up to {@code limit} members of group {@code id}. */
    void scan(int id, int limit, PeerSet.SlotVisitor visitor) {
        if (id == 0) {
            return;
        }
        int slot = head[id];
        for (int n = 0; slot != NONE && n < limit; n++) {
            int following = next[slot];
            if (!visitor.visit(slot)) {
                return;
            }
            slot = following;
        }
    }

    /** Approximate heap bytes of the per-group tables (per-slot arrays are counted by the caller). */
    long footprint() {
        return 16L * keys.length + 12L * ids.size() + ids.size() * 56L;
    }

    private void unlink(int slot, int id) {
        int p = prev[slot];
        int n = next[slot];
        if (p != NONE) {
            next[p] = n;
        } else {
            head[id] = n;
        }
        if (n != NONE) {
            prev[n] = p;
        }
        if (--sizes[id] == 0) {
            ids.remove(keys[id]);
            keys[id] = null;
            if (freeCount == freeIds.length) {
                freeIds = Arrays.copyOf(freeIds, freeCount * 2);
            }
            freeIds[freeCount++] = id;
        }
    }

    private int intern(String key) {
        int id = ids.get(key);
        if (id != StringIntMap.MISSING) {
            return id;
        }
        id = freeCount > 0 ? freeIds[--freeCount] : nextId++;
        if (id >= keys.length) {
            int capacity = keys.length * 2;
            keys = Arrays.copyOf(keys, capacity);
            head = Arrays.copyOf(head, capacity);
            sizes = Arrays.copyOf(sizes, capacity);
        }
        keys[id] = key;
        head[id] = NONE;
        sizes[id] = 0;
        ids.put(key, id);
        return id;
    }
}

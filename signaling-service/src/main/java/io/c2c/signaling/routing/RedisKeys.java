package io.c2c.signaling.routing;

/**
 * Every Redis key and channel of signaling. The scripts in {@link RedisScripts} derive room keys
 * and inbox channels from the same prefixes, so the layout assumes one Redis (or one hash slot),
 * not a Redis Cluster.
 */
public final class RedisKeys {

    /** Sorted set: peer id → epoch ms after which the peer is gone unless refreshed or resumed. */
    public static final String PRESENCE = "c2c:presence";
    static final String ROOM_PREFIX = "c2c:room:";
    static final String ROOM_VERSION_PREFIX = "c2c:roomver:";
    static final String INBOX_PREFIX = "c2c:inbox:";

    private RedisKeys() {
    }

    /** Hash: site, pod, conn, tok (SHA-256 of the resume token), state ({@code c} connected, {@code d} detached). */
    public static String peer(String peerId) {
        return "c2c:peer:" + peerId;
    }

    /** Set of room names the peer is in. */
    public static String peerRooms(String peerId) {
        return "c2c:peer:" + peerId + ":rooms";
    }

    /** Set of asset hashes the peer announced. */
    public static String peerAssets(String peerId) {
        return "c2c:peer:" + peerId + ":assets";
    }

    /** List of envelopes waiting for a detached peer (the resume buffer). */
    public static String buffer(String peerId) {
        return "c2c:peer:" + peerId + ":buf";
    }

    /**
     * List: what a resume by connection {@code connId} took from the resume buffer, kept briefly so
     * that a retried resume (its first answer lost) gets the same messages instead of none.
     */
    public static String resumed(String peerId, String connId) {
        return "c2c:peer:" + peerId + ":resumed:" + connId;
    }

    /** Set of peer ids in a room of a site. */
    public static String room(String site, String room) {
        return roomPrefix(site) + room;
    }

    /** String: the room's membership version (see {@link RedisScripts#JOIN}). */
    public static String roomVersion(String site, String room) {
        return ROOM_VERSION_PREFIX + site + ":" + room;
    }

    /** String (short TTL): the id of the join request that last added the peer to the room, for retries. */
    public static String joinOp(String site, String room, String peerId) {
        return "c2c:joinop:" + site + ":" + room + ":" + peerId;
    }

    static String roomPrefix(String site) {
        return ROOM_PREFIX + site + ":";
    }

    /** Pub/sub channel on which a pod receives messages for its connections. */
    public static String inbox(String podId) {
        return INBOX_PREFIX + podId;
    }
}

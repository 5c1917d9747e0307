package io.c2c.signaling.routing;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The Lua scripts that make each routing decision atomic in Redis: a message is either published
 * to the pod holding the peer or appended to its resume buffer, and a resume takes over the peer
 * and drains that buffer in one step, so no message is delivered twice or lost between the two.
 * Scripts run by SHA; after a Redis restart (scripts are gone) they are sent again.
 */
@ApplicationScoped
public class RedisScripts {

    /**
     * Lua helper: a room's next version, strictly increasing and never below Redis's clock in
     * microseconds, so versions keep increasing even after Redis lost its data.
     */
    private static final String BUMP = """
            local function bump(key, ttl)
              local t = redis.call('TIME')
              local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
              local cur = tonumber(redis.call('GET', key) or '0')
              local v = now > cur and now or cur + 1
              local text = string.format('%.0f', v)
              redis.call('SET', key, text, 'PX', ttl)
              return text
            end
            """;

    /**
     * Routes a batch of messages. KEYS peer1, buf1, peer2, buf2, ... ARGV myPod, bufMax, bufTtlMs, site1,
     * envelope1, site2, envelope2, ... → one outcome per message: gone | local | sent | buffered | full.
     * The messages for one pod go out in one publish ({@link Envelope#batch}); a pod that nobody hears
     * any more (a publish with no receiver) has its messages buffered instead.
     */
    public static final Script ROUTE = new Script(true, """
            local n = #KEYS / 2
            local out, byPod, pods = {}, {}, {}
            for i = 1, n do
              local rec = redis.call('HMGET', KEYS[2 * i - 1], 'site', 'pod', 'state')
              if not rec[1] or rec[1] ~= ARGV[2 + 2 * i] then
                out[i] = 'gone'
              elseif rec[3] == 'c' and rec[2] == ARGV[1] then
                out[i] = 'local'
              elseif rec[3] == 'c' then
                local list = byPod[rec[2]]
                if not list then
                  list = {}
                  byPod[rec[2]] = list
                  pods[#pods + 1] = rec[2]
                end
                list[#list + 1] = i
                out[i] = 'sent'
              else
                out[i] = 'buffer'
              end
            end
            for _, pod in ipairs(pods) do
              local list = byPod[pod]
              local frame
              if #list == 1 then
                frame = ARGV[3 + 2 * list[1]]
              else
                local parts = {}
                for j, i in ipairs(list) do parts[j] = ARGV[3 + 2 * i] end
                frame = 'b|' .. table.concat(parts, '\\30')
              end
              if redis.call('PUBLISH', '%s' .. pod, frame) == 0 then
                for _, i in ipairs(list) do out[i] = 'buffer' end
              end
            end
            for i = 1, n do
              if out[i] == 'buffer' then
                local buf = KEYS[2 * i]
                if redis.call('LLEN', buf) >= tonumber(ARGV[2]) then
                  out[i] = 'full'
                else
                  redis.call('RPUSH', buf, ARGV[3 + 2 * i])
                  redis.call('PEXPIRE', buf, ARGV[3])
                  out[i] = 'buffered'
                end
              end
            end
            return out
            """.formatted(RedisKeys.INBOX_PREFIX));

    /** KEYS peer, buf. ARGV myPod, envelope, bufMax, bufTtlMs. → gone | moved | buffered | full */
    public static final Script BUFFER_IF_OWNER = new Script(true, """
            local rec = redis.call('HMGET', KEYS[1], 'pod', 'state')
            if not rec[1] then return 'gone' end
            if rec[1] ~= ARGV[1] and rec[2] == 'c' then return 'moved' end
            if redis.call('LLEN', KEYS[2]) >= tonumber(ARGV[3]) then return 'full' end
            redis.call('RPUSH', KEYS[2], ARGV[2])
            redis.call('PEXPIRE', KEYS[2], ARGV[4])
            return 'buffered'
            """);

    /**
     * Refreshes a batch of peers. KEYS presence, then per peer: peer, peerRooms, peerAssets. ARGV pod, deadline,
     * recTtlMs, then per peer: peerId, site, conn, tokHash, roomCount, rooms... → per peer 1, or 0 when another
     * connection owns it now. A peer whose record is gone (Redis lost its data) is written back whole, its rooms
     * from the pod's list; otherwise its rooms are the ones Redis holds, and only their expiry is pushed back: the
     * pod's list may be older than a leave that ran meanwhile, and must not put the peer back into that room.
     */
    public static final Script REFRESH = new Script(true, """
            local out = {}
            local a = 4
            for p = 1, (#KEYS - 1) / 3 do
              local peer, peerRooms, peerAssets = KEYS[3 * p - 1], KEYS[3 * p], KEYS[3 * p + 1]
              local id, site, conn, tok, rooms = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], tonumber(ARGV[a + 4])
              local cur = redis.call('HGET', peer, 'conn')
              if cur and cur ~= conn then
                out[p] = 0
              else
                redis.call('HSET', peer, 'site', site, 'pod', ARGV[1], 'conn', conn, 'tok', tok, 'state', 'c')
                redis.call('PEXPIRE', peer, ARGV[3])
                redis.call('ZADD', KEYS[1], ARGV[2], id)
                if not cur then
                  for r = a + 5, a + 4 + rooms do
                    redis.call('SADD', '%1$s' .. site .. ':' .. ARGV[r], id)
                    redis.call('SADD', peerRooms, ARGV[r])
                  end
                end
                for _, room in ipairs(redis.call('SMEMBERS', peerRooms)) do
                  redis.call('PEXPIRE', '%1$s' .. site .. ':' .. room, ARGV[3])
                  redis.call('PEXPIRE', '%2$s' .. site .. ':' .. room, ARGV[3])
                end
                redis.call('PEXPIRE', peerRooms, ARGV[3])
                redis.call('PEXPIRE', peerAssets, ARGV[3])
                out[p] = 1
              end
              a = a + 5 + rooms
            end
            return out
            """.formatted(RedisKeys.ROOM_PREFIX, RedisKeys.ROOM_VERSION_PREFIX));

    /** KEYS peer, presence, peerRooms, peerAssets, buf. ARGV peerId, conn, deadline, recTtlMs. → 1 detached, 0 not ours */
    public static final Script DETACH = new Script(true, """
            if redis.call('HGET', KEYS[1], 'conn') ~= ARGV[2] then return 0 end
            redis.call('HSET', KEYS[1], 'state', 'd')
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            redis.call('PEXPIRE', KEYS[3], ARGV[4])
            redis.call('PEXPIRE', KEYS[4], ARGV[4])
            redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
            return 1
            """);

    /**
     * KEYS peer, buf, presence, peerRooms, peerAssets, resumed. ARGV peerId, site, tokHash, pod, conn, deadline,
     * recTtlMs, resumedTtlMs, newTokHash. → {gone} | {denied} | {ok, oldPod, oldConn, rooms[], assets[], buffered[]}
     * The token is single-use: a resume stores the hash of a fresh one, so a replayed token is denied.
     * The buffer moves to the {@code resumed} key rather than being deleted, so running the script again
     * for the same connection (a retry after a lost answer; the connection id is the server's own secret)
     * returns the same messages.
     */
    public static final Script RESUME = new Script(true, """
            local rec = redis.call('HMGET', KEYS[1], 'site', 'tok', 'pod', 'conn')
            if not rec[1] then return {'gone'} end
            if rec[1] ~= ARGV[2] then return {'denied'} end
            if rec[4] == ARGV[5] and rec[2] == ARGV[9] then
              return {'ok', '', '', redis.call('SMEMBERS', KEYS[4]), redis.call('SMEMBERS', KEYS[5]),
                      redis.call('LRANGE', KEYS[6], 0, -1)}
            end
            if rec[2] ~= ARGV[3] then return {'denied'} end
            redis.call('HSET', KEYS[1], 'pod', ARGV[4], 'conn', ARGV[5], 'state', 'c', 'tok', ARGV[9])
            redis.call('PEXPIRE', KEYS[1], ARGV[7])
            redis.call('ZADD', KEYS[3], ARGV[6], ARGV[1])
            local buf = redis.call('LRANGE', KEYS[2], 0, -1)
            redis.call('DEL', KEYS[2])
            if #buf > 0 then
              redis.call('RPUSH', KEYS[6], unpack(buf))
              redis.call('PEXPIRE', KEYS[6], ARGV[8])
            end
            return {'ok', rec[3] or '', rec[4] or '', redis.call('SMEMBERS', KEYS[4]), redis.call('SMEMBERS', KEYS[5]), buf}
            """);

    /**
     * KEYS presence, peer, peerRooms, buf, peerAssets. ARGV peerId, mode (expire|leave), now|conn, versionTtlMs.
     * Removes the peer from presence and its rooms. → nil when not due / not ours, else
     * {site, room1, {members1...}, version1, room2, ...} for the member-left notices.
     */
    public static final Script REMOVE = new Script(false, """
            BUMP
            if ARGV[2] == 'expire' then
              local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
              if not s or tonumber(s) > tonumber(ARGV[3]) then return false end
            else
              if redis.call('HGET', KEYS[2], 'conn') ~= ARGV[3] then return false end
            end
            redis.call('ZREM', KEYS[1], ARGV[1])
            local site = redis.call('HGET', KEYS[2], 'site')
            local out = {site or ''}
            if site then
              for _, r in ipairs(redis.call('SMEMBERS', KEYS[3])) do
                local rk = '%s' .. site .. ':' .. r
                redis.call('SREM', rk, ARGV[1])
                out[#out + 1] = r
                out[#out + 1] = redis.call('SMEMBERS', rk)
                out[#out + 1] = bump('%s' .. site .. ':' .. r, ARGV[4])
              end
            end
            redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
            return out
            """.formatted(RedisKeys.ROOM_PREFIX, RedisKeys.ROOM_VERSION_PREFIX).replace("BUMP", BUMP));

    /** ARGV now, limit. → peer ids whose presence deadline passed. */
    public static final Script DUE = new Script(true, """
            return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
            """);

    /**
     * KEYS room, peerRooms, peer, roomVersion, joinOp. ARGV peerId, room, maxMembers, maxRooms, ttlMs, opId.
     * → {gone} | {full} | {too-many} | {new, members[], version} | {again, members[], version}
     * {@code opId} names this join request: run again with the same id (a retry after a lost answer), it gives
     * the first run's {@code new} again, so the caller still announces the member; a join of a room the peer is
     * already in from another request is {@code again} and announces nothing.
     */
    public static final Script JOIN = new Script(true, """
            BUMP
            if not redis.call('HGET', KEYS[3], 'site') then return {'gone'} end
            if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then
              redis.call('SADD', KEYS[2], ARGV[2])
              local result = redis.call('GET', KEYS[5]) == ARGV[6] and 'new' or 'again'
              return {result, redis.call('SMEMBERS', KEYS[1]), redis.call('GET', KEYS[4]) or '0'}
            end
            if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[3]) then return {'full'} end
            if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[4]) then return {'too-many'} end
            redis.call('SADD', KEYS[1], ARGV[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[5])
            redis.call('SADD', KEYS[2], ARGV[2])
            redis.call('PEXPIRE', KEYS[2], ARGV[5])
            redis.call('SET', KEYS[5], ARGV[6], 'PX', 30000)
            return {'new', redis.call('SMEMBERS', KEYS[1]), bump(KEYS[4], ARGV[5])}
            """.replace("BUMP", BUMP));

    /** KEYS room, peerRooms, roomVersion. ARGV peerId, room, ttlMs. → nil when not a member, else {version, remaining members[]}. */
    public static final Script LEAVE = new Script(false, """
            BUMP
            redis.call('SREM', KEYS[2], ARGV[2])
            if redis.call('SREM', KEYS[1], ARGV[1]) == 0 then return false end
            return {bump(KEYS[3], ARGV[3]), redis.call('SMEMBERS', KEYS[1])}
            """.replace("BUMP", BUMP));

    /** KEYS assets. ARGV max, ttlMs, hashes... → -1 when the set would exceed max, else the number added. */
    public static final Script HAVE = new Script(true, """
            local fresh = 0
            for i = 3, #ARGV do
              if redis.call('SISMEMBER', KEYS[1], ARGV[i]) == 0 then fresh = fresh + 1 end
            end
            if redis.call('SCARD', KEYS[1]) + fresh > tonumber(ARGV[1]) then return -1 end
            local added = 0
            for i = 3, #ARGV do added = added + redis.call('SADD', KEYS[1], ARGV[i]) end
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return added
            """);

    private static final java.time.Duration CALL_TIMEOUT = java.time.Duration.ofSeconds(3);
    /** Scripts that must not run twice wait longer before giving up, and are never sent again. */
    private static final java.time.Duration ONCE_TIMEOUT = java.time.Duration.ofSeconds(10);

    private final ReactiveRedisDataSource redis;

    public RedisScripts(ReactiveRedisDataSource redis) {
        this.redis = redis;
    }

    /** Runs {@code script} by SHA, falling back to the full text when Redis does not know it (new or restarted). */
    public Uni<Response> run(Script script, List<String> keys, List<String> args) {
        List<String> tail = new ArrayList<>(keys.size() + args.size() + 1);
        tail.add(Integer.toString(keys.size()));
        tail.addAll(keys);
        tail.addAll(args);
        List<String> bySha = new ArrayList<>(tail.size() + 1);
        bySha.add(script.sha());
        bySha.addAll(tail);
        Uni<Response> call = redis.execute("EVALSHA", bySha.toArray(String[]::new))
                .onFailure(e -> e.getMessage() != null && e.getMessage().contains("NOSCRIPT"))
                .recoverWithUni(() -> {
                    List<String> byText = new ArrayList<>(tail.size() + 1);
                    byText.add(script.text());
                    byText.addAll(tail);
                    return redis.execute("EVAL", byText.toArray(String[]::new));
                });
        if (!script.retrySafe()) {
            return call.ifNoItem().after(ONCE_TIMEOUT).fail();
        }
        // A pooled connection that died with a Redis restart can leave a command unanswered: bound the
        // wait and try once more on another connection. Only for scripts whose second run is harmless
        // (the first may have run and only its answer been lost).
        return call.ifNoItem().after(CALL_TIMEOUT).fail()
                .onFailure(e -> !(e instanceof io.vertx.redis.client.impl.types.ErrorType)).retry().atMost(1);
    }

    /**
     * A Lua script and its SHA-1, the name Redis caches it under. {@code retrySafe}: running it twice
     * with the same arguments has the effect of running it once (so a timed-out call may be retried).
     */
    public record Script(String text, String sha, boolean retrySafe) {

        public Script(boolean retrySafe, String text) {
            this(text, sha1(text), retrySafe);
        }

        private static String sha1(String text) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}

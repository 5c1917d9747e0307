package io.c2c.signaling.stats.repository;

import io.c2c.signaling.routing.RedisScripts;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The owner figures in Redis: one hash of counters per site and minute
 * ({@code c2c:stats:<site>:<epoch minute>}, expiring after the retention), and one hash per site
 * of each pod's count of connected peers ({@code c2c:online:<site>}, field = pod, value =
 * {@code count:epochMs}, so a dead pod's count is ignored once it is stale).
 */
@ApplicationScoped
public class SiteStatsStore {

    /**
     * KEYS minute hash. ARGV ttlMs, maxFields, field1, increment1, ... → fields incremented. A new field is
     * added only while the hash has fewer than maxFields, so made-up failure reasons cannot grow it.
     */
    static final RedisScripts.Script ADD = new RedisScripts.Script(false, """
            local done = 0
            for i = 3, #ARGV, 2 do
              if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 or redis.call('HLEN', KEYS[1]) < tonumber(ARGV[2]) then
                redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
                done = done + 1
              end
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return done
            """);

    private final RedisScripts scripts;
    private final ReactiveRedisDataSource redis;

    public SiteStatsStore(RedisScripts scripts, ReactiveRedisDataSource redis) {
        this.scripts = scripts;
        this.redis = redis;
    }

    static String minuteKey(String site, long epochMinute) {
        return "c2c:stats:" + site + ":" + epochMinute;
    }

    static String onlineKey(String site) {
        return "c2c:online:" + site;
    }

    /** Adds {@code increments} (only positive ones) to the site's counters of {@code epochMinute}. */
    public Uni<Void> add(String site, long epochMinute, Map<String, Long> increments, Duration retention, int maxFields) {
        List<String> args = new ArrayList<>(2 + increments.size() * 2);
        args.add(Long.toString(retention.toMillis()));
        args.add(Integer.toString(maxFields));
        increments.forEach((field, value) -> {
            if (value > 0) {
                args.add(field);
                args.add(Long.toString(value));
            }
        });
        if (args.size() == 2) {
            return Uni.createFrom().voidItem();
        }
        return scripts.run(ADD, List.of(minuteKey(site, epochMinute)), args).replaceWithVoid();
    }

    /** Writes this pod's count of connected peers for each site. */
    public Uni<Void> online(String podId, Map<String, Integer> peersBySite, long nowMillis, Duration ttl) {
        List<Uni<Response>> writes = new ArrayList<>(peersBySite.size());
        String ttlMillis = Long.toString(ttl.toMillis());
        peersBySite.forEach((site, count) -> writes.add(
                redis.execute("HSET", onlineKey(site), podId, count + ":" + nowMillis)
                        .chain(() -> redis.execute("PEXPIRE", onlineKey(site), ttlMillis))));
        return writes.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(writes).andFailFast().replaceWithVoid();
    }

    /** Sum of the pods' counts written within {@code freshness} of {@code nowMillis}. */
    public Uni<Long> online(String site, long nowMillis, Duration freshness) {
        return redis.execute("HGETALL", onlineKey(site)).map(all -> {
            long sum = 0;
            for (String written : hash(all).values()) {
                String[] value = written.split(":", 2);
                if (value.length == 2 && nowMillis - Long.parseLong(value[1]) <= freshness.toMillis()) {
                    sum += Long.parseLong(value[0]);
                }
            }
            return sum;
        });
    }

    /** The counters of each minute from {@code fromMinute} to {@code toMinute} (inclusive), oldest first. */
    public Uni<Map<Long, Map<String, Long>>> minutes(String site, long fromMinute, long toMinute) {
        List<Uni<Response>> reads = new ArrayList<>();
        for (long minute = fromMinute; minute <= toMinute; minute++) {
            reads.add(redis.execute("HGETALL", minuteKey(site, minute)));
        }
        return Uni.join().all(reads).andFailFast().map(answers -> {
            Map<Long, Map<String, Long>> out = new LinkedHashMap<>();
            long minute = fromMinute;
            for (Response answer : answers) {
                Map<String, Long> counters = new LinkedHashMap<>();
                hash(answer).forEach((field, value) -> counters.put(field, Long.parseLong(value)));
                out.put(minute++, counters);
            }
            return out;
        });
    }

    /** An HGETALL answer as a map: a map under RESP3, a flat field/value array under RESP2. */
    private static Map<String, String> hash(Response answer) {
        Map<String, String> out = new LinkedHashMap<>();
        if (answer == null) {
            return out;
        }
        try {
            for (String field : answer.getKeys()) {
                out.put(field, answer.get(field).toString());
            }
        } catch (UnsupportedOperationException flat) {
            for (int i = 0; i + 1 < answer.size(); i += 2) {
                out.put(answer.get(i).toString(), answer.get(i + 1).toString());
            }
        }
        return out;
    }
}

package io.c2c.signaling.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.pubsub.PubSubCommands;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The batched ROUTE script against the real Redis: one call decides every message's path, the messages
 * for one pod go out in one publish in their order, and a pod nobody hears has its messages buffered.
 */
@QuarkusTest
class RouteScriptTest {

    @Inject
    RedisScripts scripts;

    @Inject
    RedisDataSource redis;

    private final String run = Long.toHexString(System.nanoTime());

    private String peer(String name, String site, String pod, String state) {
        String id = (name + run + "0".repeat(32)).substring(0, 32);
        if (site != null) {
            redis.hash(String.class).hset(RedisKeys.peer(id), java.util.Map.of("site", site, "pod", pod, "state", state));
        }
        return id;
    }

    private List<String> route(String myPod, int bufferMax, List<String[]> messages) {
        List<String> keys = new ArrayList<>();
        List<String> args = new ArrayList<>(List.of(myPod, Integer.toString(bufferMax), "60000"));
        for (String[] message : messages) {
            keys.add(RedisKeys.peer(message[0]));
            keys.add(RedisKeys.buffer(message[0]));
            args.add(message[1]);
            args.add(message[2]);
        }
        List<String> outcomes = new ArrayList<>();
        scripts.run(RedisScripts.ROUTE, keys, args).await().atMost(Duration.ofSeconds(5))
                .forEach(outcome -> outcomes.add(outcome.toString()));
        return outcomes;
    }

    /** Collects what is published to {@code pod}'s inbox, as that pod would receive it. */
    private PubSubCommands.RedisSubscriber listen(String pod, List<String> heard) {
        return redis.pubsub(String.class).subscribe(RedisKeys.inbox(pod), heard::add);
    }

    private static String envelope(String to, String body) {
        return Envelope.message("demo", to, 1L, 0, "t." + body, "{\"n\":\"" + body + "\"}").encode();
    }

    @Test
    void oneCallRoutesEachMessageOnItsPathAndBatchesThePublishPerPod() throws Exception {
        String podB = "pod-b-" + run;
        List<String> heardByB = new CopyOnWriteArrayList<>();
        PubSubCommands.RedisSubscriber subscriber = listen(podB, heardByB);
        try {
            String onB1 = peer("b1", "demo", podB, "c");
            String onB2 = peer("b2", "demo", podB, "c");
            String here = peer("me", "demo", "pod-a-" + run, "c");
            String detached = peer("de", "demo", podB, "d");
            String otherSite = peer("os", "other", podB, "c");
            String unknown = peer("un", null, null, null);
            String onDeadPod = peer("dp", "demo", "pod-dead-" + run, "c");
            List<String[]> messages = List.of(
                    new String[] {onB1, "demo", envelope(onB1, "1")},
                    new String[] {here, "demo", envelope(here, "2")},
                    new String[] {detached, "demo", envelope(detached, "3")},
                    new String[] {onB2, "demo", envelope(onB2, "4")},
                    new String[] {otherSite, "demo", envelope(otherSite, "5")},
                    new String[] {unknown, "demo", envelope(unknown, "6")},
                    new String[] {onDeadPod, "demo", envelope(onDeadPod, "7")},
                    new String[] {onB1, "demo", envelope(onB1, "8")});

            assertEquals(List.of("sent", "local", "buffered", "sent", "gone", "gone", "buffered", "sent"),
                    route("pod-a-" + run, 8, messages));

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (heardByB.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(200); // a second publish, if the script wrongly made one, would arrive by now
            assertEquals(1, heardByB.size(), "one publish for pod B: " + heardByB);
            assertEquals(List.of(envelope(onB1, "1"), envelope(onB2, "4"), envelope(onB1, "8")),
                    Envelope.decodeAll(heardByB.get(0)).stream().map(Envelope::encode).toList(), "in the order routed");
            assertEquals(List.of(envelope(detached, "3")), redis.list(String.class).lrange(RedisKeys.buffer(detached), 0, -1));
            assertEquals(List.of(envelope(onDeadPod, "7")), redis.list(String.class).lrange(RedisKeys.buffer(onDeadPod), 0, -1));
            assertTrue(redis.key().pttl(RedisKeys.buffer(detached)) > 0, "a buffer expires");
            assertEquals(0, redis.list(String.class).llen(RedisKeys.buffer(otherSite)), "another site's peer is never reached");
        } finally {
            subscriber.unsubscribe();
        }
    }

    @Inject
    RouteBatcher batcher;

    @Test
    void messagesRoutedTogetherShareRouteCallsAndPublishes() throws Exception {
        String podB = "pod-b-" + run;
        List<String> heardByB = new CopyOnWriteArrayList<>();
        PubSubCommands.RedisSubscriber subscriber = listen(podB, heardByB);
        try {
            String target = peer("bt", "demo", podB, "c");
            List<io.smallrye.mutiny.Uni<String>> outcomes = new ArrayList<>();
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                Envelope envelope = Envelope.message("demo", target, 1L, 0, "t." + i, "{\"n\":" + i + "}");
                sent.add(envelope.encode());
                outcomes.add(batcher.route(envelope).memoize().indefinitely());
            }
            outcomes.forEach(outcome -> outcome.subscribe().with(ignored -> { }));
            for (var outcome : outcomes) {
                assertEquals("sent", outcome.await().atMost(Duration.ofSeconds(10)));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            List<String> heard = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                heard = heardByB.stream().flatMap(text -> Envelope.decodeAll(text).stream()).map(Envelope::encode).toList();
                if (heard.size() >= sent.size()) {
                    break;
                }
                Thread.sleep(20);
            }
            assertEquals(new java.util.HashSet<>(sent), new java.util.HashSet<>(heard), "every message published once");
            assertEquals(sent.size(), heard.size());
            assertTrue(heardByB.size() < 100, heardByB.size() + " publishes for 300 messages routed together");
        } finally {
            subscriber.unsubscribe();
        }
    }

    @Test
    void aFullBufferRefusesOnlyWhatDoesNotFit() {
        String detached = peer("fu", "demo", "pod-x-" + run, "d");
        List<String> outcomes = route("pod-a-" + run, 2, List.of(
                new String[] {detached, "demo", envelope(detached, "1")},
                new String[] {detached, "demo", envelope(detached, "2")},
                new String[] {detached, "demo", envelope(detached, "3")}));
        assertEquals(List.of("buffered", "buffered", "full"), outcomes);
        assertEquals(List.of(envelope(detached, "1"), envelope(detached, "2")),
                redis.list(String.class).lrange(RedisKeys.buffer(detached), 0, -1));
    }
}

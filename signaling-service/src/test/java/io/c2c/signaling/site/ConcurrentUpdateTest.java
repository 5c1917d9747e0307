package io.c2c.signaling.site;

import static io.c2c.signaling.site.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Concurrent replacements of one site: every answer is 200 or 409, and no acknowledged change is lost (the final
 * revision counts exactly the 200s, and the final origin is one that got a 200).
 */
@QuarkusTest
class ConcurrentUpdateTest {

    @Test
    void concurrentWritersNeverLoseAnAcknowledgedChange() throws Exception {
        String key = Api.newOwner();
        String domain = Api.freshDomain();
        String siteId = Api.registerSite(key, domain, "https://start.example.org");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<int[]>> results = new ArrayList<>();
        try {
            for (int i = 0; i < 24; i++) {
                int n = i;
                results.add(pool.submit(() -> new int[] {n, as(key)
                        .body(Map.of("domains", List.of(domain), "origin", "https://o" + n + ".example.org"))
                        .put("/api/v1/sites/" + siteId).then().extract().statusCode()}));
            }
            List<Integer> acknowledged = new ArrayList<>();
            for (Future<int[]> result : results) {
                int[] r = result.get(60, TimeUnit.SECONDS);
                assertTrue(r[1] == 200 || r[1] == 409, "status " + r[1]);
                if (r[1] == 200) {
                    acknowledged.add(r[0]);
                }
            }
            Map<String, Object> site = as(key).get("/api/v1/sites/" + siteId).then().statusCode(200)
                    .extract().as(Map.class);
            assertEquals(1 + acknowledged.size(), ((Number) site.get("revision")).intValue());
            String origin = (String) site.get("origin");
            assertTrue(acknowledged.stream().anyMatch(n -> origin.equals("https://o" + n + ".example.org")), origin);
        } finally {
            pool.shutdownNow();
        }
    }
}

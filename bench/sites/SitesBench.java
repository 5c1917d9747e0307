import io.c2c.contracts.site.DomainClaim;
import io.c2c.contracts.site.SiteRecord;
import io.c2c.contracts.site.SitesTopic;
import io.c2c.signaling.site.collect.ChunkHasher;
import io.c2c.signaling.site.collect.CollectResult;
import io.c2c.signaling.site.collect.Collector;
import io.c2c.signaling.site.config.SitesConfig;
import io.c2c.signaling.site.fetch.SafeFetcher;
import io.c2c.signaling.site.repository.SiteStore;
import io.c2c.signaling.site.validation.Hostnames;
import io.c2c.testing.DemoOriginServer;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Sites benchmarks (not a test): host look-up cost with 100,000 registered sites in the in-memory view, and
 * collect throughput (fetch + SHA-256 per file and per chunk) from a local origin. Run by bench/sites-bench.sh.
 */
public class SitesBench {

    public static void main(String[] args) throws Exception {
        int sites = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int fileMiB = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        lookups(sites);
        hashing();
        collect(fileMiB);
        System.exit(0);
    }

    static void lookups(int count) throws Exception {
        SiteStore store = new SiteStore();
        String[] hosts = new String[count];
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            hosts[i] = "www.site" + i + ".example";
            SiteRecord site = SiteRecord.of("s" + i, "o" + (i % 1000), List.of(new DomainClaim(hosts[i], true, i, "t")),
                    "https://origin" + i + ".example", null, null, 1, 1);
            store.apply(site.siteId(), SitesTopic.TYPE_SITE, SiteRecord.encode(site), 0, i);
        }
        double loadMs = (System.nanoTime() - t0) / 1e6;
        Random random = new Random(1);
        String[] headers = new String[4096];
        for (int i = 0; i < headers.length; i++) {
            headers[i] = hosts[random.nextInt(count)] + (i % 2 == 0 ? "" : ":443");
        }
        long found = 0;
        for (int round = 0; round < 3; round++) { // warm-up
            for (int i = 0; i < 200_000; i++) {
                found += Hostnames.forLookup(headers[i & 4095]).flatMap(store::siteByHost).isPresent() ? 1 : 0;
            }
        }
        // CPU time of this thread as well as wall time: on a shared 2-core machine wall time mostly measures waiting.
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        int n = 2_000_000;
        long start = System.nanoTime();
        long cpuStart = cpu.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            found += Hostnames.forLookup(headers[i & 4095]).flatMap(store::siteByHost).isPresent() ? 1 : 0;
        }
        double perLookup = (System.nanoTime() - start) / (double) n;
        double perLookupCpu = (cpu.getCurrentThreadCpuTime() - cpuStart) / (double) n;
        start = System.nanoTime();
        cpuStart = cpu.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            found += store.siteByHost(hosts[i % count]).isPresent() ? 1 : 0;
        }
        double perMapHit = (System.nanoTime() - start) / (double) n;
        double perMapHitCpu = (cpu.getCurrentThreadCpuTime() - cpuStart) / (double) n;
        System.out.printf("lookup: %d sites applied in %.0f ms (%.1f us/record); findByHost(\"host[:port]\") "
                + "%.0f ns/op wall, %.0f ns/op CPU; view map hit alone %.0f ns/op wall, %.0f ns/op CPU (found %d)%n",
                count, loadMs, loadMs * 1000 / count, perLookup, perLookupCpu, perMapHit, perMapHitCpu, found);
    }

    static void hashing() {
        byte[] block = new byte[64 * 1024];
        new Random(2).nextBytes(block);
        ChunkHasher hasher = new ChunkHasher(262_144);
        long bytes = 512L * 1024 * 1024;
        long start = System.nanoTime();
        for (long done = 0; done < bytes; done += block.length) {
            hasher.update(block);
        }
        hasher.finish();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("hash: SHA-256 per file + per 256 KiB chunk: %.0f MB/s (CPU only)%n", bytes / 1e6 / seconds);
    }

    static void collect(int fileMiB) throws Exception {
        Path root = Files.createTempDirectory("c2c-bench-origin");
        List<String> paths = new ArrayList<>();
        byte[] file = new byte[fileMiB * 1024 * 1024];
        new Random(3).nextBytes(file);
        for (int i = 0; i < 8; i++) {
            Files.write(root.resolve("f" + i + ".bin"), file);
            paths.add("/f" + i + ".bin");
        }
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(SitesConfig.class)
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withDefaultValue("c2c.sites.fetch.allowed-private-cidrs", "127.0.0.0/8")
                .withDefaultValue("c2c.sites.collect.max-file-bytes", Long.toString(file.length))
                .withDefaultValue("c2c.sites.collect.max-total-bytes", Long.toString(16L * file.length))
                .build();
        SitesConfig sites = config.getConfigMapping(SitesConfig.class);
        Vertx vertx = Vertx.vertx();
        try (DemoOriginServer origin = DemoOriginServer.start(0, root)) {
            Collector collector = new Collector(new SafeFetcher(vertx, sites), sites);
            collector.collect("bench", origin.url(), List.of(), List.of(paths.get(0))); // warm-up
            for (int run = 0; run < 3; run++) {
                long start = System.nanoTime();
                CollectResult result = collector.collect("bench", origin.url(), List.of(), paths).result();
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("collect: %d files, %.0f MiB from a loopback origin in %.2f s = %.0f MB/s "
                        + "(errors %d)%n", result.filesCollected(), result.totalBytes() / 1048576.0, seconds,
                        result.totalBytes() / 1e6 / seconds, result.errors().size());
            }
        } finally {
            vertx.close();
            try (var files = Files.list(root)) {
                files.forEach(p -> p.toFile().delete());
            }
            Files.deleteIfExists(root);
        }
    }
}

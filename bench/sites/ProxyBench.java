import io.c2c.contracts.site.DomainClaim;
import io.c2c.contracts.site.SiteRecord;
import io.c2c.signaling.site.config.SitesConfig;
import io.c2c.signaling.site.fetch.SafeFetcher;
import io.c2c.signaling.site.proxy.ReverseProxy;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reverse proxy benchmark (not a test): the same closed-loop load straight to a loopback origin and through
 * {@link ReverseProxy}, so the difference is what the proxy costs: requests/s, p50/p99 latency and process CPU per
 * request. Everything runs in this one JVM on 127.0.0.1. Run by bench/sites-proxy-bench.sh [requests] [concurrency].
 */
public class ProxyBench {

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        Vertx vertx = Vertx.vertx();
        byte[] small = new byte[1024];
        Buffer upload = Buffer.buffer(new byte[64 * 1024]);
        HttpServer origin = vertx.createHttpServer().requestHandler(req -> {
            if (req.method() == HttpMethod.POST) {
                req.body().onSuccess(body -> req.response().end(body));
            } else {
                req.response().putHeader("Content-Type", "application/octet-stream").end(Buffer.buffer(small));
            }
        });
        int originPort = await(origin.listen(0, "127.0.0.1")).actualPort();

        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(SitesConfig.class)
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withDefaultValue("c2c.sites.fetch.allowed-private-cidrs", "127.0.0.0/8")
                .build();
        SitesConfig sites = config.getConfigMapping(SitesConfig.class);
        ReverseProxy proxy = new ReverseProxy(new SafeFetcher(vertx, sites), sites, vertx);
        SiteRecord site = SiteRecord.of("bench", "owner", List.of(new DomainClaim("bench.example", true, 1, "t")),
                "http://127.0.0.1:" + originPort + "/base", null, null, 1, 1);
        Router router = Router.router(vertx);
        router.route().handler(ctx -> proxy.forward(ctx, site));
        int proxyPort = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")).actualPort();

        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(concurrency)
                .setKeepAlive(true));
        for (String kind : List.of("GET 1 KiB", "POST 64 KiB echo")) {
            boolean post = kind.startsWith("POST");
            run(client, originPort, "/base/x", post, upload, requests / 4, concurrency); // warm-up
            run(client, proxyPort, "/x", post, upload, requests / 4, concurrency);
            Result direct = run(client, originPort, "/base/x", post, upload, requests, concurrency);
            Result proxied = run(client, proxyPort, "/x", post, upload, requests, concurrency);
            System.out.printf("%s, %d requests, %d in flight:%n", kind, requests, concurrency);
            System.out.printf("  direct : %7.0f req/s  p50 %6.2f ms  p99 %6.2f ms  CPU %5.1f us/req%n",
                    direct.perSecond, direct.p50, direct.p99, direct.cpuMicrosPerRequest);
            System.out.printf("  proxied: %7.0f req/s  p50 %6.2f ms  p99 %6.2f ms  CPU %5.1f us/req  "
                    + "(proxy adds %.1f us CPU and %.2f ms p50 per request)%n", proxied.perSecond, proxied.p50,
                    proxied.p99, proxied.cpuMicrosPerRequest,
                    proxied.cpuMicrosPerRequest - direct.cpuMicrosPerRequest, proxied.p50 - direct.p50);
        }
        vertx.close();
        System.exit(0);
    }

    record Result(double perSecond, double p50, double p99, double cpuMicrosPerRequest) {
    }

    static Result run(HttpClient client, int port, String path, boolean post, Buffer upload, int count,
                      int concurrency) throws Exception {
        long[] latencies = new long[count];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(count);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < concurrency; i++) {
            send(client, port, path, post, upload, next, latencies, failures, done);
        }
        if (!done.await(300, TimeUnit.SECONDS)) {
            throw new IllegalStateException("load did not finish");
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long cpu = os.getProcessCpuTime() - cpu0;
        if (failures.get() > 0) {
            System.out.println("  failures: " + failures.get());
        }
        Arrays.sort(latencies);
        return new Result(count / seconds, latencies[count / 2] / 1e6, latencies[(int) (count * 0.99)] / 1e6,
                cpu / 1e3 / count);
    }

    static void send(HttpClient client, int port, String path, boolean post, Buffer upload, AtomicInteger next,
                     long[] latencies, AtomicInteger failures, CountDownLatch done) {
        int index = next.getAndIncrement();
        if (index >= latencies.length) {
            return;
        }
        long start = System.nanoTime();
        RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(port).setURI(path)
                .setMethod(post ? HttpMethod.POST : HttpMethod.GET).putHeader("Host", "bench.example");
        client.request(options)
                .compose(req -> post ? req.send(upload) : req.send())
                .compose(response -> response.body())
                .onComplete(result -> {
                    if (result.failed()) {
                        failures.incrementAndGet();
                    }
                    latencies[index] = System.nanoTime() - start;
                    done.countDown();
                    send(client, port, path, post, upload, next, latencies, failures, done);
                });
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}

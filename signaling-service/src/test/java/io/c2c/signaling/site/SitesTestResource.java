package io.c2c.signaling.site;

import io.c2c.testing.DemoOriginServer;
import io.c2c.testing.DnsTestServer;
import io.c2c.testing.FreePorts;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real DNS server and a real origin on loopback for the site tests, shared by the JVM like Redis and Kafka:
 * the app's verification resolver points at the DNS server, and the well-known check at the origin's port.
 * Tests program DNS records and write origin files through the static accessors.
 */
public class SitesTestResource implements QuarkusTestResourceLifecycleManager {

    private static DnsTestServer dns;
    private static DemoOriginServer origin;
    private static Path originRoot;

    public static synchronized DnsTestServer dns() {
        if (dns == null) {
            dns = DnsTestServer.start();
        }
        return dns;
    }

    public static synchronized DemoOriginServer origin() {
        if (origin == null) {
            try {
                originRoot = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "origin-");
                origin = DemoOriginServer.start(FreePorts.next(), originRoot);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return origin;
    }

    /** The directory the origin serves. */
    public static synchronized Path originRoot() {
        origin();
        return originRoot;
    }

    /** Writes {@code bytes} at {@code path} on the origin (creating directories). */
    public static Path originFile(String path, byte[] bytes) {
        try {
            Path file = originRoot().resolve(path.substring(1));
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, String> start() {
        return Map.of(
                "c2c.sites.verify.dns-server", dns().address(),
                "c2c.sites.verify.dns-timeout", "1s",
                "c2c.sites.verify.well-known-port", Integer.toString(origin().port()));
    }

    @Override
    public void stop() {
        // shared for the whole JVM, like the rest of the harness; closed when the JVM exits
    }
}

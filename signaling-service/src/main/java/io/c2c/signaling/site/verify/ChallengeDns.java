package io.c2c.signaling.site.verify;

import io.c2c.signaling.site.config.SitesConfig;
import io.c2c.signaling.site.fetch.FetchException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.dns.DnsClient;
import io.vertx.core.dns.DnsClientOptions;
import io.vertx.core.dns.DnsException;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * DNS look-ups for ownership proof through the configured resolver ({@code c2c.sites.verify.dns-server}, or the
 * system's): TXT records of {@code _c2c-challenge.<domain>} and the domain's A/AAAA records for the well-known
 * file check. Uses Vert.x's DNS client (Netty's DNS codec), which bounds message sizes and times out queries.
 */
@ApplicationScoped
public class ChallengeDns {

    /** Upper bound on TXT strings considered, so a huge answer cannot make verification do unbounded work. */
    static final int MAX_TXT_STRINGS = 64;

    private final DnsClient client;
    private final long timeoutMs;

    public ChallengeDns(Vertx vertx, SitesConfig config) {
        this.timeoutMs = config.verify().dnsTimeout().toMillis();
        DnsClientOptions options = new DnsClientOptions().setQueryTimeout(timeoutMs).setRecursionDesired(true);
        config.verify().dnsServer().ifPresent(server -> {
            int colon = server.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("c2c.sites.verify.dns-server must be host:port, got " + server);
            }
            options.setHost(server.substring(0, colon)).setPort(Integer.parseInt(server.substring(colon + 1)));
        });
        this.client = vertx.createDnsClient(options);
    }

    /** The TXT strings at {@code name}; empty when the name does not exist. */
    public List<String> txt(String name) throws LookupException {
        List<String> strings = await(client.resolveTXT(name), name);
        return strings.size() > MAX_TXT_STRINGS ? strings.subList(0, MAX_TXT_STRINGS) : strings;
    }

    /** The IPv4 and IPv6 addresses of {@code host} through the same resolver. */
    public List<InetAddress> addresses(String host) throws FetchException {
        List<InetAddress> result = new ArrayList<>();
        try {
            for (String a : await(client.resolveA(host), host)) {
                result.add(InetAddress.getByName(a));
            }
            for (String aaaa : await(client.resolveAAAA(host), host)) {
                result.add(InetAddress.getByName(aaaa));
            }
        } catch (LookupException e) {
            throw new FetchException(FetchException.Kind.DNS_FAILURE, e.getMessage());
        } catch (UnknownHostException e) {
            throw new FetchException(FetchException.Kind.DNS_FAILURE, "malformed address in the DNS answer");
        }
        if (result.isEmpty()) {
            throw new FetchException(FetchException.Kind.DNS_FAILURE, "no address for " + host);
        }
        return result;
    }

    private <T> List<T> await(Future<List<T>> future, String name) throws LookupException {
        try {
            List<T> answer = future.toCompletionStage().toCompletableFuture().get(timeoutMs + 1000, TimeUnit.MILLISECONDS);
            return answer == null ? List.of() : answer;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof DnsException dns) {
                String code = String.valueOf(dns.code());
                if (code.contains("NXDOMAIN")) {
                    return List.of();
                }
                throw new LookupException("DNS error " + code + " for " + name);
            }
            String message = e.getCause() == null ? "" : String.valueOf(e.getCause().getMessage());
            if (message.toLowerCase(java.util.Locale.ROOT).contains("timeout")
                    || message.toLowerCase(java.util.Locale.ROOT).contains("timed out")) {
                throw new LookupException("DNS query for " + name + " timed out");
            }
            throw new LookupException("DNS query for " + name + " failed ("
                    + (e.getCause() == null ? "unknown" : e.getCause().getClass().getSimpleName()) + ")");
        } catch (TimeoutException e) {
            throw new LookupException("DNS query for " + name + " timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LookupException("interrupted");
        }
    }

    /** A DNS query that got no usable answer (timeout, SERVFAIL, REFUSED ...). */
    public static class LookupException extends Exception {
        public LookupException(String message) {
            super(message, null, false, false);
        }
    }
}

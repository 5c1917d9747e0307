package io.c2c.signaling.site.verify;

import io.c2c.signaling.site.config.LocalDemo;
import io.c2c.signaling.site.config.SitesConfig;
import io.c2c.signaling.site.fetch.FetchException;
import io.c2c.signaling.site.fetch.SafeFetcher;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Checks that whoever registered a domain controls it: the claim's token must be in a TXT record at
 * {@code _c2c-challenge.<domain>}, or be the body of {@code http://<domain>/.well-known/c2c-challenge}. The
 * file is fetched from the domain itself (resolved through the verification resolver), not from the registered
 * origin: anyone can put a file on an origin they name, only the domain's controller can serve it on the domain.
 */
@ApplicationScoped
public class OwnershipVerifier {

    public static final String DNS_LABEL = "_c2c-challenge.";
    public static final String WELL_KNOWN_PATH = "/.well-known/c2c-challenge";
    private static final int MAX_WELL_KNOWN_BYTES = 1024;

    private final ChallengeDns dns;
    private final SafeFetcher fetcher;
    private final SitesConfig.Verify config;
    private final LocalDemo localDemo;

    public OwnershipVerifier(ChallengeDns dns, SafeFetcher fetcher, SitesConfig config, LocalDemo localDemo) {
        this.localDemo = localDemo;
        this.dns = dns;
        this.fetcher = fetcher;
        this.config = config.verify();
    }

    /** Result of checking one domain: verified by which method, or why not. */
    public record Check(String domain, boolean verified, String method, String detail) {
    }

    public Check check(String domain, String token) {
        if (localDemo.localName(domain) != null) {
            return new Check(domain, true, "local", "a *.localhost name of the local demo: no proof needed");
        }
        String dnsDetail;
        try {
            List<String> strings = dns.txt(DNS_LABEL + domain);
            for (String s : strings) {
                if (s.strip().equals(token)) {
                    return new Check(domain, true, "dns-txt", "token found in TXT " + DNS_LABEL + domain);
                }
            }
            dnsDetail = strings.isEmpty() ? "no TXT record at " + DNS_LABEL + domain
                    : "TXT record at " + DNS_LABEL + domain + " does not hold the token";
        } catch (ChallengeDns.LookupException e) {
            dnsDetail = e.getMessage();
        }
        String httpDetail;
        try {
            URI url = URI.create("http://" + domain + (config.wellKnownPort() == 80 ? "" : ":" + config.wellKnownPort())
                    + WELL_KNOWN_PATH);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            // Redirects stay on the domain's host (SafeFetcher's rule), so a redirect cannot borrow another site.
            fetcher.get(url, MAX_WELL_KNOWN_BYTES, System.nanoTime() + 10_000_000_000L, dns::addresses,
                    body::writeBytes);
            if (new String(body.toByteArray(), StandardCharsets.UTF_8).strip().equals(token)) {
                return new Check(domain, true, "well-known", "token served at " + WELL_KNOWN_PATH);
            }
            httpDetail = WELL_KNOWN_PATH + " does not hold the token";
        } catch (FetchException e) {
            httpDetail = WELL_KNOWN_PATH + ": " + e.getMessage();
        }
        return new Check(domain, false, null, dnsDetail + "; " + httpDetail);
    }
}

package io.c2c.signaling.site;

import static io.c2c.signaling.site.Api.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.testing.DnsTestServer;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Ownership proof against a real DNS server on a loopback UDP port and a real origin: TXT and well-known file,
 * wrong tokens, resolver timeouts, internal addresses, and a takeover attempt that needs its own fresh proof.
 */
@QuarkusTest
class VerificationTest {

    private static final String ORIGIN = "https://origin.example.org";

    @Inject
    SiteRegistry registry;

    @Test
    void dnsTxtProofVerifiesAndOnlyThenTheHostIsServed() {
        String key = Api.newOwner();
        String domain = Api.freshDomain();
        String siteId = Api.registerSite(key, domain, ORIGIN);
        assertTrue(registry.findByHost(domain).isEmpty(), "unverified domains are never served");

        as(key).post("/api/v1/sites/" + siteId + "/verify").then().statusCode(200)
                .body("checks[0].verified", is(false))
                .body("checks[0].detail", containsString("no TXT record"));
        assertTrue(registry.findByHost(domain).isEmpty());

        SitesTestResource.dns().txt("_c2c-challenge." + domain, Api.challenge(key, siteId, domain));
        as(key).post("/api/v1/sites/" + siteId + "/verify").then().statusCode(200)
                .body("checks[0].verified", is(true))
                .body("checks[0].method", equalTo("dns-txt"))
                .body("site.domains[0].verified", is(true));

        assertEquals(siteId, registry.findByHost(domain).orElseThrow().siteId());
        assertEquals(siteId, registry.findByHost(domain.toUpperCase() + ".:443").orElseThrow().siteId());
        assertEquals(siteId, registry.findById(siteId).orElseThrow().siteId());
        assertTrue(registry.findByHost("other-" + domain).isEmpty());
    }

    @Test
    void aTxtRecordWithAnotherTokenDoesNotVerify() {
        String key = Api.newOwner();
        String domain = Api.freshDomain();
        String siteId = Api.registerSite(key, domain, ORIGIN);
        SitesTestResource.dns().txt("_c2c-challenge." + domain, "not-the-token");

        as(key).post("/api/v1/sites/" + siteId + "/verify").then().statusCode(200)
                .body("checks[0].verified", is(false))
                .body("checks[0].detail", containsString("does not hold the token"));
        assertTrue(registry.findByHost(domain).isEmpty());
    }

    @Test
    void wellKnownFileOnTheDomainVerifies() throws Exception {
        String key = Api.newOwner();
        String domain = Api.freshDomain();
        String siteId = Api.registerSite(key, domain, ORIGIN);
        SitesTestResource.dns().address(domain, "127.0.0.1");
        SitesTestResource.originFile("/.well-known/c2c-challenge",
                (Api.challenge(key, siteId, domain) + "\n").getBytes(StandardCharsets.UTF_8));

        as(key).post("/api/v1/sites/" + siteId + "/verify").then().statusCode(200)
                .body("checks[0].verified", is(true))
                .body("checks[0].method", equalTo("well-known"));
        assertEquals(siteId, registry.findByHost(domain).orElseThrow().siteId());
    }

    @Test
    void wellKnownCheckNeverConnectsToInternalAddresses() {
        String key = Api.newOwner();
        String domain = Api.freshDomain();
        String siteId = Api.registerSite(key, domain, ORIGIN);
        SitesTestResource.dns().address(domain, "10.20.30.40");

        as(key).post("/api/v1/sites/" + siteId + "/verify").then().statusCode(200)
                .body("checks[0].verified", is(false))
                .body("checks[0].detail", containsString("does not fetch from"));
    }

    @Test
    void aSilentResolverTimesOutWithAClearReason() {
        String key = Api.newOwner();
        String domain = Api.freshDomain();
        String siteId = Api.registerSite(key, domain, ORIGIN);
        DnsTestServer dns = SitesTestResource.dns();
        dns.silent(true);
        try {
            as(key).post("/api/v1/sites/" + siteId + "/verify").then().statusCode(200)
                    .body("checks[0].verified", is(false))
                    .body("checks[0].detail", containsString("timed out"));
        } finally {
            dns.silent(false);
        }
    }

    @Test
    void aDomainVerifiedByAnotherOwnerNeedsAFreshProofToMove() {
        String alice = Api.newOwner();
        String bob = Api.newOwner();
        String domain = Api.freshDomain();
        String aliceSite = Api.verifyByDns(alice, Api.registerSite(alice, domain, ORIGIN), domain);
        assertEquals(aliceSite, registry.findByHost(domain).orElseThrow().siteId());

        // Bob may claim it, but Alice's published proof does not count for Bob's site.
        String bobSite = Api.registerSite(bob, domain, "https://bob.example.org");
        as(bob).post("/api/v1/sites/" + bobSite + "/verify").then().statusCode(200)
                .body("checks[0].verified", is(false));
        assertEquals(aliceSite, registry.findByHost(domain).orElseThrow().siteId());

        // Whoever controls the DNS publishes Bob's token: a fresh proof moves the domain.
        SitesTestResource.dns().txt("_c2c-challenge." + domain, Api.challenge(bob, bobSite, domain));
        as(bob).post("/api/v1/sites/" + bobSite + "/verify").then().statusCode(200)
                .body("checks[0].verified", is(true));
        assertEquals(bobSite, registry.findByHost(domain).orElseThrow().siteId());
        as(alice).get("/api/v1/sites/" + aliceSite).then().statusCode(200)
                .body("domains[0].verified", is(false));
    }
}

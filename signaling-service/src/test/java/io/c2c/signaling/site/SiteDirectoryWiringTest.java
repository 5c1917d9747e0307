package io.c2c.signaling.site;

import static io.c2c.signaling.site.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.signaling.directory.SiteDirectory;
import io.c2c.signaling.directory.SiteInfo;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Signaling serves registered sites only through their verified domains, and only with P2P on. */
@QuarkusTest
class SiteDirectoryWiringTest {

    private static final String ORIGIN = "http://127.0.0.1:1";

    @Inject
    SiteDirectory directory;

    @Test
    void registeredSiteIsServedOnlyThroughVerifiedDomainsAndOnlyWithP2pOn() {
        String owner = Api.newOwner();
        String verifiedDomain = Api.freshDomain();
        String pendingDomain = Api.freshDomain();
        String siteId = Api.register(owner, List.of(verifiedDomain, pendingDomain), ORIGIN).statusCode(201)
                .extract().path("siteId");
        assertTrue(directory.find(siteId).isEmpty(), "a site without a verified domain is not served");

        Api.verifyByDns(owner, siteId, verifiedDomain);
        assertEquals(new SiteInfo(siteId, List.of(verifiedDomain)), directory.find(siteId).orElseThrow());

        as(owner).body(Map.of("domains", List.of(verifiedDomain, pendingDomain), "origin", ORIGIN,
                        "settings", Map.of("p2pEnabled", false)))
                .put("/api/v1/sites/" + siteId).then().statusCode(200);
        assertTrue(directory.find(siteId).isEmpty(), "P2P off: signaling does not serve the site");
    }

    @Test
    void configuredSitesStillServeWhenTheRegistryDoesNotKnowThem() {
        assertEquals(List.of("demo.test", "localhost"), directory.find("demo").orElseThrow().domains());
        assertTrue(directory.find("no-such-site").isEmpty());
    }
}

package io.c2c.signaling.site.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pure logic: sitemap entries, bounded, and no XML entity tricks. */
class SitemapParserTest {

    @Test
    void readsLocations() {
        String xml = "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                + "<url><loc> /a.html </loc></url><url><loc>https://x.example/b</loc><lastmod>2024</lastmod></url></urlset>";
        assertEquals(List.of("/a.html", "https://x.example/b"), SitemapParser.locations(bytes(xml), 10));
    }

    @Test
    void stopsJustPastTheLimitSoTheCallerCanReportIt() {
        StringBuilder xml = new StringBuilder("<urlset>");
        for (int i = 0; i < 100; i++) {
            xml.append("<url><loc>/").append(i).append("</loc></url>");
        }
        assertEquals(4, SitemapParser.locations(bytes(xml.append("</urlset>").toString()), 3).size());
    }

    @Test
    void rejectsMalformedXmlAndDoesNotResolveExternalEntities() {
        assertThrows(IllegalArgumentException.class, () -> SitemapParser.locations(bytes("<urlset><loc>"), 10));
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE u [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<urlset><url><loc>&x;</loc></url></urlset>";
        List<String> result;
        try {
            result = SitemapParser.locations(bytes(xxe), 10);
        } catch (IllegalArgumentException rejected) {
            return; // refusing the document is fine too
        }
        result.forEach(loc -> assertEquals(false, loc.contains("root:")));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

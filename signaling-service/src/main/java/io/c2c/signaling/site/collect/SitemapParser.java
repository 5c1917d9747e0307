package io.c2c.signaling.site.collect;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads the {@code <loc>} entries of a sitemap (sitemaps.org urlset). Streaming StAX with DTDs and external
 * entities off, so a hostile sitemap cannot read files or expand entities; the caller bounds the input size.
 */
public final class SitemapParser {

    private SitemapParser() {
    }

    /**
     * @param maxEntries stop after this many; the caller reports that the sitemap was longer
     * @throws IllegalArgumentException when the document is not well-formed XML
     */
    public static List<String> locations(byte[] xml, int maxEntries) {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        try {
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        } catch (IllegalArgumentException ignored) {
            // not every StAX implementation knows it; DTD support is off anyway
        }
        List<String> result = new ArrayList<>();
        try {
            XMLStreamReader reader = factory.createXMLStreamReader(new ByteArrayInputStream(xml));
            try {
                while (reader.hasNext() && result.size() <= maxEntries) {
                    if (reader.next() == XMLStreamConstants.START_ELEMENT && "loc".equals(reader.getLocalName())) {
                        result.add(reader.getElementText().strip());
                    }
                }
            } finally {
                reader.close();
            }
        } catch (XMLStreamException e) {
            throw new IllegalArgumentException("the sitemap is not well-formed XML");
        }
        return result;
    }
}

package io.c2c.signaling.site.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The local demo's exception to the site rules applies only to *.localhost names, and only when switched on. */
class LocalDemoTest {

    static SitesConfig config(boolean localDemo) {
        return (SitesConfig) Proxy.newProxyInstance(SitesConfig.class.getClassLoader(), new Class<?>[] {SitesConfig.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("localDemo")) {
                        return localDemo;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void switchedOffNothingIsADemoName() {
        LocalDemo off = new LocalDemo(config(false));
        assertNull(off.localName("demo.localhost"));
        assertNull(off.localHost("demo.localhost:8080"));
    }

    @Test
    void refusedOutsideTheLocalProfile() {
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> new LocalDemo(config(true)));
        assertThrows(IllegalStateException.class, () -> new LocalDemo(true, List.of("prod")));
        assertTrue(refused.getMessage().contains("local"), refused.getMessage());
    }

    @Test
    void inTheLocalProfileOnlyLocalhostSubdomainsQualify() {
        LocalDemo on = new LocalDemo(true, List.of("prod", "local"));
        assertEquals("demo.localhost", on.localName("Demo.LocalHost"));
        assertEquals("a.b-c.localhost", on.localHost("a.b-c.localhost:8080"));
        for (String name : new String[] {"localhost", "demo.localhost.example", "demo.example", "-x.localhost",
                "demo..localhost", "127.0.0.1", "demo.localhost/x", "*.localhost", ""}) {
            assertNull(on.localName(name), name);
        }
    }
}

package io.c2c.signaling.site.config;

import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The local demo's one exception to the site rules ({@code c2c.sites.local-demo}, set by {@code ./c2c up}
 * through the {@code local} profile): {@code *.localhost} names may be registered, are verified without a
 * proof, and are served. Such a name resolves to the visitor's own machine in browsers, so it can never
 * reach anyone else's platform; the knob is refused outside the {@code local} profile all the same.
 */
@ApplicationScoped
@Startup
public class LocalDemo {

    public static final String PROFILE = "local";
    private static final Pattern LOCALHOST_NAME = Pattern.compile("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+localhost");

    private final boolean enabled;

    @Inject
    public LocalDemo(SitesConfig config) {
        this(config.localDemo(), ConfigUtils.getProfiles());
    }

    LocalDemo(boolean enabled, List<String> activeProfiles) {
        this.enabled = enabled;
        if (enabled && !activeProfiles.contains(PROFILE)) {
            throw new IllegalStateException("c2c.sites.local-demo is for the local run only (profile '" + PROFILE
                    + "'); active profiles: " + activeProfiles);
        }
    }

    /** The canonical {@code *.localhost} name when the demo rules apply to {@code name}, else null. */
    public String localName(String name) {
        if (!enabled || name == null) {
            return null;
        }
        String lower = name.strip().toLowerCase(Locale.ROOT);
        return LOCALHOST_NAME.matcher(lower).matches() ? lower : null;
    }

    /** A Host header's name (port removed) when it is a demo {@code *.localhost} name, else null. */
    public String localHost(String hostHeader) {
        if (!enabled || hostHeader == null) {
            return null;
        }
        int colon = hostHeader.lastIndexOf(':');
        return localName(colon > 0 ? hostHeader.substring(0, colon) : hostHeader);
    }
}

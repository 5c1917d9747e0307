package io.c2c.relay.config;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;

/**
 * Refuses to start a production node with the placeholder secrets of application.properties
 * ({@code change-me-...}) or with secrets too short to resist guessing: anyone who knows the
 * placeholder could mint TURN credentials or call the internal API. Dev and test modes keep the
 * placeholders so a checkout runs without set-up; {@code ./c2c up} generates real ones.
 */
@ApplicationScoped
public class SecretsGuard {

    static final String PLACEHOLDER_PREFIX = "change-me";
    static final int MIN_SECRET_LENGTH = 16;

    void check(@Observes StartupEvent event, RelayConfig config) {
        if (LaunchMode.current() != LaunchMode.NORMAL) {
            return;
        }
        List<String> problems = problems(config.auth().secrets(), config.api().internalTokens());
        if (!problems.isEmpty()) {
            throw new IllegalStateException("refusing to start with unsafe secrets: " + String.join("; ", problems)
                    + " (set C2C_TURN_SECRETS and C2C_INTERNAL_TOKEN, e.g. from a Kubernetes Secret)");
        }
    }

    /** What is wrong with the configured secrets; names the setting, never the value. */
    static List<String> problems(List<String> turnSecrets, List<String> internalTokens) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < turnSecrets.size(); i++) {
            String secret = turnSecrets.get(i);
            if (unsafe(secret)) {
                problems.add("TURN secret #" + (i + 1) + " is a placeholder or shorter than " + MIN_SECRET_LENGTH);
            }
        }
        for (int i = 0; i < internalTokens.size(); i++) {
            if (unsafe(internalTokens.get(i))) {
                problems.add("internal API token #" + (i + 1) + " is a placeholder or shorter than " + MIN_SECRET_LENGTH);
            }
        }
        return problems;
    }

    private static boolean unsafe(String secret) {
        return secret == null || secret.isBlank() || secret.startsWith(PLACEHOLDER_PREFIX)
                || secret.length() < MIN_SECRET_LENGTH;
    }
}

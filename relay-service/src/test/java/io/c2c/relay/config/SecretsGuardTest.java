package io.c2c.relay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Pure decision logic of the start-up guard; no Quarkus needed (the guard only runs in production mode). */
class SecretsGuardTest {

    private static final String GOOD = "0123456789abcdef0123456789abcdef";

    @Test
    void realSecretsPass() {
        assertTrue(SecretsGuard.problems(List.of(GOOD, GOOD + "x"), List.of(GOOD, GOOD + "y")).isEmpty());
    }

    @Test
    void placeholdersAndShortSecretsAreNamedWithoutTheirValues() {
        List<String> problems = SecretsGuard.problems(List.of(GOOD, "change-me-turn-secret", "short"),
                List.of("change-me-internal-token"));

        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("#2"));
        assertTrue(problems.get(1).contains("#3"));
        assertTrue(problems.get(2).contains("internal API token"));
        assertFalse(problems.toString().contains("change-me-turn-secret"), "never echo a secret");
        assertFalse(problems.toString().contains("short,"), "never echo a secret");
    }

    @Test
    void blankTokenIsRefused() {
        assertEquals(1, SecretsGuard.problems(List.of(GOOD), List.of(GOOD, " ")).size());
    }
}

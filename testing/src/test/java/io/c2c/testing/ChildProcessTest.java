package io.c2c.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessTest {

    @TempDir
    Path dir;

    @Test
    void pidFileIsOnlyTrustedWhenTheStartTimeMatches() throws Exception {
        String marker = "c2c-marker-" + System.nanoTime();
        ChildProcess child = ChildProcess.start("sleeper", List.of("/bin/sh", "-c", "sleep 30 # " + marker),
                dir.resolve("sleeper.log"), dir.resolve("sleeper.pid"), Map.of());
        try {
            assertTrue(ChildProcess.fromPidFile("sleeper", dir.resolve("sleeper.pid")).isPresent());

            // Same pid, other start time: as if the pid had been recycled by an unrelated process.
            Files.writeString(dir.resolve("other.pid"), child.pid() + "\n2001-01-01T00:00:00Z\n");
            assertTrue(ChildProcess.fromPidFile("other", dir.resolve("other.pid")).isEmpty());
        } finally {
            child.stop(Duration.ofSeconds(5));
        }
        assertFalse(child.isAlive());
        assertFalse(Files.exists(dir.resolve("sleeper.pid")));
    }
}

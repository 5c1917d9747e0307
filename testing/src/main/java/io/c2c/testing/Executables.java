package io.c2c.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the programs the harness runs, with one clear message when one is missing. */
final class Executables {

    private Executables() {
    }

    static Path require(String program, String overrideEnv, String installHint) {
        String override = System.getenv(overrideEnv);
        if (override != null && !override.isBlank()) {
            Path path = Path.of(override);
            if (Files.isExecutable(path)) {
                return path;
            }
            throw new IllegalStateException(overrideEnv + "=" + override + " is not an executable file");
        }
        return find(program).orElseThrow(() -> new IllegalStateException(
                program + " not found on PATH or in /usr/sbin, /usr/bin. Install it: " + installHint));
    }

    static Optional<Path> find(String program) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/bin:/usr/local/bin";
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}

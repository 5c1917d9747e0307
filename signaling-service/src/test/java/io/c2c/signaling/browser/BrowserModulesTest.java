package io.c2c.signaling.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.c2c.signaling.bundle.BrowserBundle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs the browser agent's Node tests ({@code node --test src/test/js}) so that the module's ordinary Maven build
 * covers them, twice: on the sources, and on the modules as {@link BrowserBundle} serves them (minified), so what
 * visitors run passes the same tests. Plain JUnit, not {@code @QuarkusTest}: the modules are pure JavaScript and
 * need no running service. Skipped, with a message saying so, only when {@code node} is not installed.
 */
class BrowserModulesTest {

    private static final Path TESTS = Path.of("src", "test", "js");
    private static final Path MODULES = Path.of("src", "main", "resources", "META-INF", "resources", "c2c");
    /** The same layout as src/ (the tests import ../../main/resources/...), with the modules minified. */
    private static final Path MINIFIED = Path.of("target", "minified-bundle");
    private static final long TIMEOUT_SECONDS = 120;
    private static final Pattern TEST_COUNT = Pattern.compile("tests (\\d+)");

    @Test
    void nodeTestsOfTheBrowserModulesPass() throws Exception {
        Assumptions.assumeTrue(nodeVersion() != null,
                "node is not installed: the browser agent's tests (src/test/js) were NOT run");
        assertTrue(Files.isDirectory(TESTS), "expected the Node tests in " + TESTS.toAbsolutePath());
        runNodeTests(TESTS);
    }

    @Test
    void nodeTestsPassOnTheMinifiedModulesVisitorsGet() throws Exception {
        Assumptions.assumeTrue(nodeVersion() != null,
                "node is not installed: the browser agent's tests (src/test/js) were NOT run");
        deleteTree(MINIFIED);
        Path modules = MINIFIED.resolve(Path.of("main", "resources", "META-INF", "resources", "c2c"));
        Path tests = MINIFIED.resolve(Path.of("test", "js"));
        int minified = 0;
        try (Stream<Path> files = Files.walk(MODULES)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = modules.resolve(MODULES.relativize(file).toString());
                Files.createDirectories(target.getParent());
                if (file.toString().endsWith(".js")) {
                    Files.write(target, BrowserBundle.prepare(Files.readString(file)).plain());
                    minified++;
                } else {
                    Files.copy(file, target);
                }
            }
        }
        try (Stream<Path> files = Files.walk(TESTS)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = tests.resolve(TESTS.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            }
        }
        assertTrue(minified > 10, "expected the agent's modules in " + MODULES.toAbsolutePath());
        runNodeTests(tests);
    }

    private static void runNodeTests(Path testDirectory) throws Exception {
        Path log = Files.createTempFile("c2c-node-tests", ".log");
        try {
            Process node = new ProcessBuilder(List.of("node", "--test", "--test-reporter=spec", testDirectory.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!node.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                fail("node --test did not finish within " + TIMEOUT_SECONDS + " s:\n" + read(log));
            }
            String output = read(log);
            System.out.println(output);
            assertEquals(0, node.exitValue(), "node --test " + testDirectory + " failed:\n" + output);
            Matcher count = TEST_COUNT.matcher(output);
            assertTrue(count.find() && Integer.parseInt(count.group(1)) > 0, "node ran no tests:\n" + output);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    /** The installed node's version, or null when there is none on the PATH. */
    private static String nodeVersion() throws InterruptedException {
        try {
            Process probe = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            if (!probe.waitFor(10, TimeUnit.SECONDS)) {
                probe.destroyForcibly();
                return null;
            }
            String version = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return probe.exitValue() == 0 ? version : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String read(Path log) throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }
}

package io.c2c.images;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c2c.images.build.Command;
import io.c2c.images.build.ImageBuild;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ./c2c images --registry} refuses what is not {@code REGISTRY[:PORT][/PATH]} before building anything. The
 * base image is pointed at a missing file, so a reference that slipped through would stop at that check instead of
 * starting a build, and the test would see the wrong message.
 */
class ImagesCommandTest {

    @TempDir
    Path work;

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:5000/c2c", "127.0.0.1:5000/C2C", "registry.example.com:port", "reg/a//b",
            "reg with space"})
    void malformedRegistryReferencesAreRefused(String registry) {
        Command.Result result = images(List.of("--registry", registry));

        assertNotEquals(0, result.exitCode());
        assertTrue(result.output().contains("is not REGISTRY[:PORT][/PATH]"), result.output());
    }

    @Test
    void registryWithoutAValueIsRefused() {
        Command.Result result = images(List.of("--registry"));

        assertNotEquals(0, result.exitCode());
        assertTrue(result.output().contains("--registry needs REGISTRY[/PATH]"), result.output());
    }

    @Test
    void aWellFormedReferenceGetsPastTheCheck() {
        Command.Result result = images(List.of("--registry", "127.0.0.1:5000/team/c2c", "--insecure"));

        assertNotEquals(0, result.exitCode());
        assertTrue(result.output().contains("C2C_IMAGE_BASE=" + work.resolve("missing.tar") + " does not exist"),
                result.output());
    }

    private Command.Result images(List<String> args) {
        List<String> command = new ArrayList<>(List.of("./c2c", "images"));
        command.addAll(args);
        return Command.run(command, ImageBuild.repositoryRoot(),
                Map.of("C2C_IMAGE_BASE", work.resolve("missing.tar").toString(), "C2C_IMAGE_REGISTRY", ""),
                Duration.ofSeconds(60), work.resolve("c2c.log"));
    }
}

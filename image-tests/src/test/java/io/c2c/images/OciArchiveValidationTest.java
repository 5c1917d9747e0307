package io.c2c.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.c2c.images.build.Command;
import io.c2c.images.build.ImageBuild;
import io.c2c.images.oci.OciArchive;
import io.c2c.images.oci.OciArchive.InvalidImageException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image tooling can fail: a small image packed by {@code pack-docker-archive.py} and converted by
 * {@code docker-archive-to-oci.py} passes {@link OciArchive} and skopeo, converts to the same bytes twice, and each
 * kind of damage (a flipped bit in a blob, a wrong size, a layer that is not the one its diff_id names, a missing
 * file, an unreferenced blob) is reported by the validator, by skopeo, or by the product's own scripts.
 * Fast: no Maven build, no Jib.
 */
class OciArchiveValidationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    @TempDir
    static Path work;
    private static Path dockerArchive;
    private static Path ociArchive;

    @BeforeAll
    static void convert() {
        Path rootfs = ImageBuild.syntheticRootfs(work.resolve("rootfs"));
        dockerArchive = work.resolve("base-docker.tar");
        script("pack", "pack-docker-archive.py", rootfs.toString(), dockerArchive.toString(), "c2c/tiny:1").orFail("pack");
        ociArchive = work.resolve("base-oci.tar");
        script("convert", "docker-archive-to-oci.py", dockerArchive.toString(), ociArchive.toString()).orFail("convert");
    }

    @Test
    void theConvertedArchiveIsValidForUsAndForSkopeo() throws IOException {
        OciArchive image = OciArchive.open(ociArchive);

        assertEquals("1", image.refName());
        assertEquals("185", image.runConfig().path("User").asText());
        assertTrue(image.layerFiles().get(0).contains(ImageBuild.BASE_MARKER));
        String inspect = run("skopeo", "skopeo", "inspect", "oci-archive:" + ociArchive).orFail("skopeo inspect").output();
        assertEquals(image.manifestDigest(), JSON.readTree(inspect.substring(inspect.indexOf('{'))).path("Digest").asText());
    }

    @Test
    void theConversionIsDeterministic() throws IOException {
        Path again = work.resolve("again.tar");
        script("convert-again", "docker-archive-to-oci.py", dockerArchive.toString(), again.toString()).orFail("convert");

        assertArrayEquals(Files.readAllBytes(ociArchive), Files.readAllBytes(again));
    }

    @Test
    void aFlippedBitInALayerIsReportedByTheValidatorSkopeoAndTheStartCheck() throws IOException {
        Path broken = rewrite(ociArchive, "flipped.tar", files -> {
            String layer = "blobs/sha256/" + digestHex(manifest(files).path("layers").get(0));
            files.get(layer)[600] ^= 1;
        });

        InvalidImageException e = assertThrows(InvalidImageException.class, () -> OciArchive.open(broken));
        assertTrue(e.getMessage().contains("does not match its digest"), e.getMessage());
        Command.Result copy = run("skopeo-copy-broken", "skopeo", "copy", "oci-archive:" + broken,
                "oci:" + work.resolve("copy-of-broken") + ":1");
        assertNotEquals(0, copy.exitCode(), "skopeo copies a corrupted image:\n" + copy.output());
        assertTrue(copy.output().contains("Digest did not match"), copy.output());
        // The start check of ./c2c images refuses it before unpacking anything.
        Command.Result verify = run("verify-broken", "bash", ImageBuild.repositoryRoot().resolve("deploy/images/verify-image.sh").toString(),
                broken.toString(), "1");
        assertNotEquals(0, verify.exitCode());
        assertTrue(verify.output().contains("does not match its descriptor"), verify.output());
    }

    @Test
    void aWrongSizeInADescriptorIsReported() {
        Path broken = rewriteManifest("size.tar", m -> {
            ObjectNode layer = (ObjectNode) m.path("layers").get(0);
            layer.put("size", layer.path("size").asLong() + 1);
        });

        InvalidImageException e = assertThrows(InvalidImageException.class, () -> OciArchive.open(broken));
        assertTrue(e.getMessage().contains("but the descriptor says"), e.getMessage());
    }

    @Test
    void aLayerThatIsNotTheOneItsDiffIdNamesIsReported() throws IOException {
        // A well-formed blob with a correct descriptor, but not the layer the config describes.
        byte[] otherLayer = Files.readAllBytes(dockerArchive);
        String otherHex = OciArchive.sha256(otherLayer);
        Path broken = rewriteManifest("diffid.tar", m -> {
            ObjectNode layer = (ObjectNode) m.path("layers").get(0);
            layer.put("digest", "sha256:" + otherHex);
            layer.put("size", otherLayer.length);
        }, files -> files.put("blobs/sha256/" + otherHex, otherLayer));

        InvalidImageException e = assertThrows(InvalidImageException.class, () -> OciArchive.open(broken));
        assertTrue(e.getMessage().contains("does not match diff_id"), e.getMessage());
    }

    @Test
    void missingLayoutFileRefNameOrAnUnreferencedBlobAreReported() {
        Path noLayout = rewrite(ociArchive, "no-layout.tar", files -> files.remove("oci-layout"));
        Path noRefName = rewrite(ociArchive, "no-ref.tar", files -> {
            ObjectNode index = (ObjectNode) parse(files.get("index.json"));
            ((ObjectNode) index.path("manifests").get(0)).remove("annotations");
            files.put("index.json", bytes(index));
        });
        byte[] stray = "stray".getBytes(StandardCharsets.UTF_8);
        Path strayBlob = rewrite(ociArchive, "stray.tar", files -> files.put("blobs/sha256/" + OciArchive.sha256(stray), stray));

        assertTrue(assertThrows(InvalidImageException.class, () -> OciArchive.open(noLayout)).getMessage().contains("oci-layout"));
        assertTrue(assertThrows(InvalidImageException.class, () -> OciArchive.open(noRefName)).getMessage().contains("ref.name"));
        assertTrue(assertThrows(InvalidImageException.class, () -> OciArchive.open(strayBlob)).getMessage()
                .contains("nothing references"));
    }

    @Test
    void theConverterRefusesADockerArchiveWhoseLayerIsNotItsDiffId() {
        Path broken = rewrite(dockerArchive, "docker-broken.tar", files -> {
            String layer = files.keySet().stream().filter(n -> n.endsWith("/layer.tar")).findFirst().orElseThrow();
            files.get(layer)[600] ^= 1;
        });
        Path out = work.resolve("never-written.tar");

        Command.Result result = script("convert-broken", "docker-archive-to-oci.py", broken.toString(), out.toString());

        assertNotEquals(0, result.exitCode());
        assertTrue(result.output().contains("does not match diff_id"), result.output());
        assertFalse(Files.exists(out), "no archive is written for a broken input");
    }

    private static Command.Result script(String log, String name, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("python3",
                ImageBuild.repositoryRoot().resolve("deploy/images/" + name).toString()));
        command.addAll(List.of(args));
        return Command.run(command, work, TIMEOUT, work.resolve("logs/" + log + ".log"));
    }

    private static Command.Result run(String log, String... command) {
        return Command.run(List.of(command), work, TIMEOUT, work.resolve("logs/" + log + ".log"));
    }

    /** Changes the manifest and re-links it (new manifest blob, index pointing at it), so only the change is wrong. */
    @SafeVarargs
    private static Path rewriteManifest(String name, Consumer<ObjectNode> change, Consumer<Map<String, byte[]>>... more) {
        return rewrite(ociArchive, name, files -> {
            JsonNode index = parse(files.get("index.json"));
            ObjectNode descriptor = (ObjectNode) index.path("manifests").get(0);
            ObjectNode manifest = (ObjectNode) manifest(files);
            files.remove("blobs/sha256/" + digestHex(descriptor));
            change.accept(manifest);
            byte[] manifestBytes = bytes(manifest);
            files.put("blobs/sha256/" + OciArchive.sha256(manifestBytes), manifestBytes);
            descriptor.put("digest", "sha256:" + OciArchive.sha256(manifestBytes));
            descriptor.put("size", manifestBytes.length);
            files.put("index.json", bytes(index));
            for (Consumer<Map<String, byte[]>> c : more) {
                c.accept(files);
            }
        });
    }

    private static JsonNode manifest(Map<String, byte[]> files) {
        return parse(files.get("blobs/sha256/" + digestHex(parse(files.get("index.json")).path("manifests").get(0))));
    }

    private static String digestHex(JsonNode descriptor) {
        return descriptor.path("digest").asText().substring("sha256:".length());
    }

    /** A copy of a tar archive with its regular files changed by {@code change} (names without a leading ./). */
    private static Path rewrite(Path source, String name, Consumer<Map<String, byte[]>> change) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(source); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (entry.isFile()) {
                    files.put(entry.getName(), tar.readAllBytes());
                }
            }
            change.accept(files);
            Path target = work.resolve(name);
            try (OutputStream out = Files.newOutputStream(target); TarArchiveOutputStream tarOut = new TarArchiveOutputStream(out)) {
                tarOut.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                for (Map.Entry<String, byte[]> file : files.entrySet()) {
                    TarArchiveEntry e = new TarArchiveEntry(file.getKey());
                    e.setSize(file.getValue().length);
                    tarOut.putArchiveEntry(e);
                    tarOut.write(file.getValue());
                    tarOut.closeArchiveEntry();
                }
            }
            return target;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode parse(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            JSON.writeValue(out, node);
            return out.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

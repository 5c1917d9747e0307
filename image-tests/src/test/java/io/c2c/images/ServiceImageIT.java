package io.c2c.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.c2c.images.build.Command;
import io.c2c.images.build.ImageBuild;
import io.c2c.images.oci.OciArchive;
import io.c2c.images.registry.LoopbackRegistry;
import io.c2c.images.registry.RegistryClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The images of {@code ./c2c images}, built for real: Quarkus's Jib extension layers relay-service on a synthetic
 * base (a) into the OCI image archive the default run writes, checked by {@link OciArchive} and by skopeo and umoci,
 * and (b) pushed with {@code --registry ... --insecure} to Debian's docker-registry on a loopback port, read back
 * over the registry API with every blob's digest checked. skopeo then pushes the archive of (a) to the same registry
 * byte for byte, which only works if real tools take it as a valid OCI image.
 */
class ServiceImageIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(2);
    private static final String PUSHED_REPOSITORY = "it/c2c/" + ImageBuild.SERVICE;
    private static final String COPIED_REPOSITORY = "it/oci/" + ImageBuild.SERVICE;

    private static Path work;
    private static LoopbackRegistry registry;
    private static Path archive;
    private static String pushedDigest;

    @BeforeAll
    static void buildImages() throws IOException {
        work = Files.createTempDirectory("c2c-image-it");
        ImageBuild build = ImageBuild.prepare(work);
        registry = LoopbackRegistry.start(Files.createDirectories(work.resolve("registry")));
        archive = build.buildArchive();
        pushedDigest = build.push(registry.hostAndPort() + "/it/c2c");
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (registry != null) {
            registry.close();
        }
        if (work != null) {
            Command.run(List.of("rm", "-rf", work.toString()), Path.of("/"), Duration.ofMinutes(1),
                    Files.createTempFile("c2c-image-it-cleanup", ".log"));
        }
    }

    @Test
    void theDefaultBuildWritesAValidOciArchiveOfTheServiceOnTheBase() {
        OciArchive image = OciArchive.open(archive);

        assertEquals(ImageBuild.TAG, image.refName());
        List<List<String>> layers = image.layerFiles();
        assertTrue(layers.get(0).contains(ImageBuild.BASE_MARKER), "the first layer is the base: " + layers.get(0));
        assertTrue(layers.size() >= 3, "the base plus the fast-jar layers: " + layers.size());
        assertServiceFiles(layers.stream().flatMap(List::stream).toList());
    }

    @Test
    void theImageRunsTheFastJarAsUser185() {
        JsonNode config = OciArchive.open(archive).runConfig();

        assertRunConfig(config);
    }

    @Test
    void skopeoAndUmociReadTheArchive() throws IOException {
        OciArchive image = OciArchive.open(archive);

        JsonNode inspect = json(tool("skopeo-inspect", "skopeo", "inspect", "oci-archive:" + archive));
        assertEquals(image.manifestDigest(), inspect.path("Digest").asText());
        List<String> layerDigests = StreamSupport.stream(image.manifest().path("layers").spliterator(), false)
                .map(l -> l.path("digest").asText()).toList();
        assertEquals(layerDigests, texts(inspect.path("Layers")));
        JsonNode skopeoConfig = json(tool("skopeo-config", "skopeo", "inspect", "--config", "oci-archive:" + archive));
        assertRunConfig(skopeoConfig.path("config"));

        Path layout = Files.createDirectories(work.resolve("umoci-layout"));
        tool("untar", "tar", "-xf", archive.toString(), "-C", layout.toString());
        JsonNode stat = json(tool("umoci-stat", "umoci", "stat", "--json", "--image", layout + ":" + ImageBuild.TAG));
        assertEquals(layerDigests.size(), stat.path("history").size(), "umoci sees every layer: " + stat);
        Path bundle = work.resolve("umoci-bundle");
        tool("umoci-unpack", "umoci", "unpack", "--rootless", "--image", layout + ":" + ImageBuild.TAG, bundle.toString());
        assertTrue(Files.isRegularFile(bundle.resolve("rootfs/app/quarkus-run.jar")));
        assertTrue(Files.isRegularFile(bundle.resolve("rootfs").resolve(ImageBuild.BASE_MARKER)));
        JsonNode process = JSON.readTree(bundle.resolve("config.json").toFile()).path("process");
        assertEquals(185, process.path("user").path("uid").asInt(-1), "runtime user: " + process);
        assertEquals("/app", process.path("cwd").asText());
        assertTrue(texts(process.path("args")).contains("quarkus-run.jar"), "runtime args: " + process.path("args"));
    }

    @Test
    void aPushToTheConfiguredRegistryIsReadBackWithEveryDigestChecked() throws IOException {
        RegistryClient client = new RegistryClient(registry.baseUrl());

        RegistryClient.Manifest manifest = client.manifest(PUSHED_REPOSITORY, ImageBuild.TAG);
        assertEquals(pushedDigest, manifest.digest(), "the digest Jib recorded is the one the registry serves");
        assertEquals(pushedDigest, "sha256:" + OciArchive.sha256(manifest.body()));
        JsonNode pulled = verifyBlobs(client, PUSHED_REPOSITORY, JSON.readTree(manifest.body()));
        assertRunConfig(pulled.path("config").path("config"));
        List<String> files = new ArrayList<>();
        pulled.path("files").forEach(f -> files.add(f.asText()));
        assertTrue(files.contains(ImageBuild.BASE_MARKER), "the base layer was pushed too");
        assertServiceFiles(files);

        JsonNode inspect = json(tool("skopeo-inspect-registry", "skopeo", "inspect", "--tls-verify=false",
                "docker://" + registry.hostAndPort() + "/" + PUSHED_REPOSITORY + ":" + ImageBuild.TAG));
        assertEquals(pushedDigest, inspect.path("Digest").asText());
        JsonNode skopeoConfig = json(tool("skopeo-config-registry", "skopeo", "inspect", "--config", "--tls-verify=false",
                "docker://" + registry.hostAndPort() + "/" + PUSHED_REPOSITORY + ":" + ImageBuild.TAG));
        assertRunConfig(skopeoConfig.path("config"));
    }

    @Test
    void skopeoPushesTheOciArchiveToTheRegistryUnchanged() throws IOException {
        OciArchive image = OciArchive.open(archive);
        String destination = "docker://" + registry.hostAndPort() + "/" + COPIED_REPOSITORY + ":" + ImageBuild.TAG;

        tool("skopeo-copy", "skopeo", "copy", "--dest-tls-verify=false", "--preserve-digests",
                "oci-archive:" + archive, destination);

        RegistryClient client = new RegistryClient(registry.baseUrl());
        RegistryClient.Manifest manifest = client.manifest(COPIED_REPOSITORY, ImageBuild.TAG);
        assertEquals(OciArchive.MANIFEST_TYPE, manifest.mediaType());
        assertEquals(image.manifestDigest(), manifest.digest(), "the registry holds the archive's own manifest");
        verifyBlobs(client, COPIED_REPOSITORY, JSON.readTree(manifest.body()));
    }

    /**
     * Fetches the config and every layer of a pushed manifest and checks each against its descriptor (sha256, size)
     * and each layer's uncompressed digest against the config's diff_ids; returns {config, files}.
     */
    private static JsonNode verifyBlobs(RegistryClient client, String repository, JsonNode manifest) throws IOException {
        byte[] configBytes = fetchChecked(client, repository, manifest.path("config"));
        JsonNode config = JSON.readTree(configBytes);
        JsonNode diffIds = config.path("rootfs").path("diff_ids");
        JsonNode layers = manifest.path("layers");
        assertEquals(layers.size(), diffIds.size(), "one diff_id per layer");
        List<String> files = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            byte[] uncompressed = OciArchive.gunzip(fetchChecked(client, repository, layers.get(i)), i);
            assertEquals(diffIds.get(i).asText(), "sha256:" + OciArchive.sha256(uncompressed), "layer " + i + " diff_id");
            files.addAll(OciArchive.entries(uncompressed, i));
        }
        return JSON.createObjectNode().<com.fasterxml.jackson.databind.node.ObjectNode>set("config", config)
                .set("files", JSON.valueToTree(files));
    }

    private static byte[] fetchChecked(RegistryClient client, String repository, JsonNode descriptor) {
        String digest = descriptor.path("digest").asText();
        byte[] blob = client.blob(repository, digest);
        assertEquals(digest, "sha256:" + OciArchive.sha256(blob), "blob content matches its digest");
        assertEquals(descriptor.path("size").asLong(), blob.length, "blob size of " + digest);
        return blob;
    }

    private static void assertRunConfig(JsonNode config) {
        assertEquals("185", config.path("User").asText(), "non-root user: " + config);
        assertEquals("/app", config.path("WorkingDir").asText());
        List<String> entrypoint = texts(config.path("Entrypoint"));
        assertEquals("java", entrypoint.get(0), "entrypoint: " + entrypoint);
        assertEquals(List.of("-jar", "quarkus-run.jar"), entrypoint.subList(entrypoint.size() - 2, entrypoint.size()));
        assertTrue(config.path("ExposedPorts").has("8070/tcp"), "relay's HTTP port: " + config.path("ExposedPorts"));
    }

    /** The fast-jar: launcher, the application jar, the platform's own library, Quarkus's generated app model. */
    private static void assertServiceFiles(List<String> files) {
        assertTrue(files.contains("app/quarkus-run.jar"), "launcher");
        assertTrue(files.contains("app/quarkus/quarkus-application.dat"), "Quarkus application model");
        assertTrue(files.stream().anyMatch(f -> f.matches("app/app/relay-service-.*\\.jar")), "application jar");
        assertTrue(files.stream().anyMatch(f -> f.matches("app/lib/main/io\\.c2c\\.c2c-contracts-.*\\.jar")), "contracts");
        assertTrue(files.stream().anyMatch(f -> f.matches("app/lib/main/io\\.c2c\\.c2c-net-policy-.*\\.jar")), "net-policy");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The JSON document in a tool's output (stdout and stderr are one stream; warnings come before it). */
    private static JsonNode json(String output) throws IOException {
        int start = output.indexOf('{');
        assertTrue(start >= 0, "no JSON in: " + output);
        return JSON.readTree(output.substring(start));
    }

    private static String tool(String logName, String... command) {
        return Command.run(List.of(command), work, TOOL_TIMEOUT, work.resolve("logs/" + logName + ".log"))
                .orFail(String.join(" ", command)).output();
    }
}

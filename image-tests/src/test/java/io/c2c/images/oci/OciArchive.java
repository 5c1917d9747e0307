package io.c2c.images.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * An OCI image layout archive (what {@code ./c2c images} writes), read and checked against the OCI image-layout and
 * image-spec rules the platform relies on, independently of the script that wrote it: {@code oci-layout} version,
 * {@code index.json} with exactly one image manifest tagged by {@code org.opencontainers.image.ref.name}, every
 * descriptor's blob present with the sha256 and size it claims, the media types, the config's {@code diff_ids}
 * equal to the uncompressed layers, and no blob that nothing references. {@link #open} throws
 * {@link InvalidImageException} on the first violation.
 */
public final class OciArchive {

    public static final String INDEX_TYPE = "application/vnd.oci.image.index.v1+json";
    public static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
    public static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
    public static final String LAYER_GZIP_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String LAYER_TAR_TYPE = "application/vnd.oci.image.layer.v1.tar";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String manifestDigest;
    private final String refName;
    private final JsonNode manifest;
    private final JsonNode config;
    private final List<List<String>> layerFiles;

    private OciArchive(String manifestDigest, String refName, JsonNode manifest, JsonNode config,
                       List<List<String>> layerFiles) {
        this.manifestDigest = manifestDigest;
        this.refName = refName;
        this.manifest = manifest;
        this.config = config;
        this.layerFiles = layerFiles;
    }

    /** Reads and validates the archive; every problem is an {@link InvalidImageException}. */
    public static OciArchive open(Path archive) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(archive); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (entry.isFile() && files.put(normalize(entry.getName()), tar.readAllBytes()) != null) {
                    throw new InvalidImageException("duplicate entry " + entry.getName());
                }
            }
        } catch (IOException e) {
            throw new InvalidImageException("not a readable tar archive: " + e.getMessage());
        }
        JsonNode layout = json(require(files, "oci-layout"), "oci-layout");
        if (!"1.0.0".equals(layout.path("imageLayoutVersion").asText())) {
            throw new InvalidImageException("oci-layout: imageLayoutVersion is not 1.0.0: " + layout);
        }
        JsonNode index = json(require(files, "index.json"), "index.json");
        expect(index.path("schemaVersion").asInt() == 2, "index.json: schemaVersion is not 2");
        expect(INDEX_TYPE.equals(index.path("mediaType").asText()), "index.json: mediaType is not " + INDEX_TYPE);
        JsonNode manifests = index.path("manifests");
        expect(manifests.isArray() && manifests.size() == 1, "index.json: expected exactly one manifest, got " + manifests);
        JsonNode top = manifests.get(0);
        expect(MANIFEST_TYPE.equals(top.path("mediaType").asText()), "index.json: the manifest is not " + MANIFEST_TYPE);
        String refName = top.path("annotations").path("org.opencontainers.image.ref.name").asText("");
        expect(!refName.isEmpty(), "index.json: no org.opencontainers.image.ref.name annotation");

        Set<String> referenced = new HashSet<>();
        JsonNode manifest = json(blob(files, top, referenced), "manifest");
        expect(manifest.path("schemaVersion").asInt() == 2, "manifest: schemaVersion is not 2");
        expect(MANIFEST_TYPE.equals(manifest.path("mediaType").asText()), "manifest: mediaType is not " + MANIFEST_TYPE);
        expect(CONFIG_TYPE.equals(manifest.path("config").path("mediaType").asText()), "manifest: config is not " + CONFIG_TYPE);
        JsonNode config = json(blob(files, manifest.path("config"), referenced), "config");
        JsonNode diffIds = config.path("rootfs").path("diff_ids");
        JsonNode layers = manifest.path("layers");
        expect(layers.isArray() && !layers.isEmpty(), "manifest: no layers");
        expect(diffIds.size() == layers.size(), "config: " + diffIds.size() + " diff_ids for " + layers.size() + " layers");
        List<List<String>> layerFiles = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            JsonNode layer = layers.get(i);
            String type = layer.path("mediaType").asText();
            expect(LAYER_GZIP_TYPE.equals(type) || LAYER_TAR_TYPE.equals(type), "layer " + i + ": media type " + type);
            byte[] compressed = blob(files, layer, referenced);
            byte[] tar = LAYER_GZIP_TYPE.equals(type) ? gunzip(compressed, i) : compressed;
            expect(("sha256:" + sha256(tar)).equals(diffIds.get(i).asText()),
                    "layer " + i + ": uncompressed digest does not match diff_id " + diffIds.get(i).asText());
            layerFiles.add(entries(tar, i));
        }
        Set<String> unreferenced = new HashSet<>();
        files.keySet().stream().filter(n -> n.startsWith("blobs/") && !referenced.contains(n)).forEach(unreferenced::add);
        expect(unreferenced.isEmpty(), "blobs nothing references: " + unreferenced);
        return new OciArchive(top.path("digest").asText(), refName, manifest, config, layerFiles);
    }

    /** The digest of the image manifest, as a registry reports it ({@code sha256:...}). */
    public String manifestDigest() {
        return manifestDigest;
    }

    public String refName() {
        return refName;
    }

    public JsonNode manifest() {
        return manifest;
    }

    /** The image configuration's {@code config} object (User, Entrypoint, WorkingDir, ...). */
    public JsonNode runConfig() {
        return config.path("config");
    }

    /** Paths in each layer, in layer order, without a leading {@code ./} or {@code /}. */
    public List<List<String>> layerFiles() {
        return layerFiles;
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Paths of the entries of an uncompressed layer tar. */
    public static List<String> entries(byte[] tar, int layer) {
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                names.add(normalize(entry.getName()));
            }
        } catch (IOException e) {
            throw new InvalidImageException("layer " + layer + ": not a tar archive: " + e.getMessage());
        }
        return names;
    }

    public static byte[] gunzip(byte[] data, int layer) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new InvalidImageException("layer " + layer + ": not gzip data: " + e.getMessage());
        }
    }

    private static byte[] blob(Map<String, byte[]> files, JsonNode descriptor, Set<String> referenced) {
        String digest = descriptor.path("digest").asText();
        expect(digest.matches("sha256:[0-9a-f]{64}"), "descriptor digest is not sha256:<64 hex>: " + descriptor);
        String name = "blobs/sha256/" + digest.substring("sha256:".length());
        byte[] data = require(files, name);
        expect(data.length == descriptor.path("size").asLong(-1),
                name + ": size " + data.length + " but the descriptor says " + descriptor.path("size"));
        expect(("sha256:" + sha256(data)).equals(digest), name + ": content does not match its digest");
        referenced.add(name);
        return data;
    }

    private static byte[] require(Map<String, byte[]> files, String name) {
        byte[] data = files.get(name);
        if (data == null) {
            throw new InvalidImageException("missing " + name);
        }
        return data;
    }

    private static JsonNode json(byte[] data, String what) {
        try {
            return JSON.readTree(data);
        } catch (IOException e) {
            throw new InvalidImageException(what + ": not JSON: " + e.getMessage());
        }
    }

    private static void expect(boolean condition, String violation) {
        if (!condition) {
            throw new InvalidImageException(violation);
        }
    }

    private static String normalize(String name) {
        String n = name.startsWith("./") ? name.substring(2) : name;
        return n.startsWith("/") ? n.substring(1) : n;
    }

    /** The archive breaks a rule of the OCI image layout or image spec that we check. */
    public static final class InvalidImageException extends RuntimeException {
        public InvalidImageException(String message) {
            super(message);
        }
    }
}

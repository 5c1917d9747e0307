package io.c2c.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Renders a kustomization with {@code kubectl kustomize} (the kustomize built into kubectl; no cluster is
 * contacted) and splits the output into one JSON tree per object. A missing kubectl is a failure with the fix in
 * the message, never a skip.
 */
final class Kustomize {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Map<Path, List<ObjectNode>> CACHE = new ConcurrentHashMap<>();

    private Kustomize() {
    }

    /** The kubectl binary: {@code $KUBECTL}, else /usr/bin/kubectl, else the first on PATH. */
    static Path kubectl() {
        return kubectl(System.getenv(), Path.of("/usr/bin/kubectl"));
    }

    static Path kubectl(Map<String, String> env, Path usual) {
        String configured = env.get("KUBECTL");
        if (configured != null && !configured.isBlank()) {
            return executable(Path.of(configured));
        }
        if (Files.isExecutable(usual)) {
            return usual;
        }
        for (String dir : env.getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "kubectl"))) {
                return Path.of(dir, "kubectl");
            }
        }
        throw new IllegalStateException("kubectl not found (looked at $KUBECTL, " + usual + " and PATH). The k8s-tests "
                + "render the overlays with `kubectl kustomize` (kustomize v5): install kubectl 1.27 or newer, or point "
                + "KUBECTL at it. See k8s/README.md.");
    }

    private static Path executable(Path path) {
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException("KUBECTL=" + path + " is not an executable file; install kubectl 1.27 or newer "
                    + "or fix KUBECTL (k8s/README.md)");
        }
        return path;
    }

    /** Every object of the rendered kustomization at {@code dir} (cached per JVM; callers get fresh copies). */
    static List<ObjectNode> render(Path dir) {
        List<ObjectNode> objects = CACHE.computeIfAbsent(dir.toAbsolutePath().normalize(), Kustomize::run);
        List<ObjectNode> copies = new ArrayList<>(objects.size());
        for (ObjectNode o : objects) {
            copies.add(o.deepCopy());
        }
        return copies;
    }

    private static List<ObjectNode> run(Path dir) {
        Path out;
        Path err;
        try {
            out = Files.createTempFile("kustomize", ".yaml");
            err = Files.createTempFile("kustomize", ".err");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try {
            Process p = new ProcessBuilder(kubectl().toString(), "kustomize", dir.toString())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("kubectl kustomize " + dir + " took over 60 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("kubectl kustomize " + dir + " failed (exit " + p.exitValue() + "): "
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            try (InputStream in = Files.newInputStream(out)) {
                return parseAll(in);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kubectl kustomize " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            try {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            } catch (IOException ignored) {
                // temp files; nothing to do
            }
        }
    }

    /** Every document of a multi-document YAML stream; each must be a mapping. */
    static List<ObjectNode> parseAll(InputStream in) throws IOException {
        List<ObjectNode> objects = new ArrayList<>();
        try (YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(in)) {
            var values = YAML.readValues(parser, JsonNode.class);
            while (values.hasNext()) {
                JsonNode doc = values.next();
                if (doc == null || doc.isNull() || doc.isMissingNode()) {
                    continue;
                }
                if (!doc.isObject()) {
                    throw new IOException("a YAML document is not a mapping: " + doc);
                }
                objects.add((ObjectNode) doc);
            }
        }
        return objects;
    }
}

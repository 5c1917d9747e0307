package io.c2c.images.build;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the real {@code ./c2c images} for relay-service in a copy of the repository's sources (so the nested Maven
 * build never rewrites the modules' target/ directories that the outer build and the system tests use), on a small
 * synthetic base image packed by {@code deploy/images/pack-docker-archive.py} instead of the debootstrap one: the
 * image has no JRE and is never started, which the start check of {@code ./c2c images} is told
 * ({@code C2C_IMAGE_START_CHECK=0}). Maven runs offline: the test JVM lives in a loopback-only namespace.
 */
public final class ImageBuild {

    public static final String SERVICE = "relay-service";
    public static final String TAG = "0.1.0";
    /** A file only the synthetic base has: the images must carry the base's layer. */
    public static final String BASE_MARKER = "etc/c2c-synthetic-base";

    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(12);
    private static final Set<String> NOT_COPIED = Set.of("target", ".git", ".c2c", "node_modules");

    private final Path workTree;
    private final Path work;
    private final Path base;

    private ImageBuild(Path workTree, Path work, Path base) {
        this.workTree = workTree;
        this.work = work;
        this.base = base;
    }

    /** The repository: the {@code c2c.root} property the root pom gives test JVMs, else the parent directory. */
    public static Path repositoryRoot() {
        String property = System.getProperty("c2c.root");
        Path root = property != null && !property.isBlank() ? Path.of(property) : Path.of("").toAbsolutePath().getParent();
        if (!Files.isRegularFile(root.resolve("deploy/images/docker-load-shim"))) {
            throw new IllegalStateException("repository root not found under " + root + "; set -Dc2c.root");
        }
        return root;
    }

    /** Copies the sources to {@code work/src} and packs the synthetic base to {@code work/base.tar}. */
    public static ImageBuild prepare(Path work) {
        Path repo = repositoryRoot();
        Path tree = work.resolve("src");
        copySources(repo, tree);
        Path base = work.resolve("base.tar");
        Path rootfs = syntheticRootfs(work.resolve("rootfs"));
        Command.run(List.of("python3", repo.resolve("deploy/images/pack-docker-archive.py").toString(), rootfs.toString(),
                        base.toString(), "c2c/synthetic-base:test"), work, Duration.ofMinutes(1), work.resolve("pack.log"))
                .orFail("pack-docker-archive.py");
        return new ImageBuild(tree, work, base);
    }

    /** A root filesystem with the user 185 the images run as, /app, /tmp and a marker file. */
    public static Path syntheticRootfs(Path rootfs) {
        try {
            Files.createDirectories(rootfs.resolve("etc"));
            Files.createDirectories(rootfs.resolve("app"));
            Files.createDirectories(rootfs.resolve("tmp"));
            Files.setPosixFilePermissions(rootfs.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
            Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\nc2c:x:185:185::/app:/usr/sbin/nologin\n");
            Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nc2c:x:185:\n");
            Files.writeString(rootfs.resolve(BASE_MARKER), "a synthetic base for image-tests; no JRE\n");
            return rootfs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code ./c2c images} with no registry: the OCI archive it writes. */
    public Path buildArchive() {
        images(List.of(), "images-archive.log");
        return workTree.resolve("target/images/" + SERVICE + "-" + TAG + ".tar");
    }

    /**
     * {@code ./c2c images --registry REGISTRY --insecure}: Jib pushes; returns the manifest digest Quarkus recorded
     * ({@code relay-service/target/jib-image.digest}).
     */
    public String push(String registry) {
        images(List.of("--registry", registry, "--insecure"), "images-push.log");
        try {
            return Files.readString(workTree.resolve(SERVICE + "/target/jib-image.digest")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("no jib-image.digest after the push", e);
        }
    }

    public Path workTree() {
        return workTree;
    }

    private void images(List<String> options, String logName) {
        List<String> command = new ArrayList<>(List.of("./c2c", "images"));
        command.addAll(options);
        command.addAll(List.of("-o", "-Dmaven.test.skip=true",
                "-Dquarkus.jib.base-image-layers-cache=" + work.resolve("jib-cache/base"),
                "-Dquarkus.jib.application-layers-cache=" + work.resolve("jib-cache/app")));
        Map<String, String> env = new HashMap<>();
        env.put("C2C_IMAGE_SERVICES", "relay");
        env.put("C2C_IMAGE_BASE", base.toString());
        env.put("C2C_IMAGE_START_CHECK", "0");
        env.put("C2C_IMAGE_REGISTRY", "");
        // A short build JVM: C1 only is faster for a one-off Maven run on a small, busy machine.
        env.put("MAVEN_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        Command.run(command, workTree, env, BUILD_TIMEOUT, work.resolve(logName)).orFail(String.join(" ", command));
    }

    private static void copySources(Path from, Path to) {
        try {
            Files.walkFileTree(from, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (!dir.equals(from) && NOT_COPIED.contains(dir.getFileName().toString())) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (attrs.isRegularFile() && !NOT_COPIED.contains(file.getFileName().toString())) {
                        Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
                                LinkOption.NOFOLLOW_LINKS);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the sources to " + to, e);
        }
    }
}

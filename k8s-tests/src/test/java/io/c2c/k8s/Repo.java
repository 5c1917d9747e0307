package io.c2c.k8s;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository is: the {@code c2c.root} system property Surefire sets, else the parent of the working directory. */
final class Repo {

    private Repo() {
    }

    static Path root() {
        String property = System.getProperty("c2c.root");
        Path root = property != null && !property.isBlank() ? Path.of(property) : Path.of("").toAbsolutePath().getParent();
        if (!Files.isDirectory(root.resolve("k8s"))) {
            throw new IllegalStateException("repository root not found (no k8s/ under " + root + "); set -Dc2c.root");
        }
        return root;
    }

    static Path path(String relative) {
        return root().resolve(relative);
    }
}

package io.c2c.k8s;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The overlays under k8s/overlays and what each promises. */
enum Overlays {
    DEV("k8s/overlays/dev", ManifestInvariants.Expectations.DEV),
    PROD("k8s/overlays/prod", ManifestInvariants.Expectations.PROD);

    final String dir;
    final ManifestInvariants.Expectations expectations;

    Overlays(String dir, ManifestInvariants.Expectations expectations) {
        this.dir = dir;
        this.expectations = expectations;
    }

    /** A fresh copy of the rendered objects (safe to mutate). */
    List<ObjectNode> render() {
        return Kustomize.render(Repo.path(dir));
    }

    List<String> violations(List<ObjectNode> objects) {
        return ManifestInvariants.check(objects, expectations);
    }
}

package io.c2c.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding kubectl (a missing one fails loudly) and the per-site TLS template. */
class KubectlAndTemplatesTest {

    @Test
    void missingKubectlIsAFailureThatSaysWhatToDo(@TempDir Path dir) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Kustomize.kubectl(Map.of("PATH", dir.toString()), dir.resolve("kubectl")));
        assertTrue(e.getMessage().contains("kubectl not found") && e.getMessage().contains("install kubectl"), e.getMessage());
        IllegalStateException wrong = assertThrows(IllegalStateException.class,
                () -> Kustomize.kubectl(Map.of("KUBECTL", dir.resolve("nope").toString()), dir.resolve("kubectl")));
        assertTrue(wrong.getMessage().contains("is not an executable file"), wrong.getMessage());
    }

    @Test
    void kubectlIsFoundOnThePath(@TempDir Path dir) throws Exception {
        Path fake = Files.createFile(dir.resolve("kubectl"));
        assertTrue(fake.toFile().setExecutable(true));
        assertEquals(fake, Kustomize.kubectl(Map.of("PATH", "/nonexistent:" + dir), dir.resolve("absent")));
    }

    @Test
    void siteTlsTemplateRendersToStrictlyValidObjects() throws Exception {
        String template = Files.readString(Repo.path("k8s/templates/site-tls.yaml"), StandardCharsets.UTF_8);
        String rendered = template.replace("SITE_ID", "shop-42").replace("DOMAIN", "www.shop.example");
        List<ObjectNode> objects = Kustomize.parseAll(new ByteArrayInputStream(rendered.getBytes(StandardCharsets.UTF_8)));
        assertEquals(2, objects.size());
        ObjectNode certificate = objects.get(0);
        assertEquals(List.of(), CustomResources.check(certificate));
        Ingress ingress = (Ingress) StrictKubernetes.parse(objects.get(1));
        assertEquals("site-shop-42-tls", certificate.at("/spec/secretName").asText());
        assertEquals("site-shop-42-tls", ingress.getSpec().getTls().get(0).getSecretName());
        assertEquals(List.of("www.shop.example"), ingress.getSpec().getTls().get(0).getHosts());
        assertEquals("www.shop.example", certificate.at("/spec/dnsNames/0").asText());

        // The issuer and backend it names exist in every overlay.
        for (Overlays overlay : Overlays.values()) {
            List<ObjectNode> all = overlay.render();
            String issuer = certificate.at("/spec/issuerRef/name").asText();
            assertTrue(all.stream().anyMatch(o -> o.path("kind").asText().equals("Issuer")
                    && o.at("/metadata/name").asText().equals(issuer)), overlay + " has the Issuer " + issuer);
            String backend = ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend().getService().getName();
            assertTrue(all.stream().anyMatch(o -> o.path("kind").asText().equals("Service")
                    && o.at("/metadata/name").asText().equals(backend)), overlay + " has the Service " + backend);
        }
        // No placeholder survives the substitution.
        assertTrue(!rendered.contains("SITE_ID") && !rendered.contains("DOMAIN"));
    }

    @Test
    void certificateSchemaIsStrict() throws Exception {
        String template = Files.readString(Repo.path("k8s/templates/site-tls.yaml"), StandardCharsets.UTF_8)
                .replace("SITE_ID", "s").replace("DOMAIN", "d.example").replace("secretName: site-s-tls\n  dnsNames",
                        "secretNam: site-s-tls\n  dnsNames");
        ObjectNode certificate = Kustomize.parseAll(new ByteArrayInputStream(template.getBytes(StandardCharsets.UTF_8))).get(0);
        List<String> errors = CustomResources.check(certificate);
        assertTrue(errors.stream().anyMatch(e -> e.contains("spec.secretName: required")), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.contains("spec.secretNam: unknown field")), errors.toString());
    }
}

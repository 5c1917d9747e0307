package io.c2c.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.c2c.net.Cidr;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules every rendered overlay must keep, checked against the services' own configuration and sources.
 * {@link #check} returns every violation as a readable line (empty = fine), so a test can both require none for
 * the real overlays and require a specific one for a deliberately broken copy.
 */
final class ManifestInvariants {

    /** What an overlay promises beyond the common rules: prod is highly available and autoscaled, dev is neither. */
    record Expectations(boolean highlyAvailable, boolean autoscaled) {
        static final Expectations DEV = new Expectations(false, false);
        static final Expectations PROD = new Expectations(true, true);
    }

    static final List<String> MODULES = List.of("signaling-service", "discovery-service", "relay-service");

    /** Each service's drain settings (their sum bounds how long a stopping pod takes after preStop). */
    private static final Map<String, List<String>> DRAIN_KEYS = Map.of(
            "signaling-service", List.of("c2c.signaling.drain-delay", "c2c.signaling.drain-timeout",
                    "c2c.signaling.event-shutdown-flush-timeout"),
            "discovery-service", List.of(),
            "relay-service", List.of("c2c.relay.drain-timeout"));

    /** Time after the drain for Quarkus to stop and close its clients. */
    static final Duration SHUTDOWN_MARGIN = Duration.ofSeconds(10);

    /** Kafka topics each service uses, by the key that names it. */
    private static final Map<String, List<String>> TOPIC_KEYS = Map.of(
            "signaling-service", List.of("mp.messaging.outgoing.peer-events.topic", "c2c.sites.registry.topic"),
            "discovery-service", List.of("c2c.discovery.feed.topic"),
            "relay-service", List.of());

    static final String INGRESS_NAMESPACE = "ingress-nginx";
    static final List<String> CLUSTER_INTERNAL_CIDRS =
            List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "127.0.0.0/8");
    private static final Pattern SECRET_NAME = Pattern.compile("SECRET|TOKEN|PASSWORD|CREDENTIAL|API_KEY");
    private static final Pattern VAR_REF = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Environment variables that configure the services (the rest, like JAVA_TOOL_OPTIONS or POD_IP, do not). */
    private static final Pattern SETTING = Pattern.compile("^(C2C|QUARKUS|MP|KAFKA)_");
    /** Quarkus built-in settings the manifests use that the services leave at their defaults (so not in their files). */
    private static final Set<String> QUARKUS_BUILT_INS = Set.of("QUARKUS_HTTP_HOST", "QUARKUS_REDIS_PASSWORD",
            "QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE");

    private final Expectations expect;
    private final List<String> violations = new ArrayList<>();
    private final Map<String, ServiceConfig> configs = new HashMap<>();
    private final MetricCatalog metrics;

    private final List<Workload> workloads = new ArrayList<>();
    private final Map<String, ConfigMap> configMaps = new HashMap<>();
    private final Map<String, Service> services = new HashMap<>();
    private final List<PodDisruptionBudget> pdbs = new ArrayList<>();
    private final List<NetworkPolicy> policies = new ArrayList<>();
    private final List<JsonNode> custom = new ArrayList<>();
    private final List<HorizontalPodAutoscaler> hpas = new ArrayList<>();
    private final List<HasMetadata> ingresses = new ArrayList<>();

    private record Workload(String kind, String name, PodTemplateSpec template) {
        Map<String, String> podLabels() {
            return template.getMetadata() == null || template.getMetadata().getLabels() == null
                    ? Map.of() : template.getMetadata().getLabels();
        }
    }

    private ManifestInvariants(Expectations expect, MetricCatalog metrics) {
        this.expect = expect;
        this.metrics = metrics;
        for (String module : MODULES) {
            configs.put(module, ServiceConfig.of(module));
        }
    }

    static List<String> check(List<ObjectNode> objects, Expectations expect) {
        ManifestInvariants run = new ManifestInvariants(expect, MetricCatalog.fromSources(MODULES.toArray(String[]::new)));
        run.parse(objects);
        run.checkWorkloads();
        run.checkNetworkPolicies();
        run.checkAutoscalers();
        run.checkTopics();
        run.checkMonitoring();
        run.checkServicesAndIngresses();
        return List.copyOf(run.violations);
    }

    // ------------------------------------------------------------------ parsing

    private void parse(List<ObjectNode> objects) {
        Set<String> seen = new HashSet<>();
        for (ObjectNode o : objects) {
            String id = StrictKubernetes.typeKey(o) + " " + o.path("metadata").path("namespace").asText("")
                    + "/" + o.path("metadata").path("name").asText("");
            if (!seen.add(id)) {
                violations.add(id + ": defined twice");
            }
            if (StrictKubernetes.isCore(o)) {
                try {
                    collect(StrictKubernetes.parse(o));
                } catch (IllegalArgumentException e) {
                    violations.add(id + ": does not fit the Kubernetes model: " + e.getMessage());
                }
            } else if (CustomResources.isKnown(o)) {
                List<String> errors = CustomResources.check(o);
                violations.addAll(errors);
                if (errors.isEmpty()) {
                    custom.add(o);
                }
            } else {
                violations.add(id + ": unknown kind (neither a core kind nor a checked custom resource)");
            }
        }
    }

    private void collect(HasMetadata object) {
        String name = object.getMetadata().getName();
        if (object instanceof Deployment d) {
            workloads.add(new Workload("Deployment", name, d.getSpec().getTemplate()));
        } else if (object instanceof StatefulSet s) {
            workloads.add(new Workload("StatefulSet", name, s.getSpec().getTemplate()));
        } else if (object instanceof DaemonSet d) {
            workloads.add(new Workload("DaemonSet", name, d.getSpec().getTemplate()));
        } else if (object instanceof ConfigMap c) {
            configMaps.put(name, c);
        } else if (object instanceof Service s) {
            services.put(name, s);
        } else if (object instanceof PodDisruptionBudget p) {
            pdbs.add(p);
        } else if (object instanceof NetworkPolicy n) {
            policies.add(n);
        } else if (object instanceof HorizontalPodAutoscaler h) {
            hpas.add(h);
        } else if (object instanceof io.fabric8.kubernetes.api.model.networking.v1.Ingress i) {
            ingresses.add(i);
        } else if (object instanceof Secret s) {
            boolean hasData = s.getData() != null && !s.getData().isEmpty();
            boolean hasStringData = s.getStringData() != null && !s.getStringData().isEmpty();
            if (hasData || hasStringData) {
                violations.add("Secret " + name + ": holds values; Secrets are created by the operator of the cluster, "
                        + "the manifests only reference them");
            }
        }
    }

    // ------------------------------------------------------------------ workloads

    private void checkWorkloads() {
        for (Workload w : workloads) {
            String where = w.kind + " " + w.name;
            var spec = w.template.getSpec();
            if (pdbs.stream().noneMatch(p -> Selectors.matches(p.getSpec().getSelector(), w.podLabels()))) {
                violations.add(where + ": no PodDisruptionBudget selects its pods");
            }
            if (policies.stream().noneMatch(p -> specific(p) && Selectors.matches(p.getSpec().getPodSelector(), w.podLabels()))) {
                violations.add(where + ": no NetworkPolicy of its own selects its pods");
            }
            for (Container c : spec.getContainers()) {
                String at = where + " container " + c.getName();
                if (c.getLivenessProbe() == null) {
                    violations.add(at + ": livenessProbe missing");
                }
                if (c.getReadinessProbe() == null) {
                    violations.add(at + ": readinessProbe missing");
                }
                checkResources(at, c.getResources());
                moduleOf(c).ifPresent(module -> checkPlatformContainer(w, c, module));
            }
        }
    }

    private static boolean specific(NetworkPolicy p) {
        var selector = p.getSpec().getPodSelector();
        return selector != null && selector.getMatchLabels() != null && !selector.getMatchLabels().isEmpty();
    }

    private void checkResources(String at, ResourceRequirements r) {
        Map<String, Quantity> requests = r == null || r.getRequests() == null ? Map.of() : r.getRequests();
        Map<String, Quantity> limits = r == null || r.getLimits() == null ? Map.of() : r.getLimits();
        if (!requests.containsKey("cpu") || !requests.containsKey("memory")) {
            violations.add(at + ": resources.requests needs cpu and memory");
        }
        if (!limits.containsKey("memory")) {
            violations.add(at + ": resources.limits needs memory");
        }
    }

    /** The platform service a container runs, from its image name ({@code .../c2c/<module>:tag}). */
    static Optional<String> moduleOf(Container c) {
        String image = Objects.requireNonNullElse(c.getImage(), "");
        String repo = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int colon = repo.lastIndexOf(':');
        if (colon > repo.lastIndexOf('/')) {
            repo = repo.substring(0, colon);
        }
        String last = repo.substring(repo.lastIndexOf('/') + 1);
        return MODULES.contains(last) ? Optional.of(last) : Optional.empty();
    }

    private void checkPlatformContainer(Workload w, Container c, String module) {
        String at = w.kind + " " + w.name + " container " + c.getName() + " (" + module + ")";
        Map<String, String> env = environment(at, c);
        ServiceConfig config = configs.get(module).withEnvironment(env);
        for (String name : env.keySet()) {
            if (SETTING.matcher(name).find() && !config.documents(name) && !QUARKUS_BUILT_INS.contains(name)) {
                violations.add(at + ": " + name + " is not a setting " + module + " documents in its application.properties "
                        + "(Quarkus would ignore it)");
            }
        }
        var pod = w.template.getSpec();

        // Ports: exactly the ones the service listens on, by its configuration.
        Set<String> expected = new TreeSet<>();
        int httpPort = config.intValue("quarkus.http.port");
        expected.add(httpPort + "/TCP");
        if (module.equals("relay-service")) {
            int turn = config.intValue("c2c.relay.listen-port");
            expected.add(turn + "/UDP");
            expected.add(turn + "/TCP");
        }
        Set<String> declared = new TreeSet<>();
        for (ContainerPort p : Objects.requireNonNullElse(c.getPorts(), List.<ContainerPort>of())) {
            declared.add(p.getContainerPort() + "/" + Objects.requireNonNullElse(p.getProtocol(), "TCP"));
            if (Boolean.TRUE.equals(pod.getHostNetwork()) && p.getHostPort() != null
                    && !p.getHostPort().equals(p.getContainerPort())) {
                violations.add(at + ": with hostNetwork, hostPort " + p.getHostPort() + " must equal containerPort "
                        + p.getContainerPort());
            }
        }
        if (!declared.equals(expected)) {
            violations.add(at + ": containerPorts " + declared + " differ from the service's configured ports " + expected);
        }

        // Probes on the paths the service serves, on its HTTP port.
        String health = HealthPaths.healthRoot(config);
        checkProbe(at, "livenessProbe", c.getLivenessProbe(), c, health + "/" + HealthPaths.sub(config, "liveness-path", "live"), httpPort);
        checkProbe(at, "readinessProbe", c.getReadinessProbe(), c, health + "/" + HealthPaths.sub(config, "readiness-path", "ready"), httpPort);
        if (c.getStartupProbe() == null) {
            violations.add(at + ": startupProbe missing");
        } else {
            checkProbe(at, "startupProbe", c.getStartupProbe(), c, health + "/" + HealthPaths.sub(config, "startup-path", "started"), httpPort);
        }

        // Drain: the grace period covers preStop, the service's drain and shutdown.
        long preStop = 0;
        if (c.getLifecycle() != null && c.getLifecycle().getPreStop() != null && c.getLifecycle().getPreStop().getSleep() != null) {
            preStop = c.getLifecycle().getPreStop().getSleep().getSeconds();
        }
        Duration drain = Duration.ofSeconds(preStop);
        for (String key : DRAIN_KEYS.get(module)) {
            drain = drain.plus(config.duration(key));
        }
        Duration needed = drain.plus(SHUTDOWN_MARGIN);
        long grace = Objects.requireNonNullElse(pod.getTerminationGracePeriodSeconds(), 30L);
        if (grace < needed.toSeconds()) {
            violations.add(at + ": terminationGracePeriodSeconds " + grace + " < preStop + drain " + DRAIN_KEYS.get(module)
                    + " + shutdown margin = " + needed.toSeconds() + " s");
        }

        // Non-root, read-only root filesystem, a writable /tmp.
        boolean nonRoot = Boolean.TRUE.equals(c.getSecurityContext() != null ? c.getSecurityContext().getRunAsNonRoot() : null)
                || Boolean.TRUE.equals(pod.getSecurityContext() != null ? pod.getSecurityContext().getRunAsNonRoot() : null);
        if (!nonRoot) {
            violations.add(at + ": runAsNonRoot is not set");
        }
        if (c.getSecurityContext() == null || !Boolean.TRUE.equals(c.getSecurityContext().getReadOnlyRootFilesystem())) {
            violations.add(at + ": readOnlyRootFilesystem is not set");
        }
        Set<String> emptyDirs = new HashSet<>();
        for (Volume v : Objects.requireNonNullElse(pod.getVolumes(), List.<Volume>of())) {
            if (v.getEmptyDir() != null) {
                emptyDirs.add(v.getName());
            }
        }
        boolean tmp = Objects.requireNonNullElse(c.getVolumeMounts(), List.<VolumeMount>of()).stream()
                .anyMatch(m -> "/tmp".equals(m.getMountPath()) && emptyDirs.contains(m.getName()));
        if (!tmp) {
            violations.add(at + ": /tmp is not an emptyDir mount (needed with a read-only root filesystem)");
        }

        // Kafka clients point at the Strimzi cluster's bootstrap Service.
        config.get("kafka.bootstrap.servers").ifPresent(bootstrap -> {
            if (!TOPIC_KEYS.get(module).isEmpty() && !kafkaBootstraps().contains(bootstrap)) {
                violations.add(at + ": kafka.bootstrap.servers " + bootstrap + " is not a Kafka listener of the manifests "
                        + kafkaBootstraps());
            }
        });

        if (module.equals("relay-service")) {
            checkRelayPortRange(w, config);
        }
        if (expect.highlyAvailable() && w.template.getSpec().getTopologySpreadConstraints() == null) {
            violations.add(at + ": no topologySpreadConstraints");
        }
    }

    private void checkProbe(String at, String which, Probe probe, Container c, String path, int port) {
        if (probe == null) {
            return;
        }
        if (probe.getHttpGet() == null) {
            violations.add(at + ": " + which + " is not an HTTP probe of " + path);
            return;
        }
        if (!path.equals(probe.getHttpGet().getPath())) {
            violations.add(at + ": " + which + " path " + probe.getHttpGet().getPath() + " is not the service's " + path);
        }
        Integer probePort = resolvePort(probe.getHttpGet().getPort(), c);
        if (probePort == null || probePort != port) {
            violations.add(at + ": " + which + " port " + probe.getHttpGet().getPort() + " is not the HTTP port " + port);
        }
    }

    private static Integer resolvePort(IntOrString port, Container c) {
        if (port == null) {
            return null;
        }
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return Objects.requireNonNullElse(c.getPorts(), List.<ContainerPort>of()).stream()
                .filter(p -> port.getStrVal().equals(p.getName())).map(ContainerPort::getContainerPort).findFirst().orElse(null);
    }

    /** The container's environment as the process sees it: envFrom ConfigMaps, then env (which wins). */
    private Map<String, String> environment(String at, Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : Objects.requireNonNullElse(c.getEnvFrom(), List.<EnvFromSource>of())) {
            if (from.getConfigMapRef() != null) {
                ConfigMap map = configMaps.get(from.getConfigMapRef().getName());
                if (map == null) {
                    if (!Boolean.TRUE.equals(from.getConfigMapRef().getOptional())) {
                        violations.add(at + ": envFrom ConfigMap " + from.getConfigMapRef().getName() + " does not exist");
                    }
                } else if (map.getData() != null) {
                    map.getData().forEach((k, v) -> {
                        if (SECRET_NAME.matcher(k).find()) {
                            violations.add(at + ": ConfigMap " + map.getMetadata().getName() + " holds " + k
                                    + ", a secret: reference a Secret instead");
                        }
                        env.put(k, v);
                    });
                }
            }
        }
        for (EnvVar e : Objects.requireNonNullElse(c.getEnv(), List.<EnvVar>of())) {
            if (e.getValueFrom() != null) {
                env.put(e.getName(), "<from " + (e.getValueFrom().getSecretKeyRef() != null ? "secret" : "field") + ">");
                if (SECRET_NAME.matcher(e.getName()).find() && e.getValueFrom().getSecretKeyRef() == null) {
                    violations.add(at + ": " + e.getName() + " must come from a secretKeyRef");
                }
            } else {
                if (SECRET_NAME.matcher(e.getName()).find()) {
                    violations.add(at + ": " + e.getName() + " has a literal value; secrets come from a secretKeyRef");
                }
                Matcher m = VAR_REF.matcher(Objects.requireNonNullElse(e.getValue(), ""));
                StringBuilder value = new StringBuilder();
                while (m.find()) {
                    m.appendReplacement(value, Matcher.quoteReplacement(env.getOrDefault(m.group(1), m.group())));
                }
                m.appendTail(value);
                env.put(e.getName(), value.toString());
            }
        }
        return env;
    }

    // ------------------------------------------------------------------ relay

    private void checkRelayPortRange(Workload w, ServiceConfig config) {
        int min = config.intValue("c2c.relay.relay.min-port");
        int max = config.intValue("c2c.relay.relay.max-port");
        boolean found = false;
        for (NetworkPolicy p : policies) {
            if (!specific(p) || !Selectors.matches(p.getSpec().getPodSelector(), w.podLabels())) {
                continue;
            }
            for (NetworkPolicyIngressRule rule : Objects.requireNonNullElse(p.getSpec().getIngress(), List.<NetworkPolicyIngressRule>of())) {
                for (NetworkPolicyPort port : Objects.requireNonNullElse(rule.getPorts(), List.<NetworkPolicyPort>of())) {
                    if (port.getEndPort() == null) {
                        continue;
                    }
                    int from = port.getPort() == null || port.getPort().getIntVal() == null ? -1 : port.getPort().getIntVal();
                    if (from == min && port.getEndPort() == max && "UDP".equals(port.getProtocol())) {
                        found = true;
                    } else {
                        violations.add("NetworkPolicy " + p.getMetadata().getName() + ": port range " + from + "-"
                                + port.getEndPort() + "/" + port.getProtocol() + " differs from relay-service's relay ports "
                                + min + "-" + max + "/UDP");
                    }
                }
            }
        }
        if (!found) {
            violations.add(w.kind + " " + w.name + ": no NetworkPolicy opens relay-service's relay port range "
                    + min + "-" + max + "/UDP");
        }
    }

    // ------------------------------------------------------------------ network policies

    private void checkNetworkPolicies() {
        for (NetworkPolicy p : policies) {
            String where = "NetworkPolicy " + p.getMetadata().getName();
            List<Workload> selected = workloads.stream()
                    .filter(w -> Selectors.matches(p.getSpec().getPodSelector(), w.podLabels())).toList();
            for (NetworkPolicyIngressRule rule : Objects.requireNonNullElse(p.getSpec().getIngress(), List.<NetworkPolicyIngressRule>of())) {
                boolean fromIngress = Objects.requireNonNullElse(rule.getFrom(), List.<NetworkPolicyPeer>of()).stream()
                        .anyMatch(peer -> peer.getNamespaceSelector() != null
                                && Selectors.matches(peer.getNamespaceSelector(), Map.of("kubernetes.io/metadata.name", INGRESS_NAMESPACE)));
                if (fromIngress) {
                    for (Workload w : selected) {
                        boolean signaling = w.template.getSpec().getContainers().stream()
                                .anyMatch(c -> moduleOf(c).filter("signaling-service"::equals).isPresent());
                        if (!signaling) {
                            violations.add(where + ": lets the ingress namespace reach " + w.name + "; only signaling may be");
                        }
                    }
                }
            }
            boolean relay = selected.stream().anyMatch(w -> w.template.getSpec().getContainers().stream()
                    .anyMatch(c -> moduleOf(c).filter("relay-service"::equals).isPresent()));
            if (relay) {
                for (NetworkPolicyEgressRule rule : Objects.requireNonNullElse(p.getSpec().getEgress(), List.<NetworkPolicyEgressRule>of())) {
                    if (rule.getTo() == null || rule.getTo().isEmpty()) {
                        violations.add(where + ": a relay egress rule without 'to' reaches cluster-internal addresses");
                        continue;
                    }
                    for (NetworkPolicyPeer peer : rule.getTo()) {
                        if (peer.getIpBlock() == null || !peer.getIpBlock().getCidr().contains(".")) {
                            continue;
                        }
                        List<String> except = Objects.requireNonNullElse(peer.getIpBlock().getExcept(), List.<String>of());
                        for (String internal : CLUSTER_INTERNAL_CIDRS) {
                            Cidr range = Cidr.parse(internal);
                            boolean excluded = except.stream().filter(e -> e.contains("."))
                                    .map(Cidr::parse).anyMatch(e -> e.contains(range));
                            if (Cidr.parse(peer.getIpBlock().getCidr()).overlaps(range) && !excluded) {
                                violations.add(where + ": relay egress to " + peer.getIpBlock().getCidr()
                                        + " does not exclude the cluster-internal " + internal);
                            }
                        }
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ autoscaling and topics

    private void checkAutoscalers() {
        Set<String> autoscaled = new HashSet<>();
        for (JsonNode o : custom) {
            if (!"ScaledObject".equals(o.path("kind").asText())) {
                continue;
            }
            String name = "ScaledObject " + o.path("metadata").path("name").asText();
            JsonNode ref = o.path("spec").path("scaleTargetRef");
            String kind = ref.path("kind").asText("Deployment");
            String target = ref.path("name").asText();
            Optional<Workload> w = workloads.stream().filter(x -> x.kind.equals(kind) && x.name.equals(target)).findFirst();
            if (w.isEmpty()) {
                violations.add(name + ": scale target " + kind + " " + target + " does not exist");
                continue;
            }
            autoscaled.add(target);
            for (JsonNode trigger : o.path("spec").path("triggers")) {
                String query = trigger.path("metadata").path("query").asText("");
                for (String unknown : metrics.unknownIn(query)) {
                    violations.add(name + ": trigger uses " + unknown + ", which no service exports");
                }
            }
            boolean discovery = w.get().template.getSpec().getContainers().stream()
                    .anyMatch(c -> moduleOf(c).filter("discovery-service"::equals).isPresent());
            if (discovery) {
                String topic = configs.get("discovery-service").require("c2c.discovery.feed.topic");
                int max = o.path("spec").path("maxReplicaCount").asInt(100);
                Optional<JsonNode> kt = topic(topic);
                if (kt.isPresent() && max > kt.get().path("spec").path("partitions").asInt()) {
                    violations.add(name + ": maxReplicaCount " + max + " exceeds the " + kt.get().path("spec").path("partitions")
                            .asInt() + " partitions of " + topic + " (a pod beyond them owns nothing)");
                }
            }
        }
        for (HorizontalPodAutoscaler h : hpas) {
            var ref = h.getSpec().getScaleTargetRef();
            if (workloads.stream().noneMatch(x -> x.kind.equals(ref.getKind()) && x.name.equals(ref.getName()))) {
                violations.add("HorizontalPodAutoscaler " + h.getMetadata().getName() + ": scale target " + ref.getKind()
                        + " " + ref.getName() + " does not exist");
            }
            autoscaled.add(ref.getName());
        }
        if (expect.autoscaled()) {
            for (Workload w : workloads) {
                boolean platform = w.template.getSpec().getContainers().stream().anyMatch(c -> moduleOf(c).isPresent());
                if (platform && !autoscaled.contains(w.name)) {
                    violations.add(w.kind + " " + w.name + ": no autoscaler scales it");
                }
            }
        }
    }

    private Optional<JsonNode> topic(String topicName) {
        return custom.stream().filter(o -> "KafkaTopic".equals(o.path("kind").asText()))
                .filter(o -> topicName.equals(o.path("spec").path("topicName").asText(o.path("metadata").path("name").asText())))
                .findFirst();
    }

    private Set<String> kafkaBootstraps() {
        Set<String> out = new HashSet<>();
        for (JsonNode o : custom) {
            if ("Kafka".equals(o.path("kind").asText())) {
                for (JsonNode l : o.path("spec").path("kafka").path("listeners")) {
                    if ("internal".equals(l.path("type").asText()) && !l.path("tls").asBoolean()) {
                        out.add(o.path("metadata").path("name").asText() + "-kafka-bootstrap:" + l.path("port").asInt());
                    }
                }
            }
        }
        return out;
    }

    private void checkTopics() {
        for (String module : MODULES) {
            for (String key : TOPIC_KEYS.get(module)) {
                String name = configs.get(module).require(key);
                Optional<JsonNode> t = topic(name);
                if (t.isEmpty()) {
                    violations.add(module + " uses the topic " + name + " (" + key + "), which has no KafkaTopic");
                }
            }
        }
        String sites = configs.get("signaling-service").require("c2c.sites.registry.topic");
        topic(sites).ifPresent(t -> {
            JsonNode config = t.path("spec").path("config");
            if (!"compact".equals(config.path("cleanup.policy").asText())) {
                violations.add("KafkaTopic " + sites + ": must be compacted (cleanup.policy=compact)");
            }
            if (expect.highlyAvailable()) {
                if (t.path("spec").path("replicas").asInt() < 3) {
                    violations.add("KafkaTopic " + sites + ": needs 3 replicas in production");
                }
                if (config.path("min.insync.replicas").asInt() != 2) {
                    violations.add("KafkaTopic " + sites + ": needs min.insync.replicas=2 in production");
                }
            }
        });
    }

    // ------------------------------------------------------------------ monitoring

    private void checkMonitoring() {
        List<JsonNode> monitors = custom.stream().filter(o -> "ServiceMonitor".equals(o.path("kind").asText())).toList();
        for (Workload w : workloads) {
            Optional<String> module = w.template.getSpec().getContainers().stream().map(ManifestInvariants::moduleOf)
                    .flatMap(Optional::stream).findFirst();
            if (module.isEmpty()) {
                continue;
            }
            List<Service> own = services.values().stream()
                    .filter(s -> Selectors.matches(s.getSpec().getSelector(), w.podLabels())).toList();
            if (own.isEmpty()) {
                violations.add(w.kind + " " + w.name + ": no Service selects its pods");
            }
            ServiceConfig config = configs.get(module.get());
            String metricsPath = HealthPaths.nonApplicationRoot(config) + "/"
                    + config.get("quarkus.micrometer.export.prometheus.path", "metrics");
            boolean scraped = false;
            for (Service s : own) {
                for (JsonNode m : monitors) {
                    Map<String, String> labels = s.getMetadata().getLabels() == null ? Map.of() : s.getMetadata().getLabels();
                    var selector = JSON.convertValue(m.path("spec").path("selector"), io.fabric8.kubernetes.api.model.LabelSelector.class);
                    if (!Selectors.matches(selector, labels)) {
                        continue;
                    }
                    for (JsonNode e : m.path("spec").path("endpoints")) {
                        boolean portOk = s.getSpec().getPorts().stream().map(ServicePort::getName).anyMatch(e.path("port").asText()::equals);
                        if (portOk && metricsPath.equals(e.path("path").asText())) {
                            scraped = true;
                        }
                    }
                }
            }
            if (!scraped) {
                violations.add(w.kind + " " + w.name + ": no ServiceMonitor scrapes " + metricsPath + " through its Service");
            }
        }
        String runbooks = operationsAnchors();
        for (JsonNode o : custom) {
            if (!"PrometheusRule".equals(o.path("kind").asText())) {
                continue;
            }
            for (JsonNode group : o.path("spec").path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    String alert = rule.path("alert").asText("");
                    for (String unknown : metrics.unknownIn(rule.path("expr").asText())) {
                        violations.add("alert " + alert + ": uses " + unknown + ", which no service exports");
                    }
                    if (alert.isEmpty()) {
                        continue;
                    }
                    String url = rule.path("annotations").path("runbook_url").asText("");
                    int hash = url.indexOf('#');
                    if (!url.startsWith("docs/operations.md#") || !runbooks.contains("\n" + url.substring(hash + 1) + "\n")) {
                        violations.add("alert " + alert + ": runbook_url '" + url + "' is not a section of docs/operations.md");
                    }
                }
            }
        }
        for (ConfigMap c : configMaps.values()) {
            if (c.getMetadata().getLabels() == null || !c.getMetadata().getLabels().containsKey("grafana_dashboard")) {
                continue;
            }
            for (Map.Entry<String, String> e : Objects.requireNonNullElse(c.getData(), Map.<String, String>of()).entrySet()) {
                try {
                    JsonNode dashboard = JSON.readTree(e.getValue());
                    if (!dashboard.path("panels").isArray() || dashboard.path("panels").isEmpty()) {
                        violations.add("dashboard " + e.getKey() + ": no panels");
                    }
                    for (JsonNode expr : dashboard.findValues("expr")) {
                        for (String unknown : metrics.unknownIn(expr.asText())) {
                            violations.add("dashboard " + e.getKey() + ": uses " + unknown + ", which no service exports");
                        }
                    }
                } catch (IOException ex) {
                    violations.add("dashboard " + e.getKey() + ": not JSON: " + ex.getMessage());
                }
            }
        }
    }

    // ------------------------------------------------------------------ Services and Ingresses

    private void checkServicesAndIngresses() {
        for (Service s : services.values()) {
            String where = "Service " + s.getMetadata().getName();
            List<Workload> selected = workloads.stream().filter(w -> Selectors.matches(s.getSpec().getSelector(), w.podLabels())).toList();
            if (selected.isEmpty()) {
                violations.add(where + ": selects no workload's pods");
            }
            for (ServicePort port : s.getSpec().getPorts()) {
                IntOrString target = port.getTargetPort() != null ? port.getTargetPort() : new IntOrString(port.getPort());
                for (Workload w : selected) {
                    boolean found = w.template.getSpec().getContainers().stream().anyMatch(c -> {
                        Integer resolved = resolvePort(target, c);
                        return resolved != null && Objects.requireNonNullElse(c.getPorts(), List.<ContainerPort>of()).stream()
                                .anyMatch(p -> p.getContainerPort().equals(resolved)
                                        && Objects.requireNonNullElse(p.getProtocol(), "TCP").equals(Objects.requireNonNullElse(port.getProtocol(), "TCP")));
                    });
                    if (!found) {
                        violations.add(where + ": targetPort " + (target.getStrVal() != null ? target.getStrVal() : target.getIntVal())
                                + " is not a container port of " + w.name);
                    }
                }
            }
        }
        for (HasMetadata object : ingresses) {
            io.fabric8.kubernetes.api.model.networking.v1.Ingress ingress = (io.fabric8.kubernetes.api.model.networking.v1.Ingress) object;
            for (var rule : Objects.requireNonNullElse(ingress.getSpec().getRules(), List.<io.fabric8.kubernetes.api.model.networking.v1.IngressRule>of())) {
                for (var path : rule.getHttp().getPaths()) {
                    var backend = path.getBackend().getService();
                    Service s = services.get(backend.getName());
                    if (s == null) {
                        violations.add("Ingress " + ingress.getMetadata().getName() + ": backend Service " + backend.getName() + " does not exist");
                    } else if (s.getSpec().getPorts().stream().noneMatch(p -> backend.getPort().getName() != null
                            ? backend.getPort().getName().equals(p.getName()) : Objects.equals(backend.getPort().getNumber(), p.getPort()))) {
                        violations.add("Ingress " + ingress.getMetadata().getName() + ": Service " + backend.getName() + " has no port "
                                + Objects.requireNonNullElse(backend.getPort().getName(), String.valueOf(backend.getPort().getNumber())));
                    }
                }
            }
        }
    }

    /** GitHub's anchors of every heading of docs/operations.md, one per line. */
    static String operationsAnchors() {
        try {
            StringBuilder out = new StringBuilder("\n");
            for (String line : Files.readAllLines(Repo.path("docs/operations.md"), StandardCharsets.UTF_8)) {
                if (line.startsWith("#")) {
                    String title = line.replaceFirst("^#+\\s*", "").trim().toLowerCase(Locale.ROOT);
                    out.append(title.replaceAll("[^a-z0-9 _-]", "").replace(' ', '-')).append('\n');
                }
            }
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

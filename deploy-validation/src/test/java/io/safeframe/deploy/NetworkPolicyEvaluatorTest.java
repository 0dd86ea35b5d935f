package io.safeframe.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The network policies allow exactly the call graph: every (pod → pod:port) connection the rendered overlay's
 * NetworkPolicies allow is computed ({@link NetworkPolicyEvaluator}) and compared with the graph derived from
 * the services' own configuration — gRPC client hosts (mutual TLS on 8443), a datasource (PostgreSQL on 5432,
 * where the overlay runs it), OIDC (Keycloak on 8080, where the overlay runs it), clip storage (s3proxy on 8080,
 * where the overlay runs it) — and the Ingress objects (the
 * ingress controller to their backends). Nothing missing, nothing extra.
 */
class NetworkPolicyEvaluatorTest {

    private static final NetworkPolicyEvaluator.Pod INGRESS_CONTROLLER = new NetworkPolicyEvaluator.Pod("ingress-nginx", "ingress-nginx",
            Map.of("app.kubernetes.io/name", "ingress-nginx"), Map.of("kubernetes.io/metadata.name", "ingress-nginx"), Map.of(), false);

    /** kube-prometheus-stack's Prometheus, in the namespace the monitoring policy names. */
    private static final NetworkPolicyEvaluator.Pod PROMETHEUS = new NetworkPolicyEvaluator.Pod("prometheus", "monitoring",
            Map.of("app.kubernetes.io/name", "prometheus"), Map.of("kubernetes.io/metadata.name", "monitoring"), Map.of(), false);

    @ParameterizedTest
    @ValueSource(strings = { "deploy/overlays/prod", "deploy/overlays/local" })
    void theNetworkPoliciesAllowExactlyTheCallGraph(String overlay) throws Exception {
        List<JsonNode> docs = ManifestValidator.documents(OverlayValidationTest.kustomize(overlay));
        List<NetworkPolicyEvaluator.Pod> pods = new ArrayList<>(NetworkPolicyEvaluator.pods(docs));
        pods.add(INGRESS_CONTROLLER);
        pods.add(PROMETHEUS);
        Set<String> expected = callGraph(docs, pods);
        Set<String> allowed = new NetworkPolicyEvaluator(docs).allowed(pods);
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(allowed);
        Set<String> extra = new TreeSet<>(allowed);
        extra.removeAll(expected);
        assertEquals(Set.of(), missing, overlay + ": calls the configuration makes that the policies block");
        assertEquals(Set.of(), extra, overlay + ": connections the policies allow that nothing needs");
        assertTrue(expected.contains("gateway-service -> verify-service:8443") && expected.contains("verify-service -> provenance-service:8443"),
                expected.toString());
        if (overlay.endsWith("prod")) {
            assertTrue(expected.contains("prometheus -> policy-service:9000"), "prod scrapes the management port: " + expected);
            assertFalse(allowed.contains("prometheus -> policy-service:8443") || allowed.contains("prometheus -> gateway-service:8080"),
                    "Prometheus reaches nothing but management ports");
        }
        System.out.printf("%s: %d allowed connections, all in the call graph%n", overlay, allowed.size());
    }

    @Test
    void anExtraPeerInAPolicyIsCaught() throws Exception {
        List<JsonNode> docs = ManifestValidator.documents(OverlayValidationTest.kustomize("deploy/overlays/local"));
        List<NetworkPolicyEvaluator.Pod> pods = new ArrayList<>(NetworkPolicyEvaluator.pods(docs));
        // verify-service is let into policy-service: its egress does not reach there, so still nothing extra ...
        JsonNode policy = docs.stream().filter(d -> d.path("kind").asText().equals("NetworkPolicy")
                && d.path("metadata").path("name").asText().equals("policy-service")).findFirst().orElseThrow();
        ((com.fasterxml.jackson.databind.node.ArrayNode) policy.path("spec").path("ingress").get(0).path("from"))
                .addObject().putObject("podSelector").putObject("matchLabels").put("app.kubernetes.io/name", "verify-service");
        assertFalse(new NetworkPolicyEvaluator(docs).allowed(pods).contains("verify-service -> policy-service:8443"));
        // ... until its egress is opened too: then the pair is allowed and the comparison names it
        JsonNode verify = docs.stream().filter(d -> d.path("kind").asText().equals("NetworkPolicy")
                && d.path("metadata").path("name").asText().equals("verify-service")).findFirst().orElseThrow();
        ObjectNode rule = ((com.fasterxml.jackson.databind.node.ArrayNode) verify.path("spec").path("egress")).addObject();
        rule.putArray("to").addObject().putObject("podSelector").putObject("matchLabels").put("app.kubernetes.io/name", "policy-service");
        assertTrue(new NetworkPolicyEvaluator(docs).allowed(pods).contains("verify-service -> policy-service:8443"));
        assertFalse(callGraph(docs, pods).contains("verify-service -> policy-service:8443"));
    }

    /** What the services' configuration says they call, restricted to pods the overlay runs. */
    static Set<String> callGraph(List<JsonNode> docs, List<NetworkPolicyEvaluator.Pod> pods) throws IOException {
        Set<String> names = new TreeSet<>();
        pods.forEach(p -> names.add(p.name()));
        Set<String> edges = new TreeSet<>();
        for (NetworkPolicyEvaluator.Pod pod : pods) {
            Path properties = Path.of("..", pod.name(), "src/main/resources/application.properties");
            if (!pod.ours() || !Files.exists(properties)) {
                continue;
            }
            for (String line : Files.readAllLines(properties)) {
                String l = line.trim();
                if (l.startsWith("quarkus.grpc.clients.") && l.contains(".host=")) {
                    String host = l.substring(l.indexOf(".host=") + 6);
                    if (names.contains(host)) {
                        edges.add(pod.name() + " -> " + host + ":8443");
                    }
                } else if (l.startsWith("quarkus.datasource.db-kind=") && names.contains("postgres")) {
                    edges.add(pod.name() + " -> postgres:5432");
                } else if (l.matches("(%\\w+\\.)?quarkus\\.oidc\\.auth-server-url=.*") && names.contains("keycloak")) {
                    edges.add(pod.name() + " -> keycloak:8080");
                } else if (l.matches("(%\\w+\\.)?safeframe\\.clips\\.bucket=.*") && names.contains("s3proxy")) {
                    // clips in object storage: the in-cluster S3-compatible server, where the overlay runs it
                    edges.add(pod.name() + " -> s3proxy:8080");
                }
            }
        }
        // Prometheus scrapes what a PodMonitor selects, on the named port
        for (JsonNode monitor : docs.stream().filter(d -> d.path("kind").asText().equals("PodMonitor")).toList()) {
            for (NetworkPolicyEvaluator.Pod pod : pods) {
                if (pod.ours() && selects(monitor.path("spec").path("selector"), pod.labels())) {
                    for (JsonNode endpoint : monitor.path("spec").path("podMetricsEndpoints")) {
                        Integer port = pod.ports().get(endpoint.path("port").asText());
                        if (port != null) {
                            edges.add(PROMETHEUS.name() + " -> " + pod.name() + ":" + port);
                        }
                    }
                }
            }
        }
        for (JsonNode ingress : docs.stream().filter(d -> d.path("kind").asText().equals("Ingress")).toList()) {
            for (JsonNode rule : ingress.path("spec").path("rules")) {
                for (JsonNode path : rule.path("http").path("paths")) {
                    JsonNode backend = path.path("backend").path("service");
                    edges.add(INGRESS_CONTROLLER.name() + " -> " + backend.path("name").asText() + ":" + containerPort(docs, pods, backend));
                }
            }
        }
        return edges;
    }

    /** matchLabels and the DoesNotExist/Exists expressions (all a PodMonitor here uses). */
    private static boolean selects(JsonNode selector, Map<String, String> labels) {
        var it = selector.path("matchLabels").fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (JsonNode expression : selector.path("matchExpressions")) {
            boolean has = labels.containsKey(expression.path("key").asText());
            switch (expression.path("operator").asText()) {
                case "DoesNotExist" -> { if (has) return false; }
                case "Exists" -> { if (!has) return false; }
                default -> throw new AssertionError("operator not handled here: " + expression);
            }
        }
        return true;
    }

    /** The container port an Ingress backend (service name + port name or number) reaches. */
    private static int containerPort(List<JsonNode> docs, List<NetworkPolicyEvaluator.Pod> pods, JsonNode backend) {
        String service = backend.path("name").asText();
        JsonNode svc = docs.stream().filter(d -> d.path("kind").asText().equals("Service") && d.path("metadata").path("name").asText().equals(service))
                .findFirst().orElseThrow(() -> new AssertionError("Ingress backend " + service + " has no Service"));
        for (JsonNode port : svc.path("spec").path("ports")) {
            boolean named = backend.path("port").has("name") && backend.path("port").path("name").asText().equals(port.path("name").asText());
            boolean numbered = backend.path("port").has("number") && backend.path("port").path("number").asInt() == port.path("port").asInt();
            if (named || numbered) {
                JsonNode target = port.path("targetPort");
                if (target.isInt()) {
                    return target.asInt();
                }
                NetworkPolicyEvaluator.Pod pod = pods.stream().filter(p -> p.name().equals(service)).findFirst().orElseThrow();
                return target.isMissingNode() ? port.path("port").asInt() : pod.ports().get(target.asText());
            }
        }
        throw new AssertionError("Ingress backend " + backend + " names no port of Service " + service);
    }
}

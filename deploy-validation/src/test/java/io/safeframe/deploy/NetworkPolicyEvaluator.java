package io.safeframe.deploy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Which (pod → pod:port) connections the NetworkPolicies of a rendered overlay allow, with the Kubernetes
 * semantics: a connection needs an egress rule of the source and an ingress rule of the destination (policies
 * selecting a pod add up; a pod selected by a policy of a direction is denied what no rule allows). Peers: a
 * {@code podSelector} alone means the policy's namespace, a {@code namespaceSelector} selects namespaces by label
 * ({@code {}} is every namespace); an {@code ipBlock} is taken to match no pod (CNI plugins such as Cilium do not
 * apply it to pod traffic), so a rule that reaches a pod only through an ipBlock does not count.
 * Sources outside the overlay (the ingress controller) are {@link Pod}s of their own namespace whose egress is not
 * ours to check.
 */
final class NetworkPolicyEvaluator {

    /** A pod (one per Deployment/StatefulSet) or an outside caller, its labels and its namespace's labels. */
    record Pod(String name, String namespace, Map<String, String> labels, Map<String, String> namespaceLabels, Map<String, Integer> ports,
            boolean ours) {
    }

    private final List<JsonNode> policies;

    NetworkPolicyEvaluator(List<JsonNode> docs) {
        this.policies = docs.stream().filter(d -> d.path("kind").asText().equals("NetworkPolicy")).toList();
    }

    /** Every allowed "source -> destination:port" between the given pods, to each destination's container ports. */
    Set<String> allowed(List<Pod> pods) {
        Set<String> out = new TreeSet<>();
        for (Pod dst : pods) {
            if (!dst.ours()) {
                continue;
            }
            for (Map.Entry<String, Integer> port : dst.ports().entrySet()) {
                for (Pod src : pods) {
                    if (src != dst && allows(src, dst, port.getKey(), port.getValue())) {
                        out.add(src.name() + " -> " + dst.name() + ":" + port.getValue());
                    }
                }
            }
        }
        return out;
    }

    private boolean allows(Pod src, Pod dst, String portName, int port) {
        boolean in = direction(dst, "Ingress", "ingress", "from", src, portName, port);
        boolean out = !src.ours() || direction(src, "Egress", "egress", "to", dst, portName, port);
        return in && out;
    }

    /** Whether the policies selecting {@code subject} for this direction let the connection with {@code peer} through. */
    private boolean direction(Pod subject, String type, String rulesField, String peersField, Pod peer, String portName, int port) {
        boolean selected = false;
        for (JsonNode policy : policies) {
            if (!policy.path("metadata").path("namespace").asText(subject.namespace()).equals(subject.namespace())
                    || !matches(policy.path("spec").path("podSelector"), subject.labels()) || !hasType(policy, type)) {
                continue;
            }
            selected = true;
            for (JsonNode rule : policy.path("spec").path(rulesField)) {
                if (portMatches(rule.path("ports"), portName, port) && peerMatches(rule, peersField, peer, subject.namespace())) {
                    return true;
                }
            }
        }
        return !selected;
    }

    private static boolean hasType(JsonNode policy, String type) {
        JsonNode types = policy.path("spec").path("policyTypes");
        if (types.isMissingNode()) {
            // the API's default: Ingress always, Egress when egress rules are given
            return type.equals("Ingress") || policy.path("spec").has("egress");
        }
        for (JsonNode t : types) {
            if (t.asText().equals(type)) {
                return true;
            }
        }
        return false;
    }

    private static boolean portMatches(JsonNode ports, String portName, int port) {
        if (ports.isMissingNode() || ports.isEmpty()) {
            return true;
        }
        for (JsonNode p : ports) {
            if (!p.path("protocol").asText("TCP").equals("TCP")) {
                continue;
            }
            JsonNode value = p.path("port");
            if (value.isMissingNode() || (value.isInt() && value.asInt() == port) || (value.isTextual() && value.asText().equals(portName))) {
                return true;
            }
        }
        return false;
    }

    private static boolean peerMatches(JsonNode rule, String peersField, Pod peer, String policyNamespace) {
        JsonNode peers = rule.path(peersField);
        if (peers.isMissingNode() || peers.isEmpty()) {
            return true;
        }
        for (JsonNode p : peers) {
            if (p.has("ipBlock")) {
                continue;
            }
            boolean namespaceOk = p.has("namespaceSelector") ? matches(p.path("namespaceSelector"), peer.namespaceLabels())
                    : peer.namespace().equals(policyNamespace);
            boolean podOk = !p.has("podSelector") || matches(p.path("podSelector"), peer.labels());
            if (namespaceOk && podOk) {
                return true;
            }
        }
        return false;
    }

    /** A label selector: matchLabels (matchExpressions are not used in deploy/ and are refused, not guessed). */
    private static boolean matches(JsonNode selector, Map<String, String> labels) {
        if (selector.has("matchExpressions")) {
            throw new IllegalArgumentException("matchExpressions are not supported by this evaluator: " + selector);
        }
        Iterator<Map.Entry<String, JsonNode>> wanted = selector.path("matchLabels").fields();
        while (wanted.hasNext()) {
            Map.Entry<String, JsonNode> w = wanted.next();
            if (!w.getValue().asText().equals(labels.get(w.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** The pods of an overlay: one per Deployment or StatefulSet, with its template labels and container ports. */
    static List<Pod> pods(List<JsonNode> docs) {
        List<Pod> pods = new ArrayList<>();
        for (JsonNode d : docs) {
            String kind = d.path("kind").asText();
            if (!kind.equals("Deployment") && !kind.equals("StatefulSet")) {
                continue;
            }
            String namespace = d.path("metadata").path("namespace").asText("default");
            Map<String, String> labels = new java.util.HashMap<>();
            d.path("spec").path("template").path("metadata").path("labels").fields()
                    .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            Map<String, Integer> ports = new java.util.LinkedHashMap<>();
            for (JsonNode c : d.path("spec").path("template").path("spec").path("containers")) {
                for (JsonNode p : c.path("ports")) {
                    ports.put(p.path("name").asText("port-" + p.path("containerPort").asInt()), p.path("containerPort").asInt());
                }
            }
            pods.add(new Pod(d.path("metadata").path("name").asText(), namespace, labels, Map.of("kubernetes.io/metadata.name", namespace), ports,
                    true));
        }
        return pods;
    }
}

package io.safeframe.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * cert-manager objects (no client-java model exists for them) and the service-identity rule: every Safeframe
 * Deployment mounts, at the path the services read, the Secret of a Certificate whose CN is the Deployment's name
 * and which may be used for both ends of a mutual-TLS call (docs/service-identity.md).
 */
final class ServiceIdentityPolicy {

    static final String MOUNT = "/var/run/secrets/safeframe/identity";
    private static final Set<String> CERT_MANAGER_KINDS = Set.of("cert-manager.io/v1/Issuer", "cert-manager.io/v1/Certificate");

    private ServiceIdentityPolicy() {
    }

    static boolean handles(String apiVersionKind) {
        return CERT_MANAGER_KINDS.contains(apiVersionKind);
    }

    /** Structure: an Issuer names exactly one way to sign; a Certificate names its Secret, issuer and a CN or DNS name. */
    static List<String> structure(JsonNode doc) {
        List<String> problems = new ArrayList<>();
        String id = doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText();
        JsonNode spec = doc.path("spec");
        if (doc.path("kind").asText().equals("Issuer")) {
            int ways = (spec.has("selfSigned") ? 1 : 0) + (spec.path("ca").path("secretName").isTextual() ? 1 : 0);
            if (ways != 1) {
                problems.add(id + ": an Issuer needs exactly one of selfSigned or ca.secretName");
            }
        } else {
            for (String field : List.of("secretName", "issuerRef")) {
                if (spec.path(field).isMissingNode()) {
                    problems.add(id + ": required field spec." + field + " is missing");
                }
            }
            if (!spec.path("commonName").isTextual() && !spec.path("dnsNames").isArray()) {
                problems.add(id + ": needs a commonName or dnsNames");
            }
        }
        return problems;
    }

    static List<String> policy(List<JsonNode> docs, JsonNode deployment) {
        String name = deployment.path("metadata").path("name").asText();
        JsonNode podSpec = deployment.path("spec").path("template").path("spec");
        for (JsonNode volume : podSpec.path("volumes")) {
            String secret = volume.path("secret").path("secretName").asText("");
            if (secret.isEmpty() || !mounted(podSpec, volume.path("name").asText())) {
                continue;
            }
            for (JsonNode d : docs) {
                JsonNode spec = d.path("spec");
                if (d.path("kind").asText().equals("Certificate") && spec.path("secretName").asText().equals(secret)
                        && spec.path("commonName").asText().equals(name)) {
                    String usages = spec.path("usages").toString();
                    return usages.contains("\"client auth\"") && usages.contains("\"server auth\"") ? List.of()
                            : List.of(name + ": its service certificate must allow client auth and server auth");
                }
            }
        }
        return List.of(name + ": no service identity (the Secret of a Certificate with commonName " + name + " mounted at " + MOUNT + ")");
    }

    private static boolean mounted(JsonNode podSpec, String volume) {
        for (JsonNode c : podSpec.path("containers")) {
            for (JsonNode m : c.path("volumeMounts")) {
                if (m.path("name").asText().equals(volume) && m.path("mountPath").asText().equals(MOUNT)) {
                    return true;
                }
            }
        }
        return false;
    }
}

package io.safeframe.deploy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.gson.Gson;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;

import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;

/**
 * Validates rendered manifests offline. Structure: each document is deserialised into the client-java-api
 * model for its apiVersion/kind (an unknown pair is an error), whose validation rejects unknown and missing
 * required fields; strict scalar adapters reject wrong types that Gson would coerce ("2" for an int). Policy:
 * every Safeframe workload (label app.kubernetes.io/part-of=safeframe) is hardened, probed, limited, and has a
 * PodDisruptionBudget, a HorizontalPodAutoscaler and a NetworkPolicy of its own.
 */
final class ManifestValidator {

    private static final Map<String, Class<?>> MODELS = Map.ofEntries(
            Map.entry("apps/v1/Deployment", V1Deployment.class),
            Map.entry("apps/v1/StatefulSet", V1StatefulSet.class),
            Map.entry("batch/v1/Job", V1Job.class),
            Map.entry("v1/Service", V1Service.class),
            Map.entry("v1/ServiceAccount", V1ServiceAccount.class),
            Map.entry("v1/ConfigMap", V1ConfigMap.class),
            Map.entry("v1/Secret", V1Secret.class),
            Map.entry("v1/Namespace", V1Namespace.class),
            Map.entry("policy/v1/PodDisruptionBudget", V1PodDisruptionBudget.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", V2HorizontalPodAutoscaler.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", V1NetworkPolicy.class),
            Map.entry("networking.k8s.io/v1/Ingress", V1Ingress.class));

    static {
        Gson lenient = JSON.getGson();
        JSON.setGson(lenient.newBuilder()
                .registerTypeAdapter(Integer.class, strict(JsonToken.NUMBER, r -> {
                    double d = r.nextDouble();
                    if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
                        throw new IOException("expected an integer, found " + d);
                    }
                    return (int) d;
                }))
                .registerTypeAdapter(Long.class, strict(JsonToken.NUMBER, JsonReader::nextLong))
                .registerTypeAdapter(Boolean.class, strict(JsonToken.BOOLEAN, JsonReader::nextBoolean))
                .registerTypeAdapter(String.class, strict(JsonToken.STRING, JsonReader::nextString))
                .create());
    }

    interface Read<T> {
        T read(JsonReader r) throws IOException;
    }

    private static <T> TypeAdapter<T> strict(JsonToken expected, Read<T> read) {
        return new TypeAdapter<>() {
            @Override
            public void write(JsonWriter out, T value) throws IOException {
                if (value == null) {
                    out.nullValue();
                } else if (value instanceof Number n) {
                    out.value(n);
                } else if (value instanceof Boolean b) {
                    out.value(b);
                } else {
                    out.value(value.toString());
                }
            }

            @Override
            public T read(JsonReader in) throws IOException {
                JsonToken token = in.peek();
                if (token == JsonToken.NULL) {
                    in.nextNull();
                    return null;
                }
                if (token != expected) {
                    throw new IOException("expected " + expected + " but found " + token + " at " + in.getPath());
                }
                return read.read(in);
            }
        };
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static List<JsonNode> documents(String yaml) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        Iterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml);
        while (it.hasNext()) {
            JsonNode doc = it.next();
            if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                docs.add(doc);
            }
        }
        return docs;
    }

    static List<String> validate(String yaml) throws IOException {
        List<JsonNode> docs = documents(yaml);
        List<String> problems = new ArrayList<>();
        for (JsonNode doc : docs) {
            String id = doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText();
            Class<?> model = MODELS.get(doc.path("apiVersion").asText() + "/" + doc.path("kind").asText());
            if (ServiceIdentityPolicy.handles(doc.path("apiVersion").asText() + "/" + doc.path("kind").asText())) {
                problems.addAll(ServiceIdentityPolicy.structure(doc));
                continue;
            }
            if (MonitoringPolicy.handles(doc.path("apiVersion").asText() + "/" + doc.path("kind").asText())) {
                problems.addAll(MonitoringPolicy.structure(doc));
                continue;
            }
            if (model == null) {
                problems.add(id + ": unknown apiVersion/kind " + doc.path("apiVersion").asText() + " " + doc.path("kind").asText());
                continue;
            }
            try {
                JSON.deserialize(doc.toString(), model);
            } catch (RuntimeException e) {
                problems.add(id + ": " + rootMessage(e));
            }
        }
        problems.addAll(policy(docs));
        return problems;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = String.valueOf(t.getMessage());
        int json = message.indexOf(" JSON: ");
        return json < 0 ? message : message.substring(0, json); // the model echoes the whole object; the field is enough
    }

    private static List<String> policy(List<JsonNode> docs) {
        List<String> problems = new ArrayList<>();
        for (JsonNode d : docs) {
            // Deployments and the migration Jobs are hardened alike; only long-running pods need probes, budgets,
            // autoscalers and a service identity
            boolean deployment = d.path("kind").asText().equals("Deployment");
            if (!(deployment || d.path("kind").asText().equals("Job"))
                    || !"safeframe".equals(d.path("metadata").path("labels").path("app.kubernetes.io/part-of").asText())) {
                continue;
            }
            String name = d.path("metadata").path("name").asText();
            JsonNode pod = d.path("spec").path("template");
            JsonNode podSpec = pod.path("spec");
            JsonNode podSecurity = podSpec.path("securityContext");
            if (podSpec.path("automountServiceAccountToken").asBoolean(true)) {
                problems.add(name + ": automountServiceAccountToken must be false");
            }
            for (JsonNode c : podSpec.path("containers")) {
                String where = name + "/" + c.path("name").asText();
                JsonNode sc = c.path("securityContext");
                if (!sc.path("runAsNonRoot").asBoolean(podSecurity.path("runAsNonRoot").asBoolean(false))) {
                    problems.add(where + ": must run as non-root (runAsNonRoot: true)");
                }
                if (sc.path("runAsUser").asInt(podSecurity.path("runAsUser").asInt(-1)) == 0) {
                    problems.add(where + ": runs as root (runAsUser: 0)");
                }
                if (!sc.path("readOnlyRootFilesystem").asBoolean(false)) {
                    problems.add(where + ": readOnlyRootFilesystem must be true");
                }
                if (sc.path("allowPrivilegeEscalation").asBoolean(true)) {
                    problems.add(where + ": allowPrivilegeEscalation must be false");
                }
                if (!sc.path("capabilities").path("drop").toString().contains("\"ALL\"")) {
                    problems.add(where + ": capabilities must drop ALL");
                }
                String seccomp = sc.path("seccompProfile").path("type").asText(podSecurity.path("seccompProfile").path("type").asText(""));
                if (!seccomp.equals("RuntimeDefault")) {
                    problems.add(where + ": seccompProfile must be RuntimeDefault");
                }
                for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                    if (deployment && c.path(probe).isMissingNode()) {
                        problems.add(where + ": no " + probe);
                    }
                }
                if (c.path("resources").path("limits").path("memory").isMissingNode()
                        || c.path("resources").path("requests").path("memory").isMissingNode()
                        || c.path("resources").path("requests").path("cpu").isMissingNode()) {
                    problems.add(where + ": needs memory limit and cpu/memory requests");
                }
            }
            JsonNode labels = pod.path("metadata").path("labels");
            if (!covered(docs, "NetworkPolicy", labels, n -> n.path("spec").path("podSelector").path("matchLabels"))) {
                problems.add(name + ": no NetworkPolicy of its own selects it (default-deny alone is not coverage)");
            }
            if (!deployment) {
                continue;
            }
            if (!covered(docs, "PodDisruptionBudget", labels, n -> n.path("spec").path("selector").path("matchLabels"))) {
                problems.add(name + ": no PodDisruptionBudget selects it");
            }
            if (docs.stream().noneMatch(h -> h.path("kind").asText().equals("HorizontalPodAutoscaler")
                    && h.path("spec").path("scaleTargetRef").path("name").asText().equals(name))) {
                problems.add(name + ": no HorizontalPodAutoscaler targets it");
            }
            problems.addAll(ServiceIdentityPolicy.policy(docs, d));
        }
        return problems;
    }

    interface Selector {
        JsonNode of(JsonNode doc);
    }

    /** Is there a document of this kind whose non-empty selector matches the pod's labels? */
    private static boolean covered(List<JsonNode> docs, String kind, JsonNode podLabels, Selector selector) {
        for (JsonNode d : docs) {
            if (!d.path("kind").asText().equals(kind)) {
                continue;
            }
            JsonNode match = selector.of(d);
            if (!match.isObject() || match.isEmpty()) {
                continue;
            }
            Set<Boolean> all = new HashSet<>();
            match.fields().forEachRemaining(e -> all.add(e.getValue().asText().equals(podLabels.path(e.getKey()).asText(null))));
            if (!all.contains(false)) {
                return true;
            }
        }
        return false;
    }
}

package io.safeframe.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The Prometheus Operator's objects (no model in the Kubernetes client): a PodMonitor selects our pods and scrapes a
 * named port with a path; a PrometheusRule has groups of rules, each an alert or a recording rule with an expression,
 * every alert with a severity of page or ticket and a summary. (promtool checks the expressions: AlertRulesTest.)
 */
final class MonitoringPolicy {

    private static final Set<String> KINDS = Set.of("monitoring.coreos.com/v1/PodMonitor", "monitoring.coreos.com/v1/PrometheusRule");

    private MonitoringPolicy() {
    }

    static boolean handles(String apiVersionKind) {
        return KINDS.contains(apiVersionKind);
    }

    static List<String> structure(JsonNode doc) {
        List<String> problems = new ArrayList<>();
        String id = doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText();
        JsonNode spec = doc.path("spec");
        if (doc.path("kind").asText().equals("PodMonitor")) {
            if (spec.path("selector").path("matchLabels").isEmpty()) {
                problems.add(id + ": selects no pods (spec.selector.matchLabels)");
            }
            if (!spec.path("podMetricsEndpoints").isArray() || spec.path("podMetricsEndpoints").isEmpty()) {
                problems.add(id + ": no podMetricsEndpoints");
            }
            for (JsonNode e : spec.path("podMetricsEndpoints")) {
                if (!e.path("port").isTextual() || !e.path("path").isTextual()) {
                    problems.add(id + ": an endpoint needs a port name and a path");
                }
            }
            return problems;
        }
        if (!spec.path("groups").isArray() || spec.path("groups").isEmpty()) {
            problems.add(id + ": no rule groups");
        }
        for (JsonNode group : spec.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.path("alert").asText(rule.path("record").asText("?"));
                if (!rule.path("expr").isTextual()) {
                    problems.add(id + "/" + name + ": no expr");
                }
                if (rule.has("alert") && !Set.of("page", "ticket").contains(rule.path("labels").path("severity").asText())) {
                    problems.add(id + "/" + name + ": severity must be page or ticket");
                }
                if (rule.has("alert") && !rule.path("annotations").path("summary").isTextual()) {
                    problems.add(id + "/" + name + ": no summary annotation");
                }
            }
        }
        return problems;
    }
}

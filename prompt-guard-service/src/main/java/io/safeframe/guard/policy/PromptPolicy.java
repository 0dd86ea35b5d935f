package io.safeframe.guard.policy;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The versioned prompt policy as written in policy/prompt-policy.json. */
@RegisterForReflection
@JsonIgnoreProperties(value = { "notes" })
public record PromptPolicy(String version, List<String> benign, List<Category> categories, java.util.Map<String, Profile> profiles,
        JsonNode heads) {

    /** The profile name the teen age band selects (docs/teen-protections.md). */
    public static final String TEEN = "teen";

    public PromptPolicy(String version, List<String> benign, List<Category> categories) {
        this(version, benign, categories, null, null);
    }

    /**
     * Optional encoder heads of this version (the safeframe-guard-heads/1 document {@code ./safeframe guard-train
     * --from-labels} writes): absent, the release's own heads decide. Carried in the policy so retrained heads go through
     * the same review, shadow, backtest and canary as every rule, never straight to live.
     */
    @Override
    public JsonNode heads() {
        return heads == null || heads.isNull() ? null : heads;
    }

    public java.util.Map<String, Profile> profiles() {
        return profiles == null ? java.util.Map.of() : profiles;
    }

    /**
     * A stricter variant of the rules for a group of accounts: category decisions raised, encoder and scorer thresholds
     * scaled down, categories of its own. Never laxer than the standard rules (checked when compiled).
     */
    @RegisterForReflection
    @JsonIgnoreProperties(value = { "notes" })
    public record Profile(Double thresholdScale, java.util.Map<String, String> categoryDecisions, List<Category> categories) {

        public double scale() {
            return thresholdScale == null ? 1.0 : thresholdScale;
        }

        public java.util.Map<String, String> categoryDecisions() {
            return categoryDecisions == null ? java.util.Map.of() : categoryDecisions;
        }

        public List<Category> categories() {
            return categories == null ? List.of() : categories;
        }
    }

    @RegisterForReflection
    public record Category(String code, String name, int severity, String decision, List<String> terms,
            List<List<List<String>>> combos, List<String> patterns) {

        public List<String> terms() {
            return terms == null ? List.of() : terms;
        }

        public List<List<List<String>>> combos() {
            return combos == null ? List.of() : combos;
        }

        public List<String> patterns() {
            return patterns == null ? List.of() : patterns;
        }

        Category withDecision(String raised) {
            return new Category(code, name, severity, raised, terms, combos, patterns);
        }
    }
}

package io.safeframe.guard.policy;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The versioned prompt policy as written in policy/prompt-policy.json. */
@RegisterForReflection
@JsonIgnoreProperties(value = { "notes" })
public record PromptPolicy(String version, List<String> benign, List<Category> categories) {

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
    }
}

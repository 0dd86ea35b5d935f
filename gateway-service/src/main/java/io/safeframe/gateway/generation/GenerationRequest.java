package io.safeframe.gateway.generation;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of POST /v1/generations. Unknown fields are rejected (FAIL_ON_UNKNOWN_PROPERTIES). */
@RegisterForReflection
public record GenerationRequest(String prompt, Integer durationSeconds, String aspect) {
}

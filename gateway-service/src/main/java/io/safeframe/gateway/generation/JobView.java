package io.safeframe.gateway.generation;

import java.time.Instant;
import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection
public record JobView(String id, String state, int durationSeconds, String aspect, List<VerdictView> verdicts,
        String failure, Integer retryAfterSeconds, String appeal, Instant createdAt, Instant updatedAt) {
}

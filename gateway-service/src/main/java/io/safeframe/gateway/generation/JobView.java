package io.safeframe.gateway.generation;

import java.time.Instant;
import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection
public record JobView(String id, String state, int durationSeconds, String aspect, List<VerdictView> verdicts,
        String failure, Integer retryAfterSeconds, String appeal, String video, Provenance provenance, Instant createdAt,
        Instant updatedAt, Instant publishedAt) {

    /** What provenance-service recorded for the published clip. */
    @RegisterForReflection
    public record Provenance(String assetId, String watermarkPayload, String manifestSha256) {
    }
}

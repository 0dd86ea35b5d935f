package io.safeframe.frames.faces;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The face descriptor numbers (the "likeness" section of policy/classifier-policy.json; how they were chosen is in its
 * notes and docs/video-moderation.md, "Face descriptors"). A face is described when the detector scores it over
 * {@code faceScoreMin}. Two descriptors at Euclidean distance ≤ {@code matchDistance} are the same person with
 * confidence, ≤ {@code reviewDistance} possibly (a human decides). This service only describes; the distances travel
 * with every DescribeFaces answer so the caller compares with the numbers calibrated for this model.
 */
@RegisterForReflection
public record LikenessPolicy(String notes, double faceScoreMin, double matchDistance, double reviewDistance) {

    public LikenessPolicy {
        if (faceScoreMin <= 0 || faceScoreMin >= 1 || matchDistance <= 0 || reviewDistance < matchDistance || reviewDistance >= 2) {
            throw new IllegalStateException("likeness policy: need 0 < faceScoreMin < 1 and 0 < matchDistance <= reviewDistance < 2");
        }
    }
}

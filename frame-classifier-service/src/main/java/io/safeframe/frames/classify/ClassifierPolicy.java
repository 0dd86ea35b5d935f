package io.safeframe.frames.classify;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.safeframe.frames.faces.MinorsPolicy;

/**
 * The versioned thresholds that turn per-frame scores into a verdict (policy/classifier-policy.json). A
 * category scores the sum of its model classes. BLOCK when at least blockMinFrames sampled frames or
 * blockMinSeconds of sampled time are at or over block — so the model alone never blocks a single still, it
 * sends it to a human; REVIEW when any frame is at or over review. {@code minors}: sexual content together with an
 * apparent minor (io.safeframe.frames.faces). {@code likeness}: the face descriptor distances DescribeFaces hands its caller.
 */
@RegisterForReflection
public record ClassifierPolicy(String version, String notes, int hashQualityMin, String model, List<Category> categories, MinorsPolicy minors,
        io.safeframe.frames.faces.LikenessPolicy likeness) {

    @RegisterForReflection
    public record Category(String code, String name, List<String> classes, double review, double block, int blockMinFrames,
            double blockMinSeconds) {
    }

    public static ClassifierPolicy fromClasspath() {
        try (InputStream in = ClassifierPolicy.class.getClassLoader().getResourceAsStream("policy/classifier-policy.json")) {
            if (in == null) {
                throw new IllegalStateException("policy/classifier-policy.json missing");
            }
            ClassifierPolicy p = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(in, ClassifierPolicy.class);
            for (Category c : p.categories()) {
                if (c.review() <= 0 || c.review() > c.block() || c.blockMinFrames() < 1) {
                    throw new IllegalStateException("classifier policy category " + c.code() + ": need 0 < review <= block, blockMinFrames >= 1");
                }
            }
            if (p.minors() == null) {
                throw new IllegalStateException("classifier policy: the minors section is missing");
            }
            if (p.likeness() == null) {
                throw new IllegalStateException("classifier policy: the likeness section is missing");
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

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

    /** The policy this build carries: what runs with the store off, and what seeds an empty store. */
    public static ClassifierPolicy fromClasspath() {
        return parse(classpathDocument());
    }

    public static byte[] classpathDocument() {
        try (InputStream in = ClassifierPolicy.class.getClassLoader().getResourceAsStream("policy/classifier-policy.json")) {
            if (in == null) {
                throw new IllegalStateException("policy/classifier-policy.json missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The one parser and validator of a classifier policy document (the file, a stored version, a draft checked before
     * it is stored): unknown fields, impossible thresholds and missing sections are refused with the reason.
     */
    public static ClassifierPolicy parse(byte[] document) {
        ClassifierPolicy p;
        try {
            p = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(document, ClassifierPolicy.class);
        } catch (IOException e) {
            throw new Invalid("not a classifier policy document: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        if (p == null || p.version() == null || p.version().isBlank()) {
            throw new Invalid("classifier policy: version is required");
        }
        if (p.categories() == null || p.categories().isEmpty()) {
            throw new Invalid("classifier policy: at least one category is required");
        }
        for (Category c : p.categories()) {
            if (c.code() == null || c.classes() == null || c.classes().isEmpty()) {
                throw new Invalid("classifier policy: every category needs a code and model classes");
            }
            if (c.review() <= 0 || c.review() > c.block() || c.blockMinFrames() < 1) {
                throw new Invalid("classifier policy category " + c.code() + ": need 0 < review <= block, blockMinFrames >= 1");
            }
        }
        if (p.minors() == null) {
            throw new Invalid("classifier policy: the minors section is missing");
        }
        if (p.likeness() == null) {
            throw new Invalid("classifier policy: the likeness section is missing");
        }
        return p;
    }

    /** A document that is not a usable classifier policy; the message says why. */
    public static final class Invalid extends IllegalStateException {
        public Invalid(String message) {
            super(message);
        }
    }
}

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
        // a document that parses but names what the model does not output, or rules that read nothing, would either fail
        // every classification or switch a rule off without a word: both are refused here, before anyone can approve them
        if (!io.safeframe.frames.model.NsfwClassifier.MODEL_ID.equals(p.model())) {
            throw new Invalid("classifier policy: model must be " + io.safeframe.frames.model.NsfwClassifier.MODEL_ID + " (the model this build runs)");
        }
        if (p.hashQualityMin() < 0 || p.hashQualityMin() > 100) {
            throw new Invalid("classifier policy: hashQualityMin must be 0 to 100 (PDQ quality)");
        }
        java.util.Set<String> modelClasses = java.util.Set.of(io.safeframe.frames.model.NsfwClassifier.CLASSES);
        java.util.Set<String> codes = new java.util.HashSet<>();
        for (Category c : p.categories()) {
            if (c.code() == null || c.code().isBlank() || c.classes() == null || c.classes().isEmpty()) {
                throw new Invalid("classifier policy: every category needs a code and model classes");
            }
            if (!codes.add(c.code())) {
                throw new Invalid("classifier policy: category " + c.code() + " appears twice");
            }
            for (String cls : c.classes()) {
                if (!modelClasses.contains(cls)) {
                    throw new Invalid("classifier policy category " + c.code() + ": class " + cls + " is not one the model outputs "
                            + new java.util.TreeSet<>(modelClasses));
                }
            }
            if (c.review() <= 0 || c.review() > c.block() || c.blockMinFrames() < 1) {
                throw new Invalid("classifier policy category " + c.code() + ": need 0 < review <= block, blockMinFrames >= 1");
            }
        }
        if (p.minors() == null) {
            throw new Invalid("classifier policy: the minors section is missing");
        }
        for (String signal : p.minors().signals().keySet()) {
            if (!codes.contains(signal)) {
                throw new Invalid("classifier policy: the minors rule's signal " + signal + " is not a category of this policy");
            }
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

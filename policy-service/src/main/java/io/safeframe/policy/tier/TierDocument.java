package io.safeframe.policy.tier;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.safeframe.policy.tier.TierCatalogue.InvalidTiers;
import io.safeframe.policy.tier.TierCatalogue.UsageLimits;

/**
 * Usage tiers as a policy-store document (kind {@code tiers}):
 * {@code {"version": "...", "tiers": {"free": {"generationsPerDay": 10, "burstPerMinute": 3, "maxVideoSeconds": 10,
 * "concurrentJobs": 2}, ...}}}. The one parser of that document: the draft check and the catalogue use it.
 */
public final class TierDocument {

    static final String[] FIELDS = { "generationsPerDay", "burstPerMinute", "maxVideoSeconds", "concurrentJobs" };
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_TIERS = 100;

    private TierDocument() {
    }

    /** The document's tiers; refuses unknown fields, missing or non-positive limits and an empty set. */
    public static Map<String, UsageLimits> parse(String documentJson) {
        JsonNode root;
        try {
            root = JSON.readTree(documentJson);
        } catch (JsonProcessingException e) {
            throw new InvalidTiers("not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidTiers("a tiers document is a JSON object");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!name.equals("version") && !name.equals("tiers") && !name.equals("notes")) {
                throw new InvalidTiers("unknown field '" + name + "' (known: version, notes, tiers)");
            }
        }
        JsonNode tiers = root.path("tiers");
        if (!tiers.isObject() || tiers.isEmpty()) {
            throw new InvalidTiers("\"tiers\" must be an object with at least one tier");
        }
        if (tiers.size() > MAX_TIERS) {
            throw new InvalidTiers("more than " + MAX_TIERS + " tiers");
        }
        Map<String, UsageLimits> out = new TreeMap<>();
        tiers.fields().forEachRemaining(e -> out.put(requireName(e.getKey()), limits(e.getKey(), e.getValue())));
        return out;
    }

    private static String requireName(String tier) {
        if (!tier.matches("[a-z][a-z0-9_-]{0,31}")) {
            throw new InvalidTiers("tier name '" + tier + "' must be 1-32 of a-z, 0-9, _ and -, starting with a letter");
        }
        return tier;
    }

    private static UsageLimits limits(String tier, JsonNode node) {
        if (!node.isObject()) {
            throw new InvalidTiers("tier '" + tier + "' must be an object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!java.util.List.of(FIELDS).contains(name)) {
                throw new InvalidTiers("tier '" + tier + "': unknown field '" + name + "'");
            }
        }
        int[] v = new int[FIELDS.length];
        for (int i = 0; i < FIELDS.length; i++) {
            JsonNode value = node.get(FIELDS[i]);
            if (value == null || !value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 1) {
                throw new InvalidTiers("tier '" + tier + "': " + FIELDS[i] + " is missing or not a positive integer");
            }
            v[i] = value.intValue();
        }
        return new UsageLimits(v[0], v[1], v[2], v[3]);
    }

    /** The document for a set of tiers (the built-in ones seed an empty store). */
    public static String of(String label, Map<String, UsageLimits> tiers) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", label);
        root.put("notes", "Usage limits per tier: generations per day, per minute, longest video (s), jobs at once.");
        ObjectNode all = root.putObject("tiers");
        new TreeMap<>(tiers).forEach((name, l) -> all.putObject(name).put(FIELDS[0], l.generationsPerDay())
                .put(FIELDS[1], l.burstPerMinute()).put(FIELDS[2], l.maxVideoSeconds()).put(FIELDS[3], l.concurrentJobs()));
        return root.toString();
    }
}

package io.safeframe.guard.encoder;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Per-category logistic-regression heads over [sentence embedding, per-category rule scores, context cues], with each
 * category's calibrated operating points (REVIEW at or above {@code review}, BLOCK at or above {@code block}), read from
 * the versioned resource {@code policy/prompt-heads.json} that {@code ./safeframe guard-train} writes.
 */
public final class GuardHeads {

    public static final String RESOURCE = "policy/prompt-heads.json";
    public static final String FORMAT = "safeframe-guard-heads/1";
    /** How far (in logit) one framing cue may lower a score: framing lowers, it never erases. */
    public static final double FRAMING_CAP = 1.5;

    /** The category a rules verdict's rule id names ("jailbreak+term:weapons" → weapons). */
    public static String ruleCategory(String ruleId) {
        String rule = ruleId.replaceFirst("^jailbreak\\+", "");
        int colon = rule.indexOf(':');
        String cat = colon < 0 ? rule : rule.substring(colon + 1);
        int hash = cat.indexOf('#');
        return hash < 0 ? cat : cat.substring(0, hash);
    }

    public record Head(String category, float[] weights, float bias, double review, double block, boolean ruleFloor) {
        public double score(float[] x) {
            double z = bias;
            for (int i = 0; i < x.length; i++) {
                z += weights[i] * x[i];
            }
            return 1.0 / (1.0 + Math.exp(-z));
        }
    }

    private final String encoderId;
    private final String encoderSha256;
    private final String policyVersion;
    private final List<String> ruleCategories;
    private final List<Head> heads;
    private final JsonNode provenance;

    public GuardHeads(String encoderId, String encoderSha256, String policyVersion, List<String> ruleCategories, List<Head> heads,
            JsonNode provenance) {
        this.encoderId = encoderId;
        this.encoderSha256 = encoderSha256;
        this.policyVersion = policyVersion;
        this.ruleCategories = List.copyOf(ruleCategories);
        this.heads = List.copyOf(heads);
        this.provenance = provenance;
    }

    public static int dimensions(int ruleCategories) {
        return SentenceEncoder.DIMENSIONS + ruleCategories + ContextFeatures.NAMES.size();
    }

    /** The feature vector: embedding, then each rule category's score in this view, then the context cues. */
    public static float[] features(float[] embedding, List<String> ruleCategories, Map<String, Double> ruleScores,
            ContextFeatures ctx) {
        float[] x = new float[dimensions(ruleCategories.size())];
        System.arraycopy(embedding, 0, x, 0, embedding.length);
        int k = embedding.length;
        for (String c : ruleCategories) {
            x[k++] = (float) (double) ruleScores.getOrDefault(c, 0.0);
        }
        for (float f : ctx.vector()) {
            x[k++] = f;
        }
        return x;
    }

    /** The built-in heads, or the file named by the system property guard.heads (side-by-side measurements only). */
    public static GuardHeads configured() {
        String file = System.getProperty("guard.heads");
        if (file == null) {
            return builtIn();
        }
        try (InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(file))) {
            return read(in);
        } catch (IOException e) {
            throw new IllegalStateException(file + " unreadable: " + e.getMessage(), e);
        }
    }

    public static GuardHeads builtIn() {
        try (InputStream in = GuardHeads.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            return in == null ? null : read(in);
        } catch (IOException e) {
            throw new IllegalStateException(RESOURCE + " unreadable: " + e.getMessage(), e);
        }
    }

    public static GuardHeads read(InputStream in) throws IOException {
        return read(new ObjectMapper().readTree(in));
    }

    public static GuardHeads read(JsonNode root) throws IOException {
        if (!FORMAT.equals(root.path("format").asText())) {
            throw new IOException("not a " + FORMAT + " file");
        }
        List<String> cats = new ArrayList<>();
        root.path("ruleCategories").forEach(n -> cats.add(n.asText()));
        int dim = dimensions(cats.size());
        List<Head> heads = new ArrayList<>();
        for (JsonNode h : root.path("heads")) {
            JsonNode w = h.path("weights");
            if (w.size() != dim) {
                throw new IOException("head " + h.path("category").asText() + " has " + w.size() + " weights, expected " + dim);
            }
            float[] weights = new float[dim];
            for (int i = 0; i < dim; i++) {
                if (!w.get(i).isNumber()) {
                    throw new IOException("head " + h.path("category").asText() + ": weight " + i + " is not a number");
                }
                weights[i] = (float) w.get(i).asDouble();
            }
            for (String point : List.of("bias", "review", "block")) {
                if (!h.path(point).isNumber()) {
                    throw new IOException("head " + h.path("category").asText() + ": " + point + " is not a number");
                }
            }
            heads.add(new Head(h.path("category").asText(), weights, (float) h.path("bias").asDouble(),
                    h.path("review").asDouble(), h.path("block").asDouble(), h.path("ruleFloor").asBoolean(false)));
        }
        return new GuardHeads(root.path("encoder").path("id").asText(), root.path("encoder").path("sha256").asText(),
                root.path("policyVersion").asText(), cats, heads, root.path("provenance"));
    }

    public Map<String, Double> score(float[] x) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Head h : heads) {
            out.put(h.category(), h.score(x));
        }
        return out;
    }

    /** The category (not the any-unsafe head) with the highest score. */
    public static String argmaxCategory(Map<String, Double> scores) {
        String best = null;
        double top = -1;
        for (Map.Entry<String, Double> e : scores.entrySet()) {
            if (!e.getKey().equals(ANY) && e.getValue() > top) {
                top = e.getValue();
                best = e.getKey();
            }
        }
        return best;
    }

    public static final String ANY = "any_unsafe";

    public List<Head> heads() {
        return heads;
    }

    public Head head(String category) {
        return heads.stream().filter(h -> h.category().equals(category)).findFirst().orElse(null);
    }

    public List<String> ruleCategories() {
        return ruleCategories;
    }

    public String encoderId() {
        return encoderId;
    }

    public String encoderSha256() {
        return encoderSha256;
    }

    public String policyVersion() {
        return policyVersion;
    }

    public JsonNode provenance() {
        return provenance;
    }
}

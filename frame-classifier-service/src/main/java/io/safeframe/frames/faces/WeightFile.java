package io.safeframe.frames.faces;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A TF.js weights file pair: the JSON weights manifest (names, shapes, quantisation) and its binary shard. face-api
 * ships weights only — the topology is code (here {@link TinyFaceDetector}, {@link AgeNet}). Weights are either raw
 * float32 (little-endian) or uint8-quantised, de-quantised as TF.js does: value = q × scale + min. A shard that is
 * shorter or longer than its manifest says is refused, so a truncated download never runs with garbage weights.
 */
final class WeightFile {

    private final Map<String, float[]> values = new HashMap<>();
    private final Map<String, int[]> shapes = new HashMap<>();

    WeightFile(String name, InputStream manifest, InputStream shard) throws IOException {
        JsonNode groups = new ObjectMapper().readTree(manifest);
        byte[] bytes = shard.readAllBytes();
        int offset = 0;
        if (!groups.isArray() || groups.isEmpty()) {
            throw new IOException(name + ": the weights manifest lists no weight groups");
        }
        for (JsonNode group : groups) {
            for (JsonNode w : group.path("weights")) {
                String weight = w.path("name").asText();
                int[] shape = new int[w.path("shape").size()];
                long n = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = w.path("shape").get(i).asInt();
                    n *= shape[i];
                }
                if (n <= 0 || n > 1 << 24) {
                    throw new IOException(name + ": weight " + weight + " has an implausible size " + n);
                }
                JsonNode q = w.path("quantization");
                String dtype = q.isMissingNode() ? w.path("dtype").asText() : q.path("dtype").asText();
                int width = switch (dtype) {
                    case "float32" -> 4;
                    case "uint8" -> 1;
                    default -> throw new IOException(name + ": weight " + weight + " has unsupported dtype " + dtype);
                };
                if (offset + n * width > bytes.length) {
                    throw new IOException(name + ": the shard has " + bytes.length + " bytes, it ends inside weight " + weight
                            + " (truncated file?)");
                }
                float[] v = new float[(int) n];
                if (width == 1) {
                    double min = q.path("min").asDouble();
                    double scale = q.path("scale").asDouble();
                    for (int i = 0; i < n; i++) {
                        v[i] = (float) ((bytes[offset + i] & 0xff) * scale + min);
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        int p = offset + 4 * i;
                        v[i] = Float.intBitsToFloat((bytes[p] & 0xff) | (bytes[p + 1] & 0xff) << 8 | (bytes[p + 2] & 0xff) << 16
                                | (bytes[p + 3] & 0xff) << 24);
                    }
                }
                offset += (int) (n * width);
                values.put(weight, v);
                shapes.put(weight, shape);
            }
        }
        if (offset != bytes.length) {
            throw new IOException(name + ": the shard has " + bytes.length + " bytes, the manifest describes " + offset);
        }
    }

    float[] get(String weight) {
        float[] v = values.get(weight);
        if (v == null) {
            throw new IllegalStateException("weight " + weight + " missing from the model");
        }
        return v;
    }

    int[] shape(String weight) {
        get(weight);
        return shapes.get(weight);
    }
}

package io.safeframe.curation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One shard's counts and wall time (kept out of summary.json, which must not depend on timing or shard count). */
public record ShardStats(int shard, int shards, int kept, int dropped, double seconds) {

    public int items() {
        return kept + dropped;
    }

    public double itemsPerSecond() {
        return seconds > 0 ? items() / seconds : 0;
    }

    ObjectNode toJson(ObjectMapper json) {
        ObjectNode o = json.createObjectNode();
        o.put("shard", shard);
        o.put("shards", shards);
        o.put("items", items());
        o.put("kept", kept);
        o.put("dropped", dropped);
        o.put("seconds", Math.round(seconds * 1000) / 1000.0);
        o.put("itemsPerSecond", Math.round(itemsPerSecond() * 100) / 100.0);
        return o;
    }

    static ShardStats fromJson(JsonNode o) {
        return new ShardStats(o.get("shard").asInt(), o.get("shards").asInt(), o.get("kept").asInt(), o.get("dropped").asInt(),
                o.get("seconds").asDouble());
    }
}

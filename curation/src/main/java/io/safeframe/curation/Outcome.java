package io.safeframe.curation;

import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What became of one manifest line: kept (with the line's object) or dropped (with every reason found). */
record Outcome(ManifestLine line, List<Reason> reasons) {

    boolean kept() {
        return reasons.isEmpty();
    }

    /** The part-file record: the line number travels with it so the merge can sort duplicates of an id stably. */
    ObjectNode toPartRecord(ObjectMapper json) {
        ObjectNode out = json.createObjectNode();
        out.put("key", line.key());
        out.put("line", line.line());
        if (kept()) {
            out.set("item", ((ManifestLine.Item) line).item());
            return out;
        }
        ObjectNode dropped = out.putObject("dropped");
        if (line instanceof ManifestLine.Item item) {
            dropped.put("id", item.id());
        } else {
            ManifestLine.Unreadable u = (ManifestLine.Unreadable) line;
            if (u.id() == null) {
                dropped.putNull("id");
            } else {
                dropped.put("id", u.id());
            }
        }
        dropped.put("line", line.line());
        ArrayNode list = dropped.putArray("reasons");
        reasons.stream().sorted(Comparator.comparing(Reason::code)).forEach(r -> {
            ObjectNode o = list.addObject();
            o.put("reason", r.code().name());
            r.details().forEach((k, v) -> o.set(k, json.valueToTree(v)));
        });
        return out;
    }
}

package io.safeframe.gateway.me;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One section of the data export: where it comes from, what it holds, how far it goes, and what is kept but left
 * out with the reason. The shape is part of the documented format (safeframe-export/2), so every section has it.
 */
record ExportSection(String source, Object data, Integer limit, boolean truncated, List<Withheld> notExported) {

    /** Something Safeframe keeps that this section does not hand over, and why. */
    record Withheld(String what, String why) {
    }

    static ExportSection of(String source, Object data, List<Withheld> notExported) {
        return new ExportSection(source, data, null, false, notExported);
    }

    static ExportSection capped(String source, List<?> data, int limit, boolean truncated, List<Withheld> notExported) {
        return new ExportSection(source, data, limit, truncated, notExported);
    }

    Map<String, Object> json() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("source", source);
        if (limit != null) {
            out.put("limit", limit);
            out.put("truncated", truncated);
        }
        out.put("data", data);
        out.put("notExported", notExported.stream().map(w -> Map.of("what", w.what(), "why", w.why())).toList());
        return out;
    }
}

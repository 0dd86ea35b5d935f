package io.safeframe.policy.lifecycle;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a candidate policy document changes against the live one, as a reviewer reads it: a list of
 * {path, op: added|removed|changed, from, to}. Lists of objects that carry a "code" (categories) are matched by code,
 * lists of plain values (terms, benign phrases) as sets, so moving an item is not a change and removing one term shows
 * as exactly that term.
 */
public final class JsonDiff {

    private JsonDiff() {
    }

    public static ArrayNode diff(JsonNode base, JsonNode candidate) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        walk("", base, candidate, out);
        return out;
    }

    private static void walk(String path, JsonNode a, JsonNode b, ArrayNode out) {
        if (a == null || a.isMissingNode()) {
            add(out, path, "added", null, b);
        } else if (b == null || b.isMissingNode()) {
            add(out, path, "removed", a, null);
        } else if (a.isObject() && b.isObject()) {
            Set<String> names = new LinkedHashSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                walk(path + "/" + name, a.get(name), b.get(name), out);
            }
        } else if (a.isArray() && b.isArray()) {
            walkArray(path, (ArrayNode) a, (ArrayNode) b, out);
        } else if (!a.equals(b)) {
            add(out, path, "changed", a, b);
        }
    }

    private static void walkArray(String path, ArrayNode a, ArrayNode b, ArrayNode out) {
        if (keyedByCode(a) && keyedByCode(b)) {
            Map<String, JsonNode> left = byCode(a);
            Map<String, JsonNode> right = byCode(b);
            Set<String> codes = new LinkedHashSet<>(left.keySet());
            codes.addAll(right.keySet());
            for (String code : codes) {
                walk(path + "[code=" + code + "]", left.get(code), right.get(code), out);
            }
        } else if (allValues(a) && allValues(b)) {
            Set<JsonNode> left = new LinkedHashSet<>();
            a.forEach(left::add);
            Set<JsonNode> right = new LinkedHashSet<>();
            b.forEach(right::add);
            left.stream().filter(v -> !right.contains(v)).forEach(v -> add(out, path + "[]", "removed", v, null));
            right.stream().filter(v -> !left.contains(v)).forEach(v -> add(out, path + "[]", "added", null, v));
        } else {
            for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
                walk(path + "[" + i + "]", i < a.size() ? a.get(i) : null, i < b.size() ? b.get(i) : null, out);
            }
        }
    }

    private static boolean keyedByCode(ArrayNode array) {
        if (array.isEmpty()) {
            return true;
        }
        Set<String> seen = new LinkedHashSet<>();
        for (JsonNode n : array) {
            if (!n.isObject() || !n.path("code").isTextual() || !seen.add(n.get("code").asText())) {
                return false;
            }
        }
        return true;
    }

    private static boolean allValues(ArrayNode array) {
        for (JsonNode n : array) {
            if (n.isContainerNode()) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, JsonNode> byCode(ArrayNode array) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (Iterator<JsonNode> it = array.elements(); it.hasNext();) {
            JsonNode n = it.next();
            out.put(n.get("code").asText(), n);
        }
        return out;
    }

    private static void add(ArrayNode out, String path, String op, JsonNode from, JsonNode to) {
        ObjectNode change = out.addObject();
        change.put("path", path.isEmpty() ? "/" : path);
        change.put("op", op);
        if (from != null) {
            change.set("from", from);
        }
        if (to != null) {
            change.set("to", to);
        }
    }
}

package io.safeframe.curation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One line of a dataset manifest: {@code {"id": "...", "text": "..."}}, {@code {"id": "...", "image": "REF"}} or
 * {@code {"id": "...", "video": "REF"}}, text optionally beside the media; REF a path (relative to the manifest's
 * folder) or {@code s3://bucket/key}. Anything else is {@link Unreadable}: reported, never kept. Other fields are
 * carried along untouched into kept.jsonl (captions, licences, ...).
 */
public sealed interface ManifestLine permits ManifestLine.Item, ManifestLine.Unreadable {

    int MAX_ID_CHARS = 256;
    int MAX_TEXT_CHARS = 20_000;

    /** 1-based line number in the manifest. */
    long line();

    /** The sharding and sorting key: the id, or "line:N" for a line without a usable id. */
    String key();

    /** {@code mediaKind} is "image", "video" or null; {@code item} the line's object as read. */
    record Item(long line, String id, String text, String media, String mediaKind, ObjectNode item) implements ManifestLine {
        @Override
        public String key() {
            return id;
        }
    }

    /** {@code id} may be null (not JSON, no id). */
    record Unreadable(long line, String id, String problem) implements ManifestLine {
        @Override
        public String key() {
            return id != null ? id : "line:" + line;
        }
    }

    static ManifestLine parse(ObjectMapper json, long line, String raw) {
        JsonNode node;
        try {
            node = json.readTree(raw);
        } catch (JsonProcessingException e) {
            return new Unreadable(line, null, "not JSON");
        }
        if (node == null || !node.isObject()) {
            return new Unreadable(line, null, "not a JSON object");
        }
        JsonNode id = node.get("id");
        if (id == null || !id.isTextual() || id.asText().isBlank() || id.asText().length() > MAX_ID_CHARS) {
            return new Unreadable(line, null, "no id (a non-empty string of at most " + MAX_ID_CHARS + " characters)");
        }
        String key = id.asText();
        String text = null;
        JsonNode t = node.get("text");
        if (t != null && !t.isNull()) {
            if (!t.isTextual() || t.asText().length() > MAX_TEXT_CHARS) {
                return new Unreadable(line, key, "text is not a string of at most " + MAX_TEXT_CHARS + " characters");
            }
            // blank text is no text (prompt-guard refuses to screen it; there is nothing to train on either)
            text = t.asText().isBlank() ? null : t.asText();
        }
        JsonNode image = node.get("image");
        JsonNode video = node.get("video");
        if (image != null && video != null) {
            return new Unreadable(line, key, "both image and video");
        }
        JsonNode media = image != null ? image : video;
        if (media != null && (!media.isTextual() || media.asText().isBlank())) {
            return new Unreadable(line, key, (image != null ? "image" : "video") + " is not a reference string");
        }
        if (media == null && text == null) {
            return new Unreadable(line, key, "neither text nor image nor video");
        }
        return new Item(line, key, text, media == null ? null : media.asText(), media == null ? null : image != null ? "image" : "video",
                (ObjectNode) node);
    }
}

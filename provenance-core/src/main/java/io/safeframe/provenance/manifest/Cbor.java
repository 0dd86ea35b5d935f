package io.safeframe.provenance.manifest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;

/**
 * Deterministic CBOR for manifests and COSE through Jackson's CBOR generator: definite lengths, map keys that are
 * text or (COSE header labels) integers, byte strings, tags. Maps keep insertion order.
 */
public final class Cbor {

    private static final CBORFactory FACTORY = new CBORFactory();

    /** A CBOR tag around a value (COSE_Sign1 is tag 18). */
    public record Tagged(int tag, Object value) {
    }

    private Cbor() {
    }

    public static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator g = FACTORY.createGenerator(out)) {
            write(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void write(CBORGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof Tagged t) {
            g.writeTag(t.tag());
            write(g, t.value());
        } else if (value instanceof byte[] bytes) {
            g.writeBinary(bytes);
        } else if (value instanceof String s) {
            g.writeString(s);
        } else if (value instanceof Integer || value instanceof Long) {
            g.writeNumber(((Number) value).longValue());
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof List<?> list) {
            g.writeStartArray(list, list.size());
            for (Object item : list) {
                write(g, item);
            }
            g.writeEndArray();
        } else if (value instanceof Map<?, ?> map) {
            g.writeStartObject(map, map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (e.getKey() instanceof Number label) {
                    g.writeFieldId(label.longValue());
                } else {
                    g.writeFieldName((String) e.getKey());
                }
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else {
            throw new IllegalArgumentException("no CBOR for " + value.getClass());
        }
    }
}

package io.safeframe.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.CharConversionException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.safeframe.gateway.generation.GenerationRequest;

class StrictJsonTest {

    private final ObjectMapper mapper = StrictJsonFuzzTest.strictMapper();

    private static byte[] body(String before, int[] raw, String after) {
        byte[] a = before.getBytes(StandardCharsets.UTF_8);
        byte[] c = after.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[a.length + raw.length + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        for (int i = 0; i < raw.length; i++) {
            out[a.length + i] = (byte) raw[i];
        }
        System.arraycopy(c, 0, out, a.length + raw.length, c.length);
        return out;
    }

    /** Found by StrictJsonFuzzTest: Jackson read the overlong F0 8F 98 80 as U+F600 instead of refusing the body. */
    @Test
    void overlongUtf8IsRefused() {
        byte[] overlong = body("{\"prompt\":\"a", new int[] { 0xF0, 0x8F, 0x98, 0x80 }, "\"}");
        IOException e = assertThrows(IOException.class, () -> mapper.readValue(overlong, GenerationRequest.class));
        assertTrue(e.getMessage().contains("not well-formed UTF-8"), e.getMessage());
        // the same through a stream, as Quarkus REST reads bodies
        assertThrows(IOException.class, () -> mapper.readValue(new ByteArrayInputStream(overlong), GenerationRequest.class));
    }

    @Test
    void encodedSurrogatesAndTruncatedCharactersAreRefused() {
        assertThrows(IOException.class, () -> mapper.readTree(body("[\"", new int[] { 0xED, 0xA0, 0x80 }, "\"]")));
        assertThrows(IOException.class, () -> mapper.readTree(body("[\"", new int[] { 0xC0, 0xA2 }, "\"]")));
        assertThrows(IOException.class, () -> mapper.readTree(body("[\"", new int[] { 0xF4, 0x90, 0x80, 0x80 }, "\"]")));
        assertThrows(CharConversionException.class, () -> new StrictUtf8(new ByteArrayInputStream(new byte[] { 'a', (byte) 0xE2, (byte) 0x82 })).readAllBytes());
    }

    /** Found by StrictJsonFuzzTest: a key given twice was read as its last value instead of refusing the body. */
    @Test
    void duplicateKeyIsRefused() {
        byte[] twice = "{\"prompt\":\"a cat\",\"prompt\":\"something else\"}".getBytes(StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> mapper.readValue(twice, GenerationRequest.class));
        assertTrue(e.getMessage().contains("Duplicate field 'prompt'"), e.getMessage());
        assertThrows(IOException.class, () -> mapper.readTree("[{\"a\":1,\"b\":{\"c\":1,\"c\":2}}]".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void wellFormedTextOfEveryLengthIsRead() throws IOException {
        GenerationRequest r = mapper.readValue("{\"prompt\":\"é € 😀 \\ud83d\\ude00\",\"durationSeconds\":4}".getBytes(StandardCharsets.UTF_8),
                GenerationRequest.class);
        assertEquals("é € 😀 😀", r.prompt());
        assertEquals(4, r.durationSeconds());
    }
}

package io.safeframe.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.safeframe.gateway.generation.GenerationRequest;
import io.safeframe.gateway.problem.ApiException;

/**
 * Jazzer fuzz test of the gateway's strict JSON reading ({@link StrictJson} on an ObjectMapper, fed raw body bytes as
 * Quarkus REST does). A body is either refused with an {@link IOException} (Jackson's parse and binding errors, a 400)
 * or it is a document the API promises to accept only: nesting at most {@code json-max-depth}, no object with the
 * same key twice (two readers could pick different values), and well-formed UTF-8. A prompt that gets through is then
 * well-formed Unicode or refused by {@link PromptText}. Any other exception or error is a finding.
 */
class StrictJsonFuzzTest {

    private static final int MAX_DEPTH = 16;
    private static final ObjectMapper STRICT = strictMapper();
    // the oracle: Jackson's streaming parser with its lenient defaults, only used on bodies the strict mapper accepted
    private static final JsonFactory LENIENT = JsonFactory.builder().build();

    static ObjectMapper strictMapper() {
        ObjectMapper mapper = new ObjectMapper();
        StrictJson strict = new StrictJson();
        strict.maxDepth = MAX_DEPTH;
        strict.customize(mapper);
        return mapper;
    }

    @FuzzTest(maxDuration = "10s")
    void readBody(byte[] body) throws IOException {
        // a generic document (any shape: depth and duplicates anywhere) and the one body every user sends
        boolean tree = accepts(body, () -> STRICT.readTree(body));
        GenerationRequest request = null;
        try {
            request = STRICT.readValue(body, GenerationRequest.class);
        } catch (IOException refused) {
            // a 400: fine
        }
        if (tree || request != null) {
            assertWellFormedDocument(body);
        }
        if (request != null && request.prompt() != null) {
            try {
                String prompt = PromptText.require(request.prompt(), 4000);
                assertEquals(prompt, new String(prompt.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8),
                        "an accepted prompt is well-formed Unicode");
            } catch (ApiException refused) {
                assertTrue(refused.status == 400 || refused.status == 413, "prompt refused with " + refused.status);
            }
        }
    }

    private interface Read {
        Object read() throws IOException;
    }

    private static boolean accepts(byte[] body, Read read) {
        try {
            return read.read() != null;
        } catch (IOException refused) {
            return false;
        }
    }

    private static void assertWellFormedDocument(byte[] body) throws IOException {
        // JSON in UTF-16/32 always has zero bytes (its structural characters are ASCII); anything else is read as UTF-8
        if (!contains(body, (byte) 0)) {
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
            } catch (CharacterCodingException e) {
                throw new AssertionError("accepted a body that is not well-formed UTF-8", e);
            }
        }
        Deque<Set<String>> objects = new ArrayDeque<>();
        int depth = 0;
        int deepest = 0;
        try (JsonParser p = LENIENT.createParser(body)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                switch (t) {
                    case START_OBJECT, START_ARRAY -> {
                        deepest = Math.max(deepest, ++depth);
                        objects.push(t == JsonToken.START_OBJECT ? new HashSet<>() : Set.of());
                    }
                    case END_OBJECT, END_ARRAY -> {
                        depth--;
                        objects.pop();
                    }
                    case FIELD_NAME -> assertTrue(objects.peek().add(p.currentName()), "accepted a duplicate key \"" + p.currentName() + "\"");
                    default -> {
                    }
                }
            }
        }
        assertTrue(deepest <= MAX_DEPTH, "accepted nesting " + deepest + " deep (limit " + MAX_DEPTH + ")");
    }

    private static boolean contains(byte[] b, byte wanted) {
        for (byte x : b) {
            if (x == wanted) {
                return true;
            }
        }
        return false;
    }
}

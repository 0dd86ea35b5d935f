package io.safeframe.gateway.internal;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.io.InputDecorator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;

import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * The public API reads JSON strictly: unknown fields, wrong types ("5" for a number, 5 for a string, 1.5 for an
 * integer), deep nesting, a key twice in one object and bytes that are not well-formed UTF-8 are errors, never
 * silently coerced or ignored.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @ConfigProperty(name = "safeframe.limits.json-max-depth", defaultValue = "16")
    int maxDepth;

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(maxDepth).maxStringLength(1 << 20).build());
        // found by StrictJsonFuzzTest: Jackson decodes overlong UTF-8 forms instead of refusing them
        mapper.getFactory().setInputDecorator(new InputDecorator() {
            @Override
            public InputStream decorate(IOContext context, InputStream in) {
                return new StrictUtf8(in);
            }

            @Override
            public InputStream decorate(IOContext context, byte[] src, int offset, int length) {
                return new StrictUtf8(new ByteArrayInputStream(src, offset, length));
            }

            @Override
            public Reader decorate(IOContext context, Reader reader) {
                return reader; // already characters
            }
        });
        // found by StrictJsonFuzzTest: {"prompt":"safe","prompt":"unsafe"} was read as its last value; another reader
        // of the same body (a proxy, a log) may take the first
        mapper.getFactory().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.configure(MapperFeature.ALLOW_COERCION_OF_SCALARS, false);
        mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    }
}

package io.safeframe.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * An in-memory OpenTelemetry collector for tests: it receives OTLP/HTTP (protobuf) on {@link #PORT} and keeps every
 * span. As a test resource it starts before the service processes ({@link #order()}), so {@link PackagedService}
 * points each of them at it, and it switches tracing on in the Quarkus app under test. The services export exactly
 * as they would to a real collector; only the receiving end is a test double.
 */
public class TraceCollector implements QuarkusTestResourceLifecycleManager {

    public static final int PORT = 9395;
    private static final int MAX_BODY = 16 * 1024 * 1024;

    /** One received span, flattened: resource and span attributes as strings. */
    public record ReceivedSpan(String service, String name, String traceId, String spanId, String parentSpanId,
            Map<String, String> attributes) {

        public String attribute(String key) {
            return attributes.get(key);
        }
    }

    private static final List<ReceivedSpan> SPANS = new CopyOnWriteArrayList<>();
    private static volatile HttpServer server;

    /** True while a collector is listening: service processes started now export their traces to it. */
    public static boolean running() {
        return server != null;
    }

    /** What a service needs to export to this collector quickly (short batch delay), as configuration. */
    private static final Map<String, String> EXPORT = Map.of("quarkus.otel.sdk.disabled", "false",
            "quarkus.otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:" + PORT,
            "quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf", "quarkus.otel.bsp.schedule.delay", "PT0.2S");

    /** The same, as options of a service process's command line. */
    static List<String> exportOptions() {
        return EXPORT.entrySet().stream().map(e -> "-D" + e.getKey() + "=" + e.getValue()).toList();
    }

    @Override
    public Map<String, String> start() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", PORT), 0);
            // every path: exporters differ on whether they append /v1/traces to a configured traces endpoint
            http.createContext("/", TraceCollector::receive);
            http.start();
            server = http;
        } catch (IOException e) {
            throw new IllegalStateException("trace collector could not listen on " + PORT, e);
        }
        // the Quarkus app under test exports here too
        return EXPORT;
    }

    @Override
    public int order() {
        // before every service process, so each one is started with the export options
        return -1000;
    }

    @Override
    public void stop() {
        HttpServer http = server;
        server = null;
        if (http != null) {
            http.stop(0);
        }
        SPANS.clear();
    }

    /** Every span received so far. */
    public static List<ReceivedSpan> spans() {
        return List.copyOf(SPANS);
    }

    /**
     * Waits until {@code done} holds for the spans received so far (exporters batch, so spans arrive a little after
     * the work), and returns them; fails after {@code within}.
     */
    public static List<ReceivedSpan> await(Predicate<List<ReceivedSpan>> done, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            List<ReceivedSpan> now = spans();
            if (done.test(now)) {
                return now;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("spans never met the condition within " + within + "; received " + now.size());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static void receive(HttpExchange exchange) throws IOException {
        try (exchange) {
            store(exchange);
        } catch (IOException | RuntimeException | LinkageError e) {
            // the JDK server would close the connection silently; a test needs to see why spans went missing
            System.err.println("TraceCollector: could not take an export: " + e);
            e.printStackTrace();
            throw e;
        }
    }

    private static void store(HttpExchange exchange) throws IOException {
        {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(MAX_BODY);
            }
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
            for (ResourceSpans resource : request.getResourceSpansList()) {
                String service = attributes(resource.getResource().getAttributesList()).getOrDefault("service.name", "?");
                for (ScopeSpans scope : resource.getScopeSpansList()) {
                    scope.getSpansList().forEach(span -> SPANS.add(new ReceivedSpan(service, span.getName(), hex(span.getTraceId().toByteArray()),
                            hex(span.getSpanId().toByteArray()), hex(span.getParentSpanId().toByteArray()), attributes(span.getAttributesList()))));
                }
            }
            byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
        }
    }

    private static Map<String, String> attributes(List<KeyValue> values) {
        Map<String, String> out = new HashMap<>();
        for (KeyValue kv : values) {
            AnyValue v = kv.getValue();
            out.put(kv.getKey(), switch (v.getValueCase()) {
                case STRING_VALUE -> v.getStringValue();
                case INT_VALUE -> Long.toString(v.getIntValue());
                case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
                case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
                default -> v.toString();
            });
        }
        return out;
    }

    private static String hex(byte[] id) {
        return id.length == 0 ? "" : HexFormat.of().formatHex(id);
    }

    /** The spans of one trace as an indented tree (parents before children), for logs and notes. */
    public static String tree(List<ReceivedSpan> trace) {
        Map<String, List<ReceivedSpan>> children = new HashMap<>();
        List<ReceivedSpan> roots = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        trace.forEach(s -> ids.add(s.spanId()));
        for (ReceivedSpan s : trace) {
            if (s.parentSpanId().isEmpty() || !ids.contains(s.parentSpanId())) {
                roots.add(s);
            } else {
                children.computeIfAbsent(s.parentSpanId(), k -> new ArrayList<>()).add(s);
            }
        }
        StringBuilder out = new StringBuilder();
        roots.forEach(r -> print(r, children, 0, out));
        return out.toString();
    }

    private static void print(ReceivedSpan span, Map<String, List<ReceivedSpan>> children, int depth, StringBuilder out) {
        out.append("  ".repeat(depth)).append(span.service()).append("  ").append(span.name()).append('\n');
        children.getOrDefault(span.spanId(), List.of()).forEach(c -> print(c, children, depth + 1, out));
    }
}
